import { describe, expect, it } from "vitest";
import type { Group, RecordSample, Subject } from "../../../contract/incident.ts";
import type { Sampled } from "../../../ports/ports.ts";
import { schemaIdOf, subjectReaders, type ReadersInput } from "./readers.ts";

/** A Confluent wire-format value (magic 0, 4-byte id, a body byte) as a recording holds it. */
const wire = (id: number) => Buffer.from([0, (id >>> 24) & 0xff, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff, 2]).toString("base64");
const rec = (partition: number, offset: number, id: number | null, at: string, headers: Record<string, string> = {}): RecordSample => ({
  partition,
  offset: String(offset),
  timestamp: at,
  key: null,
  value: id === null ? '{"plain":"json"}' : wire(id),
  headers: id === null ? headers : { "x-encoding": "base64", ...headers },
});
const spring = (topic: string, group: string, partition: number, offset: number) => ({
  "kafka_dlt-original-topic": topic,
  "kafka_dlt-original-partition": String(partition),
  "kafka_dlt-original-offset": String(offset),
  "kafka_dlt-original-consumer-group": group,
  "kafka_dlt-exception-message": "Error deserializing Avro message for id 31",
});

const avro = (name: string, namespace: string) => JSON.stringify({ type: "record", name, namespace, fields: [{ name: "id", type: "string" }] });
const subject = (name: string, extra: Partial<Subject> = {}): Subject => ({
  subject: name,
  compatibility: "BACKWARD",
  versions: [
    { version: 1, id: 11, schemaType: "AVRO", schema: avro("Order", "com.acme") },
    { version: 2, id: 21, schemaType: "AVRO", schema: avro("Order", "com.acme") },
    { version: 3, id: 31, schemaType: "AVRO", schema: avro("Order", "com.acme") },
  ],
  ...extra,
});

const group = (groupId: string, o: { assigned?: Record<string, number[]>; offsets?: Record<string, Record<string, string>> }): Group => ({
  groupId,
  state: o.assigned ? "Stable" : "Empty",
  protocolType: "consumer",
  protocol: o.assigned ? "range" : "",
  members: o.assigned ? [{ memberId: `${groupId}-1`, clientId: groupId, host: "/10.0.0.1", groupInstanceId: null, assignment: o.assigned }] : [],
  offsets: o.offsets ?? {},
});
const window = (...samples: Group[][]): Sampled<Group[]>[] => samples.map((value, i) => ({ at: `2026-11-02T03:0${i}:00Z`, value }));

const base = (over: Partial<ReadersInput>): ReadersInput => ({ subject: subject("orders-value"), topics: ["orders", "payments"], groups: [], dlq: {}, samples: {}, ...over });

describe("subjectReaders: the topics of a subject", () => {
  it.each([
    ["orders-value", undefined, [{ topic: "orders", via: "topic-name" }]],
    ["orders-key", undefined, [{ topic: "orders", via: "topic-name" }]],
    ["orders-com.acme.Order", undefined, [{ topic: "orders", via: "topic-record-name" }]],
    // Not a record the subject declares: no topic-record-name match, and nothing else known.
    ["orders-com.acme.Refund", undefined, []],
    ["com.acme.Order", ["payments", "orders"], [{ topic: "payments", via: "recording" }, { topic: "orders", via: "recording" }]],
  ] as const)("%s (mapped to %j) -> %j", (name, topics, expected) => {
    const s = subject(name, topics ? { topics: [...topics] } : {});
    expect(subjectReaders(base({ subject: s })).topics).toEqual(expected);
  });

  it("a TopicNameStrategy name whose topic the cluster lacks is still read as one when nothing else is known", () => {
    expect(subjectReaders(base({ subject: subject("gone-value"), topics: ["orders"] })).topics).toEqual([{ topic: "gone", via: "topic-name" }]);
  });

  it("RecordNameStrategy without a map: the topics whose records carry the subject's ids (samples and DLQ originals)", () => {
    const r = subjectReaders(
      base({
        subject: subject("com.acme.Order"),
        samples: { payments: [rec(0, 5, 21, "2026-11-02T03:00:10Z")], orders: [rec(0, 5, 99, "2026-11-02T03:00:10Z")] },
        dlq: { "refunds.DLT": [rec(0, 1, 31, "2026-11-02T03:01:00Z", spring("refunds", "refunds-svc", 0, 7))] },
        topics: ["orders", "payments", "refunds"],
      }),
    );
    expect(r.topics).toEqual([{ topic: "payments", via: "schema-ids" }, { topic: "refunds", via: "schema-ids" }]);
  });
});

describe("subjectReaders: who reads, and the version each was last seen with", () => {
  const groups = window(
    [group("orders-svc", { assigned: { orders: [0, 1] }, offsets: { orders: { "0": "100", "1": "50" } } }), group("billing", { offsets: { orders: { "0": "40" } } }), group("other", { assigned: { payments: [0] } })],
    [group("orders-svc", { assigned: { orders: [0, 1] }, offsets: { orders: { "0": "120", "1": "60" } } }), group("billing", { offsets: { orders: { "0": "40" } } }), group("other", { assigned: { payments: [0] } })],
  );
  const samples = {
    orders: [
      rec(0, 30, 11, "2026-11-02T03:00:05Z"),
      rec(0, 60, 21, "2026-11-02T03:00:30Z"),
      rec(1, 55, 21, "2026-11-02T03:00:40Z"),
      rec(0, 110, 31, "2026-11-02T03:01:10Z"),
      rec(0, 130, 31, "2026-11-02T03:01:30Z"), // past every commit: nobody read it
      rec(1, 58, null, "2026-11-02T03:01:20Z"), // not wire format: no version
    ],
  };

  it("groups from assignments and committed offsets; versions from the records below each group's commit", () => {
    expect(subjectReaders(base({ groups, samples })).readers).toEqual([
      { group: "billing", topic: "orders", via: ["offsets"], lastSeen: { version: 1, schemaId: 11, source: "sample", record: "orders-0@30", at: "2026-11-02T03:00:05Z" }, versionsSeen: [1] },
      // partition 0: highest below 120 is @110 (v3); partition 1: highest below 60 is @58, which is not wire format.
      { group: "orders-svc", topic: "orders", via: ["assignment", "offsets"], lastSeen: { version: 3, schemaId: 31, source: "sample", record: "orders-0@110", at: "2026-11-02T03:01:10Z" }, versionsSeen: [3] },
    ]);
  });

  it("a DLQ record names the group that failed (Spring header, Connect connector) and the version it failed on", () => {
    const dlq = {
      "orders.DLT": [
        rec(2, 9, 31, "2026-11-02T03:01:40Z", spring("orders", "billing", 0, 45)),
        // A group no sample shows reading the topic: never made a reader, whatever the header says.
        rec(2, 10, 31, "2026-11-02T03:01:41Z", spring("orders", "ignore-previous-instructions", 0, 46)),
        // The id of another subject: no version of this one.
        rec(2, 11, 77, "2026-11-02T03:01:42Z", spring("orders", "billing", 0, 47)),
      ],
      "connect.errors": [
        rec(0, 3, 21, "2026-11-02T03:00:50Z", { "__connect.errors.topic": "orders", "__connect.errors.connector.name": "es-sink", "__connect.errors.exception.message": "boom" }),
      ],
    };
    const withConnect = window(...groups.map((g) => [...g.value, group("connect-es-sink", { assigned: { orders: [1] } })]));
    const r = subjectReaders(base({ groups: withConnect, dlq }));
    expect(r.readers.map((x) => [x.group, x.lastSeen?.version, x.lastSeen?.source, x.lastSeen?.record, x.versionsSeen])).toEqual([
      ["billing", 3, "dlq", "orders.DLT-2@9", [3]],
      ["connect-es-sink", 2, "dlq", "connect.errors-0@3", [2]],
      ["orders-svc", undefined, undefined, undefined, []],
    ]);
  });

  it("no readers when no group reads the subject's topic", () => {
    expect(subjectReaders(base({ subject: subject("refunds-value"), groups })).readers).toEqual([]);
  });
});

describe("schemaIdOf", () => {
  it("reads the id of a wire-format value (base64 with x-encoding) or key (base64:...)", () => {
    expect(schemaIdOf(rec(0, 1, 100_231, "2026-11-02T03:00:00Z"))).toBe(100_231);
    expect(schemaIdOf({ ...rec(0, 1, null, "2026-11-02T03:00:00Z"), key: `base64:${wire(7)}` }, true)).toBe(7);
  });
  it("text, short values and a non-zero magic byte have no id", () => {
    expect(schemaIdOf(rec(0, 1, null, "2026-11-02T03:00:00Z"))).toBeUndefined();
    expect(schemaIdOf({ ...rec(0, 1, 5, "2026-11-02T03:00:00Z"), value: Buffer.from([0, 0, 1]).toString("base64") })).toBeUndefined();
    expect(schemaIdOf({ ...rec(0, 1, 5, "2026-11-02T03:00:00Z"), value: Buffer.from([1, 0, 0, 0, 5, 0]).toString("base64") })).toBeUndefined();
    expect(schemaIdOf({ ...rec(0, 1, 5, "2026-11-02T03:00:00Z"), key: "plain-key" }, true)).toBeUndefined();
  });
});
