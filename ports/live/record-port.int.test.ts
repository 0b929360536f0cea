// The live RecordPort against the REAL Kafka 4.1.2 broker started by devtools/cluster/global-setup.ts.
// Run: node_modules/.bin/vitest run -c devtools/vitest.int.config.ts ports/live
import { randomBytes } from "node:crypto";
import { Kafka, Partitioners, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { RecordSample } from "../../contract/incident.ts";
import { Settings } from "../../config/settings.ts";
import { redactor } from "../../config/secret.ts";
import { callPolicy } from "./call.ts";
import { PEEK_GROUP_PREFIX, recordPort } from "./record-port.ts";

const bootstrap = inject("bootstrap");
const suffix = `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
const dlq = `it-${suffix}.DLQ`;
const plain = `it-${suffix}-orders`;
const empty = `it-${suffix}-empty`;
const group = `it-group-${suffix}`;

const kafka = new Kafka({ clientId: `it-records-${suffix}`, brokers: [bootstrap], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const settings = Settings.parse({ kafka: { bootstrap: [bootstrap] }, calls: { deadline: "20s", retries: 1, backoff: "100ms" } });
const port = recordPort(kafka, settings, callPolicy(settings, redactor([])));
const BASE_MS = Date.parse("2026-11-02T03:00:00Z");
const BINARY = Buffer.from([0, 0, 0, 0x01, 0x2f, 0x06, 0x6f, 0x2d, 0x31, 0xff]); // Confluent wire format: magic 0, schema id

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: dlq, numPartitions: 2, replicationFactor: 1 },
      { topic: plain, numPartitions: 1, replicationFactor: 1 },
      { topic: empty, numPartitions: 3, replicationFactor: 1 },
    ],
    waitForLeaders: true,
  });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({
    topic: dlq,
    messages: Array.from({ length: 30 }, (_, i) => ({
      partition: i % 2,
      key: `o-${i}`,
      value: i === 29 ? BINARY : JSON.stringify({ id: `o-${i}`, amount: i }),
      timestamp: String(BASE_MS + i * 1000),
      headers: {
        "__connect.errors.topic": "orders",
        "__connect.errors.partition": String(i % 3),
        "__connect.errors.offset": String(1000 + i),
        "__connect.errors.exception.class.name": "org.apache.kafka.connect.errors.DataException",
        "__connect.errors.exception.message": `Converting byte[] to Kafka Connect data failed (record ${i})`,
        ...(i === 28 && { "x-trace": Buffer.from([0xde, 0xad, 0xbe, 0xef]) }),
      },
    })),
  });
  await producer.send({ topic: plain, messages: [{ key: "k", value: "v" }] });
  await producer.disconnect();
  // A real consumer group on the DLQ, with committed offsets the peek must not move.
  await admin.setOffsets({ groupId: group, topic: dlq, partitions: [{ partition: 0, offset: "3" }, { partition: 1, offset: "7" }] });
});

afterAll(async () => {
  await port.close();
  await admin.deleteGroups([group]).catch(() => {});
  await admin.deleteTopics({ topics: [dlq, plain, empty] }).catch(() => {});
  await admin.disconnect();
});

describe("recordPort against Kafka (real)", () => {
  it("lists DLQ topics by the settings' pattern", async () => {
    const topics = await port.dlqTopics();
    expect(topics.kind).toBe("ok");
    if (topics.kind !== "ok") return;
    expect(topics.value).toContain(dlq);
    expect(topics.value).not.toContain(plain);
  });

  it("peeks the newest 10 of 30 DLQ records with their headers as strings", async () => {
    const read = await port.peekDlq(dlq, 10);
    expect(read.kind).toBe("ok");
    if (read.kind !== "ok") return;
    const records = read.value;
    expect(records).toHaveLength(10);
    expect(records.map((r) => r.key)).toEqual(Array.from({ length: 10 }, (_, i) => `o-${20 + i}`));
    for (const r of records) expect(() => RecordSample.parse(r)).not.toThrow();

    const first = records[0]!;
    expect(first).toMatchObject({ partition: 0, offset: "10", timestamp: new Date(BASE_MS + 20_000).toISOString(), value: JSON.stringify({ id: "o-20", amount: 20 }) });
    expect(first.headers).toEqual({
      "__connect.errors.topic": "orders",
      "__connect.errors.partition": "2",
      "__connect.errors.offset": "1020",
      "__connect.errors.exception.class.name": "org.apache.kafka.connect.errors.DataException",
      "__connect.errors.exception.message": "Converting byte[] to Kafka Connect data failed (record 20)",
    });
    // A binary header value is base64: prefixed; a binary value is base64 with x-encoding.
    expect(records[8]!.headers["x-trace"]).toBe(`base64:${Buffer.from([0xde, 0xad, 0xbe, 0xef]).toString("base64")}`);
    expect(records[9]).toMatchObject({ partition: 1, offset: "14", key: "o-29", value: BINARY.toString("base64") });
    expect(records[9]!.headers["x-encoding"]).toBe("base64");
  });

  it("leaves every existing group's committed offsets untouched, and no peek group behind", async () => {
    await port.peekDlq(dlq, 5);
    await port.sample(dlq, 50);
    const committed = await admin.fetchOffsets({ groupId: group, topics: [dlq] });
    const offsets = committed[0]?.partitions.map((p) => ({ partition: p.partition, offset: p.offset })).sort((a, b) => a.partition - b.partition);
    expect(offsets).toEqual([
      { partition: 0, offset: "3" },
      { partition: 1, offset: "7" },
    ]);
    const { groups } = await admin.listGroups();
    expect(groups.map((g) => g.groupId).filter((g) => g.startsWith(PEEK_GROUP_PREFIX))).toEqual([]);
  });

  it("samples everything when the limit exceeds the topic, oldest first", async () => {
    const read = await port.sample(dlq, 500);
    expect(read.kind).toBe("ok");
    if (read.kind === "ok") expect(read.value.map((r) => r.key)).toEqual(Array.from({ length: 30 }, (_, i) => `o-${i}`));
  });

  it("an empty topic gives no records; a missing one is notRecorded", async () => {
    expect(await port.sample(empty, 10)).toEqual({ kind: "ok", value: [] });
    expect(await port.peekDlq(`it-${suffix}-missing.DLQ`, 10)).toMatchObject({ kind: "notRecorded" });
  });

  it("sampledTopics is notRecorded live", async () => {
    expect((await port.sampledTopics()).kind).toBe("notRecorded");
  });
});
