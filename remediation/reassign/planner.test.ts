import { describe, expect, it } from "vitest";
import { BadInputError } from "../../errors.ts";
import { ReassignPlan, type PartitionState } from "./plan-format.ts";
import { planReassignment, type PlanInput } from "./planner.ts";
import { minimumMoves } from "./planner-metrics.ts";

const AT = "2026-01-01T00:00:00.000Z";

function targets(plan: ReassignPlan, partitions: PartitionState[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const p of partitions) out[`${p.topic}-${p.partition}`] = p.replicas;
  for (const b of plan.batches) for (const mv of b.moves) out[`${mv.topic}-${mv.partition}`] = mv.to;
  return out;
}

const threeBrokers: PartitionState[] = [
  { topic: "t", partition: 0, replicas: [1, 2, 3] },
  { topic: "t", partition: 1, replicas: [2, 3, 1] },
  { topic: "t", partition: 2, replicas: [3, 1, 2] },
  { topic: "t", partition: 3, replicas: [1, 2, 3] },
];

describe("planReassignment", () => {
  it("adds an empty broker with one move per replica it must take, and rebalances leaders by reordering", () => {
    const plan = planReassignment({ partitions: threeBrokers, brokers: [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }], goal: { kind: "add-broker", brokers: [4] }, createdAt: AT, source: "test" });
    expect(ReassignPlan.parse(plan)).toEqual(plan);
    expect(targets(plan, threeBrokers)).toEqual({ "t-0": [2, 4, 3], "t-1": [3, 4, 1], "t-2": [4, 1, 2], "t-3": [1, 2, 3] });
    expect(plan.summary).toEqual({
      partitions: 4, replicaMoves: 3, minimumMoves: 3, leaderChanges: 3, bytes: 0,
      replicaSpreadBefore: 4, replicaSpreadAfter: 0, leaderSpreadBefore: 2, leaderSpreadAfter: 0,
      rackViolationsBefore: 0, rackViolationsAfter: 0,
    });
    expect(plan.batches).toEqual([
      {
        moves: [
          { topic: "t", partition: 0, from: [1, 2, 3], to: [2, 4, 3], bytes: 0 },
          { topic: "t", partition: 1, from: [2, 3, 1], to: [3, 4, 1], bytes: 0 },
          { topic: "t", partition: 2, from: [3, 1, 2], to: [4, 1, 2], bytes: 0 },
        ],
        bytes: 0,
        brokers: [1, 2, 3, 4],
      },
    ]);
  });

  it("empties a removed broker and weighs bytes per move", () => {
    const partitions: PartitionState[] = [
      { topic: "a", partition: 0, replicas: [1, 4], sizeBytes: 100 },
      { topic: "a", partition: 1, replicas: [4, 2], sizeBytes: 300 },
      { topic: "a", partition: 2, replicas: [3, 1], sizeBytes: 200 },
    ];
    const plan = planReassignment({ partitions, brokers: [1, 2, 3, 4].map((id) => ({ id })), goal: { kind: "remove-broker", brokers: [4] }, createdAt: AT, options: { bytesTolerance: 1 } });
    const after = targets(plan, partitions);
    expect(Object.values(after).flat().filter((b) => b === 4)).toEqual([]);
    expect(plan.summary.replicaMoves).toBe(2);
    expect(plan.summary.minimumMoves).toBe(2);
    expect(plan.summary.bytes).toBe(400);
    expect(plan.summary.replicaSpreadAfter).toBe(0);
  });

  it("moves a replica off a crowded rack, onto the least loaded broker of an unused rack", () => {
    const partitions: PartitionState[] = [
      { topic: "r", partition: 0, replicas: [1, 2] },
      { topic: "r", partition: 1, replicas: [3, 4] },
    ];
    const brokers = [{ id: 1, rack: "a" }, { id: 2, rack: "a" }, { id: 3, rack: "b" }, { id: 4, rack: "b" }];
    const plan = planReassignment({ partitions, brokers, goal: { kind: "balance" }, createdAt: AT });
    expect(targets(plan, partitions)).toEqual({ "r-0": [3, 2], "r-1": [1, 4] });
    expect([plan.summary.rackViolationsBefore, plan.summary.rackViolationsAfter, plan.summary.replicaMoves, plan.summary.minimumMoves]).toEqual([2, 0, 2, 2]);
  });

  it("holds an under-replicated partition where it is, and plans only the selected topics", () => {
    const partitions: PartitionState[] = [
      { topic: "orders", partition: 0, replicas: [1, 2], isr: [1] },
      { topic: "orders", partition: 1, replicas: [1, 2], isr: [1, 2] },
      { topic: "audit", partition: 0, replicas: [1, 2] },
    ];
    const plan = planReassignment({ partitions, brokers: [1, 2, 3].map((id) => ({ id })), goal: { kind: "add-broker", brokers: [3] }, topics: "orders", createdAt: AT });
    expect(plan.summary.partitions).toBe(2);
    expect(plan.batches.flatMap((b) => b.moves.map((mv) => `${mv.topic}-${mv.partition} ${mv.from} -> ${mv.to}`))).toEqual(["orders-1 1,2 -> 3,1"]);
  });

  it("caps the copies one broker receives per batch", () => {
    const partitions: PartitionState[] = Array.from({ length: 8 }, (_, i) => ({ topic: "c", partition: i, replicas: [1 + (i % 2)] }));
    const plan = planReassignment({ partitions, brokers: [1, 2, 3, 4].map((id) => ({ id })), goal: { kind: "add-broker", brokers: [3, 4] }, createdAt: AT, options: { maxMovesPerBrokerPerBatch: 1 } });
    expect(plan.summary.replicaMoves).toBe(4);
    // Each batch: one copy into 3 and one into 4 at most, one send from each of 1 and 2.
    expect(plan.batches.map((b) => b.moves.length)).toEqual([2, 2]);
  });

  it("rejects input that does not fit, naming the field", () => {
    const base: PlanInput = { partitions: threeBrokers, brokers: [1, 2, 3].map((id) => ({ id })), goal: { kind: "balance" }, createdAt: AT };
    const bad = (input: PlanInput) => {
      try {
        planReassignment(input);
      } catch (e) {
        expect(e).toBeInstanceOf(BadInputError);
        return (e as Error).message;
      }
      return "no error";
    };
    expect(bad({ ...base, partitions: [{ topic: "t", partition: 0, replicas: [1, 9] }] })).toBe("plan input: partitions[0].replicas[1]: t-0 has a replica on broker 9, which is not among the brokers");
    expect(bad({ ...base, goal: { kind: "add-broker", brokers: [5] } })).toBe("plan input: goal.brokers[0]: broker 5 is not among the brokers");
    expect(bad({ ...base, goal: { kind: "remove-broker", brokers: [3] } })).toBe("plan input: partitions[0].replicas: t-0 has 3 replicas but only 2 brokers would remain");
    expect(bad({ ...base, topics: "(" })).toMatch(/^plan input: topics: not a regular expression/);
  });
});

describe("minimumMoves", () => {
  it("gives the ceils to brokers already above the floor", () => {
    // 10 replicas on 3 brokers: floor 3, one ceil. Counts 6, 4, 0: broker 1 keeps 4 (the ceil), sheds 2... no:
    // the ceil goes to the highest (broker 1: sheds 6-4 = 2), broker 2 sheds 1: 3 moves.
    const a = [[1, 2], [1, 2], [1, 2], [1, 2], [1], [1]];
    expect(minimumMoves(a, { targets: [1, 2, 3], rackOf: new Map() })).toBe(3);
    // Off-target replicas all count.
    expect(minimumMoves([[1, 4], [4, 2]], { targets: [1, 2, 3], rackOf: new Map() })).toBe(2);
  });
});
