import { describe, expect, it } from "vitest";
import { replayDlq } from "./replay-dlq.ts";
import { lastHeader } from "./record-headers.ts";
import { action, addGroup, addTopic, context, emptyCluster, put, values, type MemoryCluster } from "./record-testing.ts";

const SPRING = { "kafka_dlt-original-topic": "orders", "kafka_dlt-exception-message": "timeout calling payments", "kafka_dlt-exception-fqcn": "java.net.SocketTimeoutException" };
const BINARY = Buffer.from([0, 0, 0, 0, 7, 0xff, 0x00, 0x10]);

/** orders (3 partitions) and its DLQ: 6 records on partition 0, 4 on partition 1; offset 3 of partition 0 was replayed 3 times already. */
function estate(): MemoryCluster {
  const c = emptyCluster();
  addTopic(c, "orders", 3);
  addTopic(c, "orders.DLQ", 2);
  for (let i = 0; i < 10; i++) {
    const p = i < 6 ? 0 : 1;
    put(c, "orders.DLQ", p, {
      key: `order-${i}`,
      value: i === 7 ? BINARY : `{"id":${i}}`,
      headers: { ...SPRING, "x-trace": `t-${i}`, ...(i === 3 && { "kafka-ops-replay-count": "3" }) },
    });
  }
  return c;
}

const replay = (extra: Record<string, string | number> = {}) => action("replay_dlq", { dlqTopic: "orders.DLQ", targetTopic: "orders", backoffMs: 1000, ...extra });

describe("replay_dlq dry run", () => {
  it("says what moves where, from the reader group's position to the high watermarks, and writes nothing", async () => {
    const c = estate();
    const before = JSON.stringify([...c.groups], (_k, v) => v) + c.topics.size;
    const p = await replayDlq.dryRun(replay(), context(c));
    expect(p.output.refusal).toBeUndefined();
    expect(p.output.effect).toEqual([
      "replay up to 10 record(s) of orders.DLQ (partition 0 offsets 0..5, partition 1 offsets 0..3) to orders: original keys and values, DLQ error headers removed, kafka-ops-replay-count raised by one; of the 10 read now, 9 go to orders",
      "1 record(s) already replayed 3 times go to quarantine topic orders.DLQ.quarantine instead (loop guard), with diagnostic headers; orders.DLQ.quarantine is created (1 partition, 30 days retention)",
      "reader group kafka-ops-dlq.orders.DLQ on orders.DLQ: partition 0 0 -> 6, partition 1 0 -> 4, committed in the same transactions as the writes (100 records each, at most 200 records/s: about 1 s)",
      "failed transactions are aborted and retried after 1000 ms, doubling per failure; the replay stops after 120000 ms without progress",
    ]);
    expect(p.precondition).toEqual({
      dlq: "orders.DLQ",
      readerGroup: "kafka-ops-dlq.orders.DLQ",
      ranges: [{ partition: 0, from: "0", until: "6" }, { partition: 1, from: "0", until: "4" }],
      destinations: { orders: true, "orders.DLQ.quarantine": false },
      needsQuarantine: true,
    });
    expect(p.cost).toEqual({ records: 10 });
    expect(JSON.stringify([...c.groups], (_k, v) => v) + c.topics.size).toBe(before);
  });

  it("starts where the reader group stands", async () => {
    const c = estate();
    addGroup(c, "kafka-ops-dlq.orders.DLQ", { "orders.DLQ": { 0: "4", 1: "4" } });
    const p = await replayDlq.dryRun(replay(), context(c));
    expect(p.output.effect[0]).toBe(
      "replay up to 2 record(s) of orders.DLQ (partition 0 offsets 4..5) to orders: original keys and values, DLQ error headers removed, kafka-ops-replay-count raised by one; of the 2 read now, 2 go to orders",
    );
    expect(p.output.effect[1]).toMatch(/^reader group kafka-ops-dlq.orders.DLQ on orders.DLQ: partition 0 4 -> 6, committed/);
  });

  it("refuses: nothing left, a missing target, records from another source topic, a bad param", async () => {
    const c = estate();
    addGroup(c, "kafka-ops-dlq.orders.DLQ", { "orders.DLQ": { 0: "6", 1: "4" } });
    expect((await replayDlq.dryRun(replay(), context(c))).output.refusal).toBe("nothing to move: reader group kafka-ops-dlq.orders.DLQ is at the end of every partition of orders.DLQ");
    expect((await replayDlq.dryRun(replay({ targetTopic: "payments" }), context(estate()))).output.refusal).toBe("target topic payments does not exist (a replay never creates its source topic)");
    const mixed = estate();
    put(mixed, "orders.DLQ", 1, { key: "r", value: "x", headers: { "kafka_dlt-original-topic": "refunds" } });
    expect((await replayDlq.dryRun(replay(), context(mixed))).output.refusal).toBe(
      "1 record(s) of orders.DLQ came from other topics (1 dead-lettered from topic refunds, not orders): replaying them into orders would be wrong; replay each source topic on its own",
    );
    expect((await replayDlq.dryRun(action("replay_dlq", { targetTopic: "orders" }), context(estate()))).output.refusal).toBe("params.dlqTopic is missing");
    expect((await replayDlq.dryRun(replay({ maxPerSecond: "fast" }), context(estate()))).output.refusal).toBe('params.maxPerSecond must be an integer from 1 to 100000 (got "fast")');
  });

  it("a record dead-lettered after the dry run changes the precondition (the runner aborts)", async () => {
    const c = estate();
    const first = await replayDlq.dryRun(replay(), context(c));
    put(c, "orders.DLQ", 1, { key: "late", value: "late", headers: SPRING });
    const again = await replayDlq.dryRun(replay(), context(c));
    expect(again.precondition).not.toEqual(first.precondition);
  });
});

describe("replay_dlq apply and verify", () => {
  it("replays with original key and bytes, error headers dropped, a replay counter, the looping record quarantined", async () => {
    const c = estate();
    const ctx = context(c);
    const prepared = await replayDlq.dryRun(replay(), ctx);
    const applied = await replayDlq.apply(replay(), prepared, ctx);
    expect(applied.output).toEqual([
      "quarantine topic orders.DLQ.quarantine: created",
      "moved 10 records of orders.DLQ (9 to orders, 1 to orders.DLQ.quarantine) in 2 transactions; 0 failed attempt(s) retried (their open transactions aborted: read_committed readers never see them)",
      "reader group kafka-ops-dlq.orders.DLQ on orders.DLQ now at partition 0 6, partition 1 4",
    ]);
    expect(values(c, "orders").sort()).toEqual(['{"id":0}', '{"id":1}', '{"id":2}', '{"id":4}', '{"id":5}', '{"id":6}', '{"id":8}', '{"id":9}', BINARY.toString("utf8")].sort());
    const replayed = c.topics.get("orders")!.records.flat();
    const one = replayed.find((r) => r.key?.toString() === "order-7")!;
    expect(one.value).toEqual(BINARY);
    expect(one.headers.map((h) => `${h.key}=${h.value.toString()}`)).toEqual(["x-trace=t-7", "kafka-ops-replay-count=1", "kafka-ops-replayed-from=orders.DLQ/1/1"]);
    const [looped] = c.topics.get("orders.DLQ.quarantine")!.records.flat();
    expect(looped!.key?.toString()).toBe("order-3");
    expect(lastHeader(looped!, "kafka-ops-quarantine-reason")).toBe("replayed 3 times already and dead-lettered again (limit 3)");
    expect(lastHeader(looped!, "kafka_dlt-exception-message")).toBe("timeout calling payments");
    expect(c.groups.get("kafka-ops-dlq.orders.DLQ")!.offsets).toEqual({ "orders.DLQ": { 0: "6", 1: "4" } });

    expect(await replayDlq.verify(replay(), applied, ctx)).toEqual({
      ok: true,
      detail: "reader group kafka-ops-dlq.orders.DLQ is at or past orders.DLQ/0@6, orders.DLQ/1@4; none of the replayed records came back to orders.DLQ (9 to orders, 1 to orders.DLQ.quarantine)",
    });
    // The consumer fails on one replayed record again and dead-letters it, headers copied.
    put(c, "orders.DLQ", 0, { key: "order-2", value: '{"id":2}', headers: { ...SPRING, "kafka-ops-replay-count": "1", "kafka-ops-replayed-from": "orders.DLQ/0/2" } });
    const v = await replayDlq.verify(replay(), applied, ctx);
    expect(v.ok).toBe(false);
    expect(v.detail).toBe("1 replayed record(s) were dead-lettered again into orders.DLQ: the failure is not transient, or its cause is not fixed yet (9 to orders, 1 to orders.DLQ.quarantine)");
    expect(replayDlq.rollback.possible).toBe(false);
  });

  it("failed transactions are aborted and retried: every record once, none lost, none twice", async () => {
    const c = estate();
    const failing = new Set([2, 3, 5]);
    const ctx = context(c, { failTransaction: (n) => failing.has(n) });
    const params = replay({ batchSize: 2 });
    const applied = await replayDlq.apply(params, await replayDlq.dryRun(params, context(c)), ctx);
    expect(applied.output[1]).toBe("moved 10 records of orders.DLQ (9 to orders, 1 to orders.DLQ.quarantine) in 5 transactions; 3 failed attempt(s) retried (their open transactions aborted: read_committed readers never see them)");
    const arrived = [...values(c, "orders"), ...values(c, "orders.DLQ.quarantine")];
    expect(arrived).toHaveLength(10);
    expect(new Set(arrived).size).toBe(10);
  });

  it("a move that stalls stops with what it committed, and applying again continues from there", async () => {
    const c = estate();
    const params = replay({ batchSize: 3, stallTimeoutMs: 5000 });
    const broken = context(c, { failTransaction: (n) => n >= 3 });
    const error = await replayDlq.apply(params, await replayDlq.dryRun(params, context(c)), broken).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      "quarantine topic orders.DLQ.quarantine: created; moved 6 records of orders.DLQ (5 to orders, 1 to orders.DLQ.quarantine) in 2 transactions; 3 failed attempt(s) retried (their open transactions aborted: read_committed readers never see them); reader group kafka-ops-dlq.orders.DLQ on orders.DLQ now at partition 0 6, partition 1 0; stopped before the end: no transaction committed for 7000 ms: transaction 5 failed (injected) (what was moved is committed with its position: applying again continues from there)",
    );
    const ctx = context(c);
    const resumed = await replayDlq.dryRun(params, ctx);
    expect(resumed.precondition).toMatchObject({ ranges: [{ partition: 1, from: "0", until: "4" }] });
    await replayDlq.apply(params, resumed, ctx);
    const arrived = [...values(c, "orders"), ...values(c, "orders.DLQ.quarantine")];
    expect(arrived).toHaveLength(10);
    expect(new Set(arrived).size).toBe(10);
  });
});
