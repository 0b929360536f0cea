/**
 * `reassign_partitions`: carries out a reassignment plan (remediation/reassign/plan-format.ts)
 * through remediation/reassign/execute.ts: batch by batch, throttled only on the brokers and
 * replicas involved, verified after each batch, the throttles removed whatever happens.
 *
 * Params:
 *   plan      a kafka-ops-reassign-plan/v1 as JSON text (what `kafka-ops reassign execute <plan.json>` passes);
 *             absent (an action drafted by a diagnosis): the dry run plans a balance of the
 *             cluster as it stands (remediation/reassign/planner.ts) and that plan is what is approved
 *   throttle  "auto" | "none" | a rate ("50MB/s") | bytes per second; default the draft's
 *             throttleBytesPerSec, else auto
 *   brokerCapacity  bytes per second one broker can take in, for auto (default in auto-throttle.ts)
 *
 * The dry run says each batch's moves, bytes and brokers, the throttle, and refuses when a
 * partition is neither where the plan found it nor at its target (the cluster changed), when
 * nothing is left to move, or when the write adapter cannot reassign.
 * Rollback: none as such; a reassignment back is another plan (kafka-ops plan reassign).
 */
import type { Action } from "../../contract/report.ts";
import { abortableSleep, describeThrottle, executePlan, parseThrottle, readMoveStates, verifyPlacement, type ExecuteOutcome, type ThrottleChoice } from "../reassign/execute.ts";
import { ReassignPlan, type ReplicaMove } from "../reassign/plan-format.ts";
import { ParamError } from "./params.ts";
import { refusal, type ExecutionContext, type Executor } from "./executor.ts";

/** Moves listed one by one in a dry run before the rest are counted. */
const LISTED = 50;

interface Memo {
  plan: ReassignPlan;
  status: ExecuteOutcome["status"];
  throttlesRemoved: boolean;
}

export const reassignPartitions: Executor = {
  kind: "reassign_partitions",
  effect: "mutating",
  // apply returns when every batch has finished and been verified: nothing more to wait for.
  settleMs: 0,

  async dryRun(action, ctx) {
    const at = ctx.now().toISOString();
    let plan: ReassignPlan;
    let throttle: ThrottleChoice;
    try {
      throttle = throttleOf(action);
      plan = await planOf(action, ctx);
    } catch (error) {
      if (error instanceof ParamError) return refusal(ctx, `reassign_partitions: ${error.message}`);
      throw error;
    }
    const topics = ctx.write.topics;
    if (!topics.alterPartitionReassignments || !topics.listPartitionReassignments) return refusal(ctx, "this write adapter cannot reassign partitions (no AlterPartitionReassignments)");
    if (!ctx.reassign) return refusal(ctx, "reassign_partitions needs the throttle ledger (the state dir) so its throttles can be removed after a crash; this run has none");
    const moves = plan.batches.flatMap((b) => b.moves);
    if (moves.length === 0) return refusal(ctx, "the plan moves nothing: the cluster is balanced as planned");
    const ongoing = await topics.listPartitionReassignments();
    const states = await readMoveStates(moves, topics, async () => ongoing);
    const changed = states.filter((s) => s.state === "changed");
    if (changed.length) {
      const list = changed.slice(0, 10).map((c) => `${c.move.topic}-${c.move.partition} is on [${c.now.join(",")}] (plan: [${c.move.from.join(",")}] -> [${c.move.to.join(",")}])`);
      return refusal(ctx, `the cluster changed since the plan: ${list.join("; ")}${changed.length > 10 ? `; and ${changed.length - 10} more` : ""}; plan again`);
    }
    const left = states.filter((s) => s.state !== "done");
    if (left.length === 0) return refusal(ctx, `every partition of the plan is already at its target (${moves.length} moves done)`);
    const effect: string[] = [];
    for (const [i, b] of plan.batches.entries()) effect.push(`batch ${i + 1}/${plan.batches.length}: ${b.moves.length} moves, ${formatBytes(b.bytes)}, brokers ${b.brokers.join(", ")}`);
    for (const s of left.slice(0, LISTED)) effect.push(`${s.move.topic}-${s.move.partition}: [${s.move.from.join(",")}] -> [${s.move.to.join(",")}]${s.state === "in-flight" ? " (in flight: waited for)" : ""}`);
    if (left.length > LISTED) effect.push(`... and ${left.length - LISTED} more moves (${left.length} in all)`);
    effect.push(`throttle: ${describeThrottle(throttle)}, on the brokers and replicas of each batch only, removed after each batch`);
    effect.push(`one batch at a time: at most ${largestBatch(plan, new Set(left.map((s) => s.move)))} partitions moving at once`);
    const warnings: string[] = [];
    const done = states.length - left.length;
    if (done) warnings.push(`${done} moves of the plan are already done and are skipped`);
    const foreign = ongoing.filter((o) => !moves.some((m) => m.topic === o.topic && m.partition === o.partition));
    if (foreign.length) warnings.push(`${foreign.length} other reassignments are in flight (started elsewhere); they compete for the same bandwidth`);
    const stale = (await ctx.reassign.ledger.list()).filter((r) => r.target === ctx.write.describe());
    if (stale.length) warnings.push(`${stale.length} throttle records of earlier runs: removed first if their run is gone`);
    warnings.push("clients of moved partitions follow the leader on their next metadata refresh; replication copies each moved replica's log");
    return {
      output: { at, effect: effect.map(ctx.redact), warnings: warnings.map(ctx.redact) },
      // Without its timestamp: a plan the dry run made itself is made again before apply, and only its
      // moves must agree. Not the moves' states: a move in flight that completes between the dry run
      // and the apply is progress, not a change; a partition that went elsewhere makes the dry run
      // that the runner runs again right before apply refuse ("the cluster changed since the plan").
      precondition: { plan: { ...plan, createdAt: "" } },
      cost: { partitions: left.length, partitionsAtOnce: largestBatch(plan, new Set(left.map((s) => s.move))) },
    };
  },

  async apply(action, prepared, ctx) {
    const pre = prepared.precondition as { plan: ReassignPlan } | null;
    if (!pre) throw new Error("reassign_partitions: the dry run refused, nothing to apply");
    if (!ctx.reassign) throw new Error("reassign_partitions needs the throttle ledger (the state dir)");
    const r = ctx.reassign;
    const outcome = await executePlan(
      pre.plan,
      { topics: ctx.write.topics, ledger: r.ledger, target: ctx.write.describe(), now: ctx.now, sleep: r.sleep ?? abortableSleep, redact: ctx.redact },
      { throttle: throttleOf(action), ...(r.pollMs !== undefined && { pollMs: r.pollMs }), ...(ctx.signal && { signal: ctx.signal }), ...(r.onProgress && { onProgress: r.onProgress }) },
    );
    const memo: Memo = { plan: pre.plan, status: outcome.status, throttlesRemoved: outcome.throttlesRemoved };
    return { at: ctx.now().toISOString(), output: [`reassignment ${outcome.status}: ${outcome.batchesDone} of ${pre.plan.batches.length} batches, ${outcome.movesDone} moves`, ...outcome.lines].map(ctx.redact), memo };
  },

  async verify(_action, applied, ctx) {
    const m = applied.memo as Memo;
    const moves = m.plan.batches.flatMap((b) => b.moves);
    const problems = await verifyPlacement(moves, ctx.write.topics);
    const mine = ctx.reassign ? (await ctx.reassign.ledger.list()).filter((r) => r.owner.pid === process.pid && r.target === ctx.write.describe()) : [];
    const throttles = mine.length || !m.throttlesRemoved ? [`${mine.length} throttle records of this run remain (kafka-ops reassign status removes them)`] : [];
    if (m.status !== "done" || problems.length || throttles.length) {
      const what = [`the reassignment ${m.status === "done" ? "ran" : `ended ${m.status}`}`, ...(problems.length ? [`${problems.length} partitions not as planned: ${problems.slice(0, 10).join("; ")}`] : []), ...throttles];
      return { ok: false, detail: ctx.redact(what.join("; ")) };
    }
    return { ok: true, detail: `all ${moves.length} partitions on their target replicas and in sync; no throttle left` };
  },

  rollback: { possible: false, why: "a reassignment is undone by another one (kafka-ops plan reassign from the placement now): copying the data back is a plan of its own" },
};

function throttleOf(action: Action): ThrottleChoice {
  const v = action.params.throttle ?? action.params.throttleBytesPerSec ?? "auto";
  const t = parseThrottle(v);
  if (!t) throw new ParamError(`params.throttle must be auto, none, a rate such as 50MB/s, or bytes per second (got ${JSON.stringify(v)})`);
  const capacity = action.params.brokerCapacity;
  if (capacity === undefined || t.kind !== "auto") return t;
  if (typeof capacity !== "number" || !Number.isFinite(capacity) || capacity < 1) throw new ParamError(`params.brokerCapacity must be bytes per second (got ${JSON.stringify(capacity)})`);
  return { ...t, brokerCapacityBytesPerSec: capacity };
}

async function planOf(action: Action, ctx: ExecutionContext): Promise<ReassignPlan> {
  const given = action.params.plan;
  if (given !== undefined) {
    // A string: action params are flat values (contract/report.ts), so the plan travels as its JSON text.
    if (typeof given !== "string") throw new ParamError("params.plan must be the plan's JSON text");
    let json: unknown;
    try {
      json = JSON.parse(given);
    } catch (error) {
      throw new ParamError(`params.plan is not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    const parsed = ReassignPlan.safeParse(json);
    if (!parsed.success) throw new ParamError(`params.plan is not a kafka-ops-reassign-plan/v1: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
    return parsed.data;
  }
  // Drafted by a diagnosis: balance the cluster as it stands, with the planner.
  const [{ readClusterState }, { planReassignment }] = await Promise.all([import("../reassign/cluster-state.ts"), import("../reassign/planner.ts")]);
  const state = await readClusterState(ctx.write.topics);
  return planReassignment({ partitions: state.partitions, brokers: state.brokers, goal: { kind: "balance" }, source: ctx.write.describe(), createdAt: ctx.now().toISOString() });
}

/** The most moves still to run in one batch: what is in flight at once. */
function largestBatch(plan: ReassignPlan, left: ReadonlySet<ReplicaMove>): number {
  return plan.batches.reduce((most, b) => Math.max(most, b.moves.filter((m) => left.has(m)).length), 0);
}

function formatBytes(n: number): string {
  return n === 0 ? "size unknown" : n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} kB`;
}
