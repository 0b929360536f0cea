import { describe, expect, it } from "vitest";
import { investigate } from "../../investigate.ts";
import { replayPorts } from "../../ports/replay/replay-ports.ts";
import { unavailable } from "../../ports/ports.ts";
import { scenario } from "../../test/scenario.ts";
import { healthChecks } from "./health-checks.ts";

const alert = (labels: Record<string, string>) => ({ alert: { kind: "consumer_lag" as const, summary: "lag", labels } });

describe("a healthy verdict says what was checked and found normal", () => {
  it("names the alert's group and topic with what was measured, the brokers, the DLQ and the registry", async () => {
    // 4 partitions written at 100 records a minute each; the group commits 3 records behind.
    const incident = scenario({
      committed: (s, p) => 1000 + 100 * s - 3,
      extra: {
        ...alert({ group: "orders-svc", topic: "orders" }),
        dlq: { "orders.DLQ": [] },
        schemaRegistry: { subjects: [{ subject: "orders-value", compatibility: "BACKWARD", versions: [{ version: 1, id: 1, schemaType: "AVRO", schema: '"string"', registeredAt: "2026-10-01T00:00:00Z" }] }] },
      },
    });
    const report = await investigate(incident);
    expect([report.decision, report.primary]).toEqual(["none", "healthy"]);
    expect(report.rootCause).toBe(
      "Nothing abnormal found. Checked: group orders-svc: 4 partitions, lag at most 3 records over 5 samples, consuming 6.7/s vs producing 6.7/s; " +
        "topic orders: 4 partitions, written at 6.7/s; 3 of 3 brokers online, 0 under-replicated and 0 offline partitions; no DLQ records; " +
        "1 schema subject, no version registered during the window.",
    );
  });

  it("without an alert, speaks of the cluster's groups (one line for many)", async () => {
    const report = await investigate(scenario());
    expect(report.rootCause).toBe(
      "Nothing abnormal found. Checked: group orders-svc: 4 partitions, lag at most 0 records over 5 samples, consuming 6.7/s vs producing 6.7/s; 3 of 3 brokers online, 0 under-replicated and 0 offline partitions.",
    );
    const lag = (group: string, lags: number[]) => ({ group, samples: ["a", "b"], windowSec: 60, partitions: lags.map((l, p) => ({ lag: [0, l], partition: p })), totalLag: [], consumeRatePerSec: 1, produceRatePerSec: 1, timeToCatchUpSec: null, totalLagSeconds: null });
    expect(healthChecks({ lags: [lag("a", [1, 2]), lag("b", [7])] as never, groupsRead: 2, topics: [], window: undefined, overview: undefined, dlq: { topics: [{ topic: "x.DLQ", records: [{}, {}] }] } as never, subjects: undefined })).toEqual([
      "2 groups: 3 partitions, lag at most 7 records on any",
      "2 DLQ records in 1 topic",
    ]);
  });
});

describe("healthy needs positive evidence", () => {
  it("an alert's group whose reads failed is unknown and escalated, saying what could not be read", async () => {
    const incident = scenario({ extra: alert({ group: "orders-svc" }) });
    const ports = replayPorts(incident);
    const report = await investigate(incident, { ports: { ...ports, groups: { groups: async () => unavailable("consumer groups", "broker gone", { cause: "unreachable", retriable: true }) } } });
    expect([report.decision, report.primary]).toEqual(["escalate", "unknown"]);
    expect(report.escalation?.reason).toContain("the investigation could not read everything it needed (consumer_groups: consumer groups: broker gone;");
  });

  it("an alert's topic that is not in the cluster is unknown, never healthy", async () => {
    const report = await investigate(scenario({ extra: alert({ topic: "payments" }) }));
    expect([report.decision, report.primary, report.escalation?.reason]).toEqual(["escalate", "unknown", "the alert names topic payments, which the cluster does not report"]);
  });
});
