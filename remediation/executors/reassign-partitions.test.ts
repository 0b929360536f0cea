import { describe, expect, it } from "vitest";
import { emptyCluster } from "../../ports/write/memory/cluster.ts";
import type { ReassignPlan } from "../reassign/plan-format.ts";
import { memoryLedger } from "../reassign/throttles.ts";
import { reassignPartitions } from "./reassign-partitions.ts";
import { action, addTopic, context, NOW } from "./topic-testing.ts";

function setup() {
  const cluster = emptyCluster([1, 2, 3]);
  addTopic(cluster, "orders", [
    [1, [1, 2]],
    [2, [2, 1]],
  ]);
  const ledger = memoryLedger();
  const ctx = { ...context(cluster), reassign: { ledger, sleep: async () => {} } };
  return { cluster, ledger, ctx };
}

const plan: ReassignPlan = {
  format: "kafka-ops-reassign-plan/v1",
  createdAt: NOW.toISOString(),
  source: "test",
  brokers: [{ id: 1 }, { id: 2 }, { id: 3 }],
  goal: "add-broker",
  batches: [{ moves: [{ topic: "orders", partition: 0, from: [1, 2], to: [3, 2], bytes: 2_500_000 }], bytes: 2_500_000, brokers: [1, 2, 3] }],
  summary: { partitions: 2, replicaMoves: 1, minimumMoves: 1, leaderChanges: 1, bytes: 2_500_000, replicaSpreadBefore: 2, replicaSpreadAfter: 1, leaderSpreadBefore: 1, leaderSpreadAfter: 1, rackViolationsBefore: 0, rackViolationsAfter: 0 },
};

describe("reassign_partitions", () => {
  it("dry run: each batch, each move, the throttle; the cost is the partitions left to move", async () => {
    const { ctx } = setup();
    const prepared = await reassignPartitions.dryRun(action("reassign_partitions", { plan: JSON.stringify(plan), throttle: "20MB/s" }), ctx);
    expect(prepared.output.refusal).toBeUndefined();
    expect(prepared.output.effect).toEqual([
      "batch 1/1: 1 moves, 2.5 MB, brokers 1, 2, 3",
      "orders-0: [1,2] -> [3,2]",
      "throttle: 20 MB/s, on the brokers and replicas of each batch only, removed after each batch",
      "one batch at a time: at most 1 partitions moving at once",
    ]);
    expect(prepared.cost).toEqual({ partitions: 1, partitionsAtOnce: 1 });
  });

  it("a plan bigger than the blast-radius cap in batches under it: the cost at once is the largest batch left", async () => {
    const cluster = emptyCluster([1, 2, 3]);
    addTopic(cluster, "wide", Array.from({ length: 600 }, () => [1, [1, 2]] as [number, number[]]));
    const ctx = { ...context(cluster), reassign: { ledger: memoryLedger(), sleep: async () => {} } };
    const moves = Array.from({ length: 600 }, (_, partition) => ({ topic: "wide", partition, from: [1, 2], to: [3, 2], bytes: 0 }));
    const wide: ReassignPlan = { ...plan, batches: [0, 250, 500].map((at) => ({ moves: moves.slice(at, at + 250), bytes: 0, brokers: [1, 2, 3] })) };
    // The first batch already ran: 350 moves left, the second batch (250) is the most at once.
    for (let p = 0; p < 250; p++) cluster.topics.get("wide")!.partitions[p]!.replicas = [3, 2];
    const prepared = await reassignPartitions.dryRun(action("reassign_partitions", { plan: JSON.stringify(wide) }), ctx);
    expect(prepared.output.refusal).toBeUndefined();
    expect(prepared.cost).toEqual({ partitions: 350, partitionsAtOnce: 250 });
    expect(prepared.output.effect).toContain("one batch at a time: at most 250 partitions moving at once");
  });

  it("refuses a malformed plan, naming the field", async () => {
    const { ctx } = setup();
    const prepared = await reassignPartitions.dryRun(action("reassign_partitions", { plan: JSON.stringify({ ...plan, format: "v0" }) }), ctx);
    expect(prepared.output.refusal).toBe('reassign_partitions: params.plan is not a kafka-ops-reassign-plan/v1: format: Invalid input: expected "kafka-ops-reassign-plan/v1"');
  });

  it("refuses a throttle that is not one", async () => {
    const { ctx } = setup();
    const prepared = await reassignPartitions.dryRun(action("reassign_partitions", { plan: JSON.stringify(plan), throttle: "fast" }), ctx);
    expect(prepared.output.refusal).toBe('reassign_partitions: params.throttle must be auto, none, a rate such as 50MB/s, or bytes per second (got "fast")');
  });

  it("refuses when the plan is already carried out", async () => {
    const { cluster, ctx } = setup();
    cluster.topics.get("orders")!.partitions[0]!.replicas = [3, 2];
    const prepared = await reassignPartitions.dryRun(action("reassign_partitions", { plan: JSON.stringify(plan) }), ctx);
    expect(prepared.output.refusal).toBe("every partition of the plan is already at its target (1 moves done)");
  });

  it("apply moves the partition and verify sees it placed, in sync, with no throttle left", async () => {
    const { cluster, ledger, ctx } = setup();
    const a = action("reassign_partitions", { plan: JSON.stringify(plan), throttle: "20MB/s" });
    const prepared = await reassignPartitions.dryRun(a, ctx);
    const applied = await reassignPartitions.apply(a, prepared, ctx);
    expect(applied.output[0]).toBe("reassignment done: 1 of 1 batches, 1 moves");
    expect(cluster.topics.get("orders")!.partitions[0]).toEqual({ partition: 0, leader: 3, replicas: [3, 2], isr: [3, 2] });
    expect(await reassignPartitions.verify(a, applied, ctx)).toEqual({ ok: true, detail: "all 1 partitions on their target replicas and in sync; no throttle left" });
    expect([...cluster.brokerConfigs.values()].flatMap((c) => Object.keys(c))).toEqual([]);
    expect(ledger.records).toEqual([]);
  });
});
