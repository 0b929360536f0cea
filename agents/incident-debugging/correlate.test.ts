import { describe, expect, it } from "vitest";
import { finding } from "../finding.ts";
import type { DiagnosisCode } from "../../contract/vocabulary.ts";
import type { Alert } from "../../contract/incident.ts";
import { correlate } from "./correlate.ts";

const f = (code: DiagnosisCode, entities: Record<string, string | number>, confidence = 0.8) =>
  finding("streaming", code, confidence, code, entities, []);

describe("correlate", () => {
  it("makes a rebalance storm the cause of the same group's lag", () => {
    const c = correlate([f("lag.slow_consumer", { group: "a" }, 0.95), f("rebalance.storm", { group: "a" }, 0.8)], undefined);
    expect(c.primary).toBe(1);
    expect(c.explained[1]).toEqual(["lag.slow_consumer"]);
  });
  it("does not link a storm in one group to lag in another", () => {
    const c = correlate([f("lag.slow_consumer", { group: "b" }, 0.95), f("rebalance.storm", { group: "a" }, 0.8)], undefined);
    expect(c.explained).toEqual({});
    expect(c.primary).toBe(0);
  });
  it("ranks offline partitions above the under-replication of the same broker loss", () => {
    const c = correlate([f("replication.under_replicated", { broker: 3 }, 0.95), f("replication.offline", { broker: 3 }, 0.9)], undefined);
    expect(c.primary).toBe(1);
  });
  it("ties DLQ deserialization failures to the schema change on their topic", () => {
    const c = correlate(
      [f("dlq.schema_mismatch", { dlqTopic: "orders.DLQ", topic: "orders" }, 0.95), f("schema.incompatible_change", { subject: "orders-value", topic: "orders" }, 0.9)],
      undefined,
    );
    expect(c.primary).toBe(1);
    expect(c.blastRadius).toEqual({ groups: [], topics: ["orders", "orders.DLQ"], subjects: ["orders-value"], brokers: [] });
  });
  it("prefers the finding about the alerted entity among unrelated ones", () => {
    const alert: Alert = { kind: "consumer_lag", summary: "lag", labels: { group: "b" } };
    const c = correlate([f("lag.slow_consumer", { group: "a" }, 0.9), f("lag.slow_consumer", { group: "b" }, 0.8)], alert);
    expect(c.primary).toBe(1);
  });
  it("has no primary without findings", () => {
    expect(correlate([], undefined).primary).toBeNull();
  });
});
