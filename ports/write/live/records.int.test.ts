// The live record mover against the REAL shared broker (devtools global setup): bytes and repeated
// headers kept, and two moves of one DLQ at once (same transactional id and reader group) fence each
// other instead of both committing: every record arrives exactly once (read_committed).
// Run: npm run test:integration -- ports/write/live/records.int.test.ts
import { randomBytes } from "node:crypto";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Settings } from "../../../config/settings.ts";
import { redactor } from "../../../config/secret.ts";
import { callPolicy } from "../../live/call.ts";
import type { MoveSpec } from "../record-mover.ts";
import { liveRecords } from "./records.ts";

const bootstrap = inject("bootstrap");
const suffix = `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
const source = `it-mv-${suffix}.DLQ`;
const target = `it-mv-${suffix}`;
const bytesTopic = `it-mv-bytes-${suffix}`;
const RECORDS = 600;
const kafka = new Kafka({ clientId: `it-mover-${suffix}`, brokers: [bootstrap], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const settings = Settings.parse({ kafka: { bootstrap: [bootstrap] }, calls: { deadline: "15s", retries: 3, backoff: "200ms" } });
const redact = redactor([]);
const port = liveRecords({ settings, redact, policy: callPolicy(settings, redact) });
const BINARY = Buffer.from([0, 0, 0, 0, 9, 0xff, 0xfe, 0x00]);

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: source, numPartitions: 2, replicationFactor: 1 },
      { topic: target, numPartitions: 3, replicationFactor: 1 },
      { topic: bytesTopic, numPartitions: 1, replicationFactor: 1 },
      { topic: `${target}.copy`, numPartitions: 1, replicationFactor: 1 },
    ],
  });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await producer.send({ topic: source, messages: Array.from({ length: RECORDS }, (_, i) => ({ partition: i % 2, key: `k${i}`, value: String(i) })) });
  await producer.disconnect();
});

afterAll(async () => {
  await port.close();
  await admin.deleteGroups([`it-mv-reader-${suffix}`]).catch(() => {});
  await admin.deleteGroups([`it-mv-reader2-${suffix}`]).catch(() => {});
  await admin.deleteTopics({ topics: [source, target, bytesTopic, `${target}.copy`] }).catch(() => {});
  await admin.disconnect();
});

describe("live record mover", () => {
  it("writes and reads back keys, values and headers byte for byte, repeated header names included", async () => {
    const [at] = await port.write([{ topic: bytesTopic, key: BINARY, value: BINARY, headers: [{ key: "h", value: Buffer.from([1, 2]) }, { key: "h", value: Buffer.from("two") }, { key: "bin", value: BINARY }] }]);
    expect(at).toEqual({ topic: bytesTopic, partition: 0, offset: "0" });
    const back = await port.readRecord(bytesTopic, 0, "0");
    expect(back?.key).toEqual(BINARY);
    expect(back?.value).toEqual(BINARY);
    expect(back?.headers).toEqual([{ key: "h", value: Buffer.from([1, 2]) }, { key: "h", value: Buffer.from("two") }, { key: "bin", value: BINARY }]);
    expect(await port.readRecord(bytesTopic, 0, "5")).toBeNull();
    expect(await port.offsets(`${bytesTopic}-missing`)).toBeNull();
  });

  it("two moves of one DLQ at once fence each other: every record once", async () => {
    const ends = await port.offsets(source);
    const spec: MoveSpec = {
      source,
      readerGroup: `it-mv-reader-${suffix}`,
      transactionalId: `it-mv-tx-${suffix}`,
      until: ends!.map((e) => ({ partition: e.partition, offset: e.high })),
      route: (r) => ({ topic: target, key: r.key, value: r.value, headers: [] }),
      batchSize: 25,
      maxPerSecond: 1000,
      backoffMs: 200,
      stallTimeoutMs: 60_000,
    };
    const [a, b] = await Promise.all([port.move(spec), port.move(spec)]);
    console.log(`[fencing] move A: ${a.moved} moved, ${a.retries} failed attempts; move B: ${b.moved} moved, ${b.retries} failed attempts`);
    expect(a.complete && b.complete).toBe(true);
    expect(a.position).toEqual([{ partition: 0, offset: "300" }, { partition: 1, offset: "300" }]);
    // Counted read_committed: what both moves committed together is every record once.
    const read = (await Promise.all([0, 1, 2].map(async (p) => port.readRange(target, p, "0", "100000", 10_000)))).flat().map((r) => Number(r.value!.toString()));
    expect(read.length).toBe(RECORDS);
    expect(new Set(read).size).toBe(RECORDS);
    // Each committed move's records count toward exactly one of the two.
    expect(a.moved + b.moved).toBe(RECORDS);
  }, 120_000);

  it("a source written transactionally (aborted batches, commit markers last): the position ends at the high watermark", async () => {
    // The previous test left `target` full of transaction markers and aborted writes.
    const ends = (await port.offsets(target))!;
    const result = await port.move({
      source: target,
      readerGroup: `it-mv-reader2-${suffix}`,
      transactionalId: `it-mv-tx2-${suffix}`,
      until: ends.map((e) => ({ partition: e.partition, offset: e.high })),
      route: (r) => ({ topic: `${target}.copy`, key: r.key, value: r.value, headers: [] }),
      batchSize: 100,
      maxPerSecond: 5000,
      backoffMs: 200,
      stallTimeoutMs: 30_000,
    });
    expect(result.complete).toBe(true);
    expect(result.moved).toBe(RECORDS);
    expect(result.position).toEqual(ends.map((e) => ({ partition: e.partition, offset: e.high })));
    const copied = await port.readRange(`${target}.copy`, 0, "0", "100000", 10_000);
    expect(new Set(copied.map((r) => r.value!.toString())).size).toBe(RECORDS);
    expect(copied).toHaveLength(RECORDS);
  }, 120_000);
});
