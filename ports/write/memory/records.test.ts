import { describe, expect, it } from "vitest";
import { emptyCluster } from "./cluster.ts";
import { memoryRecords } from "./records.ts";
import type { MoveSpec } from "../record-mover.ts";

function cluster() {
  const c = emptyCluster();
  const topic = (partitions: number) => ({
    partitions: Array.from({ length: partitions }, (_, partition) => ({ partition, leader: 1, replicas: [1], isr: [1] })),
    records: Array.from({ length: partitions }, () => []),
    logStart: Array.from({ length: partitions }, () => 0),
    configs: {},
  });
  c.topics.set("src", topic(1));
  c.topics.set("dst", topic(4));
  // Offsets 10, 11, 13 kept (12 compacted away): log start 10, high 14. A move `until` 15 stands for a
  // live log whose last offset is a transaction marker (no record there to read).
  const src = c.topics.get("src")!;
  src.logStart[0] = 10;
  for (const o of [10, 11, 13]) src.records[0]!.push({ topic: "src", partition: 0, offset: String(o), key: Buffer.from(`k${o}`), value: Buffer.from(`v${o}`), headers: [], timestamp: "2026-12-01T00:00:00.000Z" });
  return c;
}

const spec = (over: Partial<MoveSpec> = {}): MoveSpec => ({
  source: "src",
  readerGroup: "reader",
  transactionalId: "tx",
  until: [{ partition: 0, offset: "15" }],
  route: (r) => ({ topic: "dst", key: r.key, value: r.value, headers: r.headers }),
  batchSize: 2,
  maxPerSecond: 1000,
  backoffMs: 100,
  stallTimeoutMs: 1000,
  ...over,
});

describe("in-memory record mover", () => {
  it("offsets, ranges over gaps, a record by position", async () => {
    const port = memoryRecords(cluster());
    expect(await port.offsets("src")).toEqual([{ partition: 0, low: "10", high: "14" }]);
    expect(await port.offsets("nope")).toBeNull();
    expect((await port.readRange("src", 0, "11", "14", 10)).map((r) => r.offset)).toEqual(["11", "13"]);
    expect((await port.readRange("src", 0, "0", "100", 1)).map((r) => r.offset)).toEqual(["10"]);
    expect(await port.readRecord("src", 0, "12")).toBeNull();
    const known = cluster();
    known.topics.get("src")!.logEnd = [500];
    expect(await memoryRecords(known).offsets("src")).toEqual([{ partition: 0, low: "10", high: "500" }]);
  });

  it("places a keyed record by its key (the same key, the same partition) and refuses an unknown topic as a whole", async () => {
    const c = cluster();
    const port = memoryRecords(c);
    const a = await port.write([{ topic: "dst", key: Buffer.from("same"), value: null, headers: [] }, { topic: "dst", key: Buffer.from("same"), value: null, headers: [] }]);
    expect(a[0]!.partition).toBe(a[1]!.partition);
    expect(a.map((p) => p.offset)).toEqual(["0", "1"]);
    await expect(port.write([{ topic: "dst", key: null, value: null, headers: [] }, { topic: "missing", key: null, value: null, headers: [] }])).rejects.toThrow("topic missing does not exist");
    expect(c.topics.get("dst")!.records.flat()).toHaveLength(2);
  });

  it("moves across gaps and commits past the trailing ones (an offsets-only transaction)", async () => {
    const c = cluster();
    const result = await memoryRecords(c).move(spec());
    expect(result).toEqual({ moved: 3, byTopic: { dst: 3 }, transactions: 3, retries: 0, position: [{ partition: 0, offset: "15" }], complete: true });
    expect(c.groups.get("reader")!.offsets).toEqual({ src: { 0: "15" } });
    expect(c.openTransactions.size).toBe(0);
  });

  it("a destination that does not exist: nothing written, nothing committed, stopped after the stall timeout", async () => {
    const c = cluster();
    const result = await memoryRecords(c).move(spec({ route: (r) => ({ topic: "gone", key: r.key, value: r.value, headers: [] }) }));
    expect(result).toEqual({
      moved: 0,
      byTopic: {},
      transactions: 0,
      retries: 4,
      position: [{ partition: 0, offset: "10" }],
      complete: false,
      stopped: "no transaction committed for 1500 ms: topic gone does not exist",
    });
    expect(c.groups.get("reader")).toBeUndefined();
  });
});
