/**
 * The transformations themselves, on small literal inputs: a property is only as good as the
 * transformation it trusts to keep an incident's meaning.
 */
import { describe, expect, it } from "vitest";
import { Incident, type IncidentInput } from "../../contract/incident.ts";
import { addDistractor } from "./distractor.ts";
import { extendWindow } from "./extend.ts";
import { shiftLogLine, shiftOffsets } from "./offset-shift.ts";
import { renameEntities } from "./rename.ts";
import { shiftIso, shiftTimes } from "./time-shift.ts";

const partition = (p: number, end: number, start = 0) => ({ partition: p, leader: 1, replicas: [1, 2], isr: [1, 2], startOffset: String(start), endOffset: String(end) });

/** One topic `orders` (2 partitions) read by `orders-svc`, with the committed offsets given per snapshot. */
function incident(ends: [number, number][], committed: [number, number][], extra: Partial<IncidentInput> = {}): Incident {
  return Incident.parse({
    format: "kafka-incident/v1",
    id: "t",
    title: "t",
    brokers: [{ id: 1, host: "kafka-1.prod.internal", port: 9092 }, { id: 2, host: "kafka-2.prod.internal", port: 9092 }],
    snapshots: ends.map(([e0, e1], i) => ({
      at: `2026-11-02T03:0${i}:00Z`,
      topics: [{ name: "orders", partitions: [partition(0, e0), partition(1, e1)] }],
      groups: [
        {
          groupId: "orders-svc",
          state: "Stable",
          members: [{ memberId: "orders-svc-1-abc", clientId: "orders-svc-1", host: "/10.0.0.7", assignment: { orders: [0, 1] } }],
          offsets: { orders: { "0": String(committed[i]![0]), "1": String(committed[i]![1]) } },
        },
      ],
    })),
    ...extra,
  });
}

describe("renaming", () => {
  const dlq = incident([[100, 100]], [[100, 100]], {
    alert: { kind: "dlq", summary: "orders-sink.DLQ filling up for orders-svc", labels: { topic: "orders-sink.DLQ", connector: "orders-sink" } },
    schemaRegistry: { subjects: [{ subject: "orders-value", versions: [{ version: 1, id: 1, schema: '"string"' }] }] },
    dlq: {
      "orders-sink.DLQ": [
        {
          partition: 0,
          offset: "0",
          timestamp: "2026-11-02T03:00:00Z",
          headers: { "__connect.errors.topic": "orders", "__connect.errors.connector.name": "orders-sink", "__connect.errors.exception.class.name": "org.apache.kafka.connect.errors.DataException" },
        },
      ],
    },
    logs: [{ at: "2026-11-02T03:00:00Z", source: "orders-svc", level: "ERROR", message: "Error processing orders-1@42 on 10.0.0.7 (reorders untouched)" }],
  });
  const { incident: r, rename } = renameEntities(structuredClone(dlq), 1);
  const topic = rename("orders");

  it("keeps derived names derived and DLQ affixes in place", () => {
    expect(rename("orders-sink.DLQ")).toBe(`${topic}-${rename("orders-sink").split("-")[1]}.DLQ`);
    expect(rename("orders-value")).toBe(`${topic}-value`);
    expect(rename("connect-orders-sink")).toBe(`connect-${rename("orders-sink")}`);
    expect(rename("dlq-orders")).toBe(`dlq-${topic}`);
    expect(rename("__consumer_offsets")).toBe("__consumer_offsets");
    expect(topic).not.toBe("orders");
  });

  it("renames every place a name appears, and no code or unrelated word", () => {
    expect(r.snapshots[0]!.topics[0]!.name).toBe(topic);
    expect(Object.keys(r.snapshots[0]!.groups[0]!.offsets)).toEqual([topic]);
    expect(Object.keys(r.snapshots[0]!.groups[0]!.members[0]!.assignment)).toEqual([topic]);
    expect(r.schemaRegistry!.subjects[0]!.subject).toBe(`${topic}-value`);
    expect(Object.keys(r.dlq!)).toEqual([rename("orders-sink.DLQ")]);
    const headers = r.dlq![rename("orders-sink.DLQ")]![0]!.headers;
    expect(headers["__connect.errors.topic"]).toBe(topic);
    expect(headers["__connect.errors.exception.class.name"]).toBe("org.apache.kafka.connect.errors.DataException");
    expect(r.alert!.labels).toEqual({ topic: rename("orders-sink.DLQ"), connector: rename("orders-sink") });
    const host = r.snapshots[0]!.groups[0]!.members[0]!.host;
    expect(host).toMatch(/^\/10\.\d+\.\d+\.\d+$/);
    expect(r.logs![0]!.message).toBe(`Error processing ${topic}-1@42 on ${host.slice(1)} (reorders untouched)`);
    expect(r.logs![0]!.source).toBe(rename("orders-svc"));
    expect(r.brokers[0]!.host).not.toContain("prod");
  });
});

describe("shifting offsets", () => {
  it("shifts offsets named in log lines, only for the topic", () => {
    expect(shiftLogLine("Error processing orders-1@100 and payments-1@100", "orders", 5n)).toBe("Error processing orders-1@105 and payments-1@100");
    expect(shiftLogLine("Seeking to offset 7 for partition orders-3", "orders", 5n)).toBe("Seeking to offset 12 for partition orders-3");
    expect(shiftLogLine("record is {topic='orders', partition=2, offset=9, ts=1}", "orders", 1n)).toBe("record is {topic='orders', partition=2, offset=10, ts=1}");
    expect(shiftLogLine('{"topic":"orders","partition":2,"offset":"9"}', "orders", 1n)).toBe('{"topic":"orders","partition":2,"offset":"10"}');
    expect(shiftLogLine("Error processing preorders-1@100", "orders", 5n)).toBe("Error processing preorders-1@100");
  });

  it("shifts log offsets, committed offsets and DLQ source headers, and maps a skipped offset", () => {
    const base = incident([[100, 200]], [[90, 200]], {
      dlq: { "orders.DLT": [{ partition: 0, offset: "3", timestamp: "2026-11-02T03:00:00Z", headers: { "kafka_dlt-original-topic": "orders", "kafka_dlt-original-offset": "88" } }] },
    });
    const { incident: s, map } = shiftOffsets(base, "orders", 1000n);
    expect(s.snapshots[0]!.topics[0]!.partitions.map((p) => [p.startOffset, p.endOffset])).toEqual([["1000", "1100"], ["1000", "1200"]]);
    expect(s.snapshots[0]!.groups[0]!.offsets).toEqual({ orders: { "0": "1090", "1": "1200" } });
    expect(s.dlq!["orders.DLT"]![0]).toMatchObject({ offset: "3", headers: { "kafka_dlt-original-offset": "1088" } });
    expect(map("offset", "90", { topic: "orders" })).toBe("1090");
    expect(map("offset", "90", { topic: "payments" })).toBe("90");
  });
});

describe("shifting times", () => {
  it("keeps the recording's ISO style and shifts epoch-millisecond headers", () => {
    expect(shiftIso("2026-11-02T03:00:00Z", 60_000)).toBe("2026-11-02T03:01:00Z");
    expect(shiftIso("2026-11-02T03:00:00Z", -1)).toBe("2026-11-02T02:59:59.999Z");
    const s = shiftTimes(
      incident([[1, 1]], [[1, 1]], { dlq: { d: [{ partition: 0, offset: "0", timestamp: "2026-11-02T03:00:00Z", headers: { "kafka_dlt-original-timestamp": "1793588400000" } }] } }),
      1500,
    );
    expect(s.snapshots[0]!.at).toBe("2026-11-02T03:00:01.500Z");
    expect(s.dlq!.d![0]!.headers["kafka_dlt-original-timestamp"]).toBe("1793588401500");
  });
});

describe("a healthy bystander", () => {
  it("is caught up on a steadily written topic, one partition led by each broker", () => {
    const { incident: d } = addDistractor(incident([[100, 100], [160, 160]], [[100, 100], [160, 160]]), { seed: 1, ratePerSec: 10 });
    const [t0, t1] = d.snapshots.map((s) => s.topics.at(-1)!);
    expect(t0!.partitions.map((p) => [p.leader, p.replicas])).toEqual([[1, [1, 2]], [2, [2, 1]]]);
    expect(BigInt(t1!.partitions[0]!.endOffset) - BigInt(t0!.partitions[0]!.endOffset)).toBe(600n);
    const g = d.snapshots[1]!.groups.at(-1)!;
    expect(g.offsets[t1!.name]).toEqual({ "0": t1!.partitions[0]!.endOffset, "1": t1!.partitions[1]!.endOffset });
  });
});

describe("a longer window", () => {
  const commits = (i: Incident) => i.snapshots.map((s) => Object.values(s.groups[0]!.offsets.orders!).join("/"));
  const endsOf = (i: Incident) => i.snapshots.map((s) => s.topics[0]!.partitions.map((p) => p.endOffset).join("/"));

  it("keeps a frozen partition frozen and a moving one moving at its last rate", () => {
    // p0 stuck at 100 with the log growing; p1 consuming 500/min behind writes of 600/min.
    const e = extendWindow(incident([[1000, 1000], [1600, 1600], [2200, 2200]], [[100, 0], [100, 500], [100, 1000]]), 2);
    expect(e.appended).toBe(2);
    expect(e.incident.snapshots.map((s) => s.at.slice(11))).toEqual(["03:00:00Z", "03:01:00Z", "03:02:00Z", "03:03:00Z", "03:04:00Z"]);
    expect(endsOf(e.incident).slice(3)).toEqual(["2800/2800", "3400/3400"]);
    expect(commits(e.incident).slice(3)).toEqual(["100/1500", "100/2000"]);
  });

  it("keeps a caught-up partition caught up with the same small lag", () => {
    const e = extendWindow(incident([[100, 100], [160, 170]], [[95, 100], [155, 170]]), 1);
    expect(commits(e.incident).at(-1)).toBe("215/240");
  });

  it("stops a recovering lag before it has recovered, with a shorter last interval", () => {
    // Lag 1000 -> 600 per partition: a full minute more would leave 200 (< half of 600).
    const e = extendWindow(incident([[1000, 1000], [1100, 1100]], [[0, 0], [500, 500]]), 3);
    expect(e.appended).toBe(1);
    expect(e.incident.snapshots.at(-1)!.at).toBe("2026-11-02T03:01:30Z");
    expect(commits(e.incident).at(-1)).toBe("750/750");
    expect(e.note).toContain("0.5 of an interval");
  });

  it("repeats the cycle of a group that keeps rebalancing; members that came and went come back with new ids", () => {
    const base = incident([[10, 10], [20, 20], [30, 30]], [[10, 10], [20, 20], [30, 30]]);
    base.snapshots[1]!.groups[0]!.state = "PreparingRebalance";
    base.snapshots[1]!.groups[0]!.members[0]!.memberId = "orders-svc-1-def";
    const e = extendWindow(base, 2);
    expect(e.note).toContain("period 2 intervals");
    expect(e.incident.snapshots.slice(3).map((s) => [s.groups[0]!.state, s.groups[0]!.members[0]!.memberId])).toEqual([
      ["PreparingRebalance", "orders-svc-1-def-x1"],
      ["Stable", "orders-svc-1-abc"],
    ]);
  });

  it("leaves a single snapshot unchanged", () => {
    expect(extendWindow(incident([[1, 1]], [[1, 1]]), 3).appended).toBe(0);
  });
});
