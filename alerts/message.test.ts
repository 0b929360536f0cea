import { describe, expect, it } from "vitest";
import { ALERT_FORMAT, MAX_ALERT_BYTES, parseAlertMessage } from "./message.ts";

const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const lag = { kind: "consumer_lag", summary: "payments lag above 10 min", labels: { group: "payments", topic: "orders" } };

describe("alerts-topic records", () => {
  it("reads the project's alert, with its id, and a bare alert under a content id", () => {
    const own = parseAlertMessage(json({ format: ALERT_FORMAT, id: "pd-123", alert: lag, question: "why?" }));
    expect(own).toMatchObject({ ok: true, work: [{ id: "pd-123", alert: { kind: "consumer_lag", labels: { group: "payments" } }, question: "why?", from: "kafka-ops" }] });
    const bare = parseAlertMessage(json(lag));
    expect(bare.ok && bare.work[0]!.id).toMatch(/^alert-[0-9a-f]{20}$/);
    expect(bare.ok && bare.work[0]!.title).toBe("consumer_lag (group payments, topic orders): payments lag above 10 min");
  });

  it("gives the same alert the same id however it is spelt, and another alert another id", () => {
    const id = (v: unknown) => {
      const p = parseAlertMessage(json(v));
      return p.ok ? p.work[0]!.id : p.error;
    };
    const reordered = { labels: { topic: "orders", group: "payments" }, summary: lag.summary, kind: lag.kind };
    expect(id(reordered)).toBe(id(lag));
    expect(id({ alert: lag })).toBe(id(lag));
    expect(id({ ...lag, summary: "payments lag above 20 min" })).not.toBe(id(lag));
    expect(id({ alert: lag, question: "other" })).not.toBe(id(lag));
  });

  it("reads an Alertmanager payload as one alert per firing alert, named by fingerprint and start", () => {
    const payload = {
      version: "4",
      status: "firing",
      alerts: [
        { status: "firing", fingerprint: "a1b2", startsAt: "2026-12-01T03:00:00Z", labels: { alertname: "KafkaConsumerLag", consumergroup: "payments", topic: "orders" }, annotations: { summary: "lag high" } },
        { status: "resolved", fingerprint: "c3d4", labels: { alertname: "KafkaConsumerLag" } },
        { status: "firing", fingerprint: "e5f6", labels: { alertname: "UnderReplicatedPartitions" } },
      ],
    };
    const parsed = parseAlertMessage(json(payload));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.work.map((w) => w.id)).toEqual([`am-a1b2-${Date.parse("2026-12-01T03:00:00Z")}`, "am-e5f6"]);
    expect(parsed.work[0]!.alert).toMatchObject({ kind: "consumer_lag", labels: { group: "payments", topic: "orders" } });
    expect(parsed.work[1]!.alert.kind).toBe("replication");
    expect(parsed.ignored).toEqual(["c3d4: resolved"]);
  });

  it("says in one line why a record is not an alert, naming the field", () => {
    const error = (value: Buffer | null) => {
      const p = parseAlertMessage(value);
      return p.ok ? "parsed" : p.error;
    };
    expect(error(null)).toMatch(/no value/);
    expect(error(Buffer.from("{not json"))).toMatch(/^the value is not JSON/);
    expect(error(json([1, 2]))).toMatch(/expected a JSON object/);
    expect(error(json({ kind: "lagging", summary: "x" }))).toMatch(/^not a kafka-ops-alert\/v1 alert: kind: /);
    expect(error(json({ format: ALERT_FORMAT, alert: lag, id: "has space" }))).toMatch(/id: expected letters/);
    expect(error(json({ format: "kafka-ops-alert/v2", alert: lag }))).toMatch(/format: /);
    expect(error(json({ version: "4", status: "firing", alerts: [{ status: "firing" }] }))).toMatch(/^not an Alertmanager webhook payload \(version 4\): alerts\.0\.labels/);
    expect(error(Buffer.alloc(MAX_ALERT_BYTES + 1, 32))).toMatch(/at most/);
    for (const e of [error(null), error(json({ kind: 1 }))]) expect(e).not.toContain("\n");
  });

  it("takes a UTF-8 byte order mark", () => {
    expect(parseAlertMessage(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json(lag)])).ok).toBe(true);
  });
});
