/**
 * Invariants of the planner on generated clusters (fast-check, fixed seeds: a failure replays
 * with the same seed). Clusters: 3-9 brokers, unracked or on 2-3 racks, 1-80 partitions of RF 1-3
 * placed at random (often unbalanced), optional sizes and ISR; goals: add 1-2 empty brokers,
 * remove one, or balance.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReassignPlan, type BrokerInfo, type PartitionState } from "./plan-format.ts";
import { PLANNER_DEFAULTS, planReassignment, type PlanInput } from "./planner.ts";
import { minimumMoves, shapeOf, type Placement } from "./planner-metrics.ts";

const RUNS = 150;

interface Case {
  input: PlanInput;
  racks: number;
}

const clusterCase: fc.Arbitrary<Case> = fc
  .record({
    brokers: fc.integer({ min: 3, max: 9 }),
    racks: fc.constantFrom(0, 2, 3),
    goal: fc.constantFrom("add-broker", "remove-broker", "balance"),
    added: fc.integer({ min: 1, max: 2 }),
    sized: fc.boolean(),
    parts: fc.array(
      fc.record({ rf: fc.integer({ min: 1, max: 3 }), picks: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }), size: fc.integer({ min: 1, max: 10_000 }), behind: fc.boolean() }),
      { minLength: 1, maxLength: 80 },
    ),
  })
  .map(({ brokers, racks, goal, added, sized, parts }) => {
    const all = Array.from({ length: brokers }, (_, i) => i + 1);
    const newcomers = goal === "add-broker" ? all.slice(brokers - added) : [];
    const removed = goal === "remove-broker" ? [brokers] : [];
    const holders = all.filter((b) => !newcomers.includes(b));
    const info: BrokerInfo[] = all.map((id) => (racks > 0 ? { id, rack: `r${id % racks}` } : { id }));
    const partitions: PartitionState[] = parts.map((p, k) => {
      const pool = [...holders];
      const replicas: number[] = [];
      const rf = Math.min(p.rf, pool.length, all.length - removed.length);
      for (let j = 0; j < rf; j++) {
        const [b] = pool.splice((p.picks[j] ?? 0) % pool.length, 1);
        if (b !== undefined) replicas.push(b);
      }
      const state: PartitionState = { topic: `t${k % 4}`, partition: k, replicas };
      if (sized) state.sizeBytes = p.size;
      if (p.behind && replicas.length > 1 && k % 7 === 0) state.isr = replicas.slice(0, 1);
      return state;
    });
    const g = goal === "add-broker" ? { kind: "add-broker" as const, brokers: newcomers } : goal === "remove-broker" ? { kind: "remove-broker" as const, brokers: removed } : { kind: "balance" as const };
    return { input: { partitions, brokers: info, goal: g, createdAt: "2026-01-01T00:00:00.000Z" }, racks };
  });

function placementOf(input: PlanInput): Placement {
  const removed = input.goal.kind === "remove-broker" ? input.goal.brokers : [];
  const rackOf = new Map<number, string>();
  for (const b of input.brokers) if (b.rack !== undefined) rackOf.set(b.id, b.rack);
  return { targets: input.brokers.map((b) => b.id).filter((b) => !removed.includes(b)), rackOf };
}

function after(input: PlanInput, plan: ReassignPlan): number[][] {
  const to = new Map<number, number[]>();
  for (const b of plan.batches) for (const mv of b.moves) to.set(mv.partition, mv.to);
  return input.partitions.map((p) => to.get(p.partition) ?? p.replicas);
}

const hasHeld = (input: PlanInput) => input.partitions.some((p) => p.isr !== undefined);

describe("planner invariants", () => {
  it("keeps every partition's replica count, puts replicas only on target brokers, and validates", () => {
    fc.assert(
      fc.property(clusterCase, ({ input }) => {
        const plan = planReassignment(input);
        ReassignPlan.parse(plan);
        const targets = new Set(placementOf(input).targets);
        after(input, plan).forEach((rs, k) => {
          expect(rs.length).toBe(input.partitions[k]?.replicas.length);
          expect(new Set(rs).size).toBe(rs.length);
          for (const b of rs) expect(targets.has(b)).toBe(true);
        });
      }),
      { seed: 1001, numRuns: RUNS },
    );
  });

  it("reaching the balance never takes fewer moves than the lower bound; without racks or held partitions it gets there within 1.1x of it", () => {
    fc.assert(
      fc.property(clusterCase, ({ input, racks }) => {
        const plan = planReassignment(input);
        // The bound is for reaching spread <= 1 with no rack violation; racks can make that
        // unreachable (one broker alone on a rack every partition needs), and then it does not apply.
        if (plan.summary.replicaSpreadAfter <= 1 && plan.summary.rackViolationsAfter === 0) expect(plan.summary.replicaMoves).toBeGreaterThanOrEqual(plan.summary.minimumMoves);
        expect(plan.summary.minimumMoves).toBe(minimumMoves(input.partitions.map((p) => p.replicas), placementOf(input)));
        if (racks === 0 && !hasHeld(input)) {
          const sized = input.partitions.some((p) => p.sizeBytes !== undefined);
          if (!sized) expect(plan.summary.replicaMoves).toBeLessThanOrEqual(Math.ceil(1.1 * plan.summary.minimumMoves));
          expect(plan.summary.replicaSpreadAfter).toBeLessThanOrEqual(1);
        }
      }),
      { seed: 1002, numRuns: RUNS },
    );
  });

  it("never adds a rack violation outside a broker removal, and fixes all where racks are even and RF <= racks", () => {
    fc.assert(
      fc.property(clusterCase, ({ input, racks }) => {
        const plan = planReassignment(input);
        if (input.goal.kind !== "remove-broker") expect(plan.summary.rackViolationsAfter).toBeLessThanOrEqual(plan.summary.rackViolationsBefore);
        const targets = placementOf(input).targets;
        const evenRacks = racks > 0 && targets.length % racks === 0;
        const fits = input.partitions.every((p) => p.replicas.length <= racks);
        if (evenRacks && fits && !hasHeld(input) && input.goal.kind !== "remove-broker") expect(plan.summary.rackViolationsAfter).toBe(0);
      }),
      { seed: 1003, numRuns: RUNS },
    );
  });

  it("balances preferred leaders to within 1 when every partition has RF >= 2 and none is held", () => {
    fc.assert(
      fc.property(clusterCase, ({ input }) => {
        if (hasHeld(input) || input.partitions.some((p) => p.replicas.length < 2)) return;
        const plan = planReassignment(input);
        // Reordering can only give a broker the leaderships of partitions it holds: with spread <= 1
        // on replicas and RF >= 2 that is enough on these sizes; the figure is reported, not assumed.
        const shape = shapeOf(after(input, plan), placementOf(input));
        expect(shape.leaderSpread).toBe(plan.summary.leaderSpreadAfter);
        if (plan.summary.replicaSpreadAfter <= 1 && input.brokers.every((b) => b.rack === undefined)) expect(plan.summary.leaderSpreadAfter).toBeLessThanOrEqual(1);
      }),
      { seed: 1004, numRuns: RUNS },
    );
  });

  it("batches every changed partition exactly once, within the per-broker and per-batch limits", () => {
    fc.assert(
      fc.property(clusterCase, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 6 }), ({ input }, limit, perBatch) => {
        const plan = planReassignment({ ...input, options: { maxMovesPerBrokerPerBatch: limit, maxMovesPerBatch: perBatch } });
        const seen = plan.batches.flatMap((b) => b.moves.map((mv) => mv.partition));
        expect(new Set(seen).size).toBe(seen.length);
        const changed = input.partitions.filter((p, k) => (after(input, plan)[k] ?? []).join() !== p.replicas.join()).map((p) => p.partition);
        expect([...seen].sort((a, b) => a - b)).toEqual(changed);
        for (const b of plan.batches) {
          const load = new Map<string, number>();
          for (const mv of b.moves) {
            const added = mv.to.filter((r) => !mv.from.includes(r));
            if (added.length === 0) continue;
            for (const key of [...added.map((r) => `in:${r}`), `out:${mv.from[0]}`]) load.set(key, (load.get(key) ?? 0) + 1);
            for (const r of [...mv.from, ...mv.to]) expect(b.brokers).toContain(r);
          }
          for (const v of load.values()) expect(v).toBeLessThanOrEqual(limit);
          expect(b.moves.length).toBeLessThanOrEqual(perBatch);
          expect(b.bytes).toBe(b.moves.reduce((s, mv) => s + mv.bytes, 0));
        }
      }),
      { seed: 1005, numRuns: RUNS },
    );
  });

  it("is deterministic, and planning its own result again moves nothing", () => {
    fc.assert(
      fc.property(clusterCase, ({ input }) => {
        const plan = planReassignment(input);
        expect(planReassignment(input)).toEqual(plan);
        if (input.goal.kind === "remove-broker" || hasHeld(input)) return;
        const next = after(input, plan);
        const again = planReassignment({ ...input, goal: { kind: "balance" }, partitions: input.partitions.map((p, k) => ({ ...p, replicas: next[k] ?? p.replicas })) });
        if (plan.summary.replicaSpreadAfter <= 1 && plan.summary.rackViolationsAfter === 0 && (plan.summary.bytes === 0 || !input.partitions.some((p) => p.sizeBytes !== undefined))) {
          expect(again.summary.replicaMoves).toBe(0);
        }
      }),
      { seed: 1006, numRuns: RUNS },
    );
  });

  it("documents its defaults", () => {
    expect(PLANNER_DEFAULTS).toEqual({ maxMovesPerBrokerPerBatch: 5, maxBytesPerBatch: undefined, maxMovesPerBatch: 250, bytesTolerance: 0.1 });
  });
});
