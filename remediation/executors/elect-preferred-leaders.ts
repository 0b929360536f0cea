/**
 * `elect_preferred_leaders`: a preferred-leader election (ElectLeaders, type PREFERRED) for the
 * partitions whose leader is not their preferred replica (the first of the assignment), as after
 * broker restarts. Scope: `params.topic` (and optionally `params.partitions`) for one topic,
 * otherwise every partition of every topic except internal ones (remediation/guards.ts).
 *
 * The dry run lists each partition that would change leader (before -> after) and those that
 * cannot: a preferred replica out of sync cannot lead. verify reads the leaders back.
 * No rollback: the leaders before were not the preferred ones, and putting leadership back on a
 * non-preferred replica has no API short of a reassignment.
 */
import type { Action } from "../../contract/report.ts";
import type { ElectionResult, TopicDescription } from "../../ports/write/topic-admin.ts";
import { internalTopic } from "../guards.ts";
import { refusal, type ExecutionContext, type Executor } from "./executor.ts";

/** Effect lines listed one by one before the rest are counted: a dry run stays readable on a big cluster. */
const LISTED = 50;

interface Move {
  topic: string;
  partition: number;
  from: number | null;
  to: number;
}

interface Memo {
  moves: Move[];
  results: ElectionResult[];
}

export const electPreferredLeaders: Executor = {
  kind: "elect_preferred_leaders",
  effect: "mutating",
  // Leadership moves in one controller round; clients see it on their next metadata refresh.
  settleMs: 3_000,

  async dryRun(action, ctx) {
    const at = ctx.now().toISOString();
    const refuse = (why: string, warnings: string[] = []) => refusal(ctx, why, warnings);
    const scope = scopeOf(action);
    const { topics, skipped, missing } = await inScope(scope, ctx);
    if (missing) return refuse(`topic ${missing} does not exist`);
    const warnings: string[] = [];
    if (skipped.length) warnings.push(`internal topics left alone: ${skipped.join(", ")}`);
    const { moves, blocked } = plan(topics, scope.partitions);
    warnings.push(...blocked.map((b) => `${b.topic}-${b.partition}: preferred replica ${b.preferred} is not in sync (ISR ${b.isr.join(",") || "empty"}): its leader stays ${b.leader ?? "none"}`));
    if (moves.length === 0) {
      return refuse(blocked.length ? "no partition can move to its preferred replica (each one off it has that replica out of sync)" : "every partition in scope is led by its preferred replica", warnings);
    }
    const effect = moves.slice(0, LISTED).map((m) => `${m.topic}-${m.partition}: leader ${m.from ?? "none"} -> ${m.to} (preferred)`);
    if (moves.length > LISTED) effect.push(`... and ${moves.length - LISTED} more partitions (${moves.length} in all)`);
    const perBroker = leadershipShift(moves);
    if (perBroker) effect.push(perBroker);
    warnings.push("clients of each moved partition reconnect to its new leader on their next metadata refresh (a brief retry, no data moves)");
    return { output: { at, effect: effect.map(ctx.redact), warnings: warnings.map(ctx.redact) }, precondition: { moves } };
  },

  async apply(_action, prepared, ctx) {
    const pre = prepared.precondition as { moves: Move[] } | null;
    if (!pre) throw new Error("elect_preferred_leaders: the dry run refused, nothing to apply");
    const results = await ctx.write.topics.electPreferredLeaders(pre.moves.map(({ topic, partition }) => ({ topic, partition })));
    const count = (o: ElectionResult["outcome"]) => results.filter((r) => r.outcome === o).length;
    const output = [`preferred-leader election on ${results.length} partitions: ${count("elected")} elected, ${count("not-needed")} already preferred, ${count("failed")} failed`];
    for (const r of results.filter((x) => x.outcome === "failed").slice(0, LISTED)) output.push(`${r.topic}-${r.partition}: ${r.error ?? "failed"}`);
    const memo: Memo = { moves: pre.moves, results };
    return { at: ctx.now().toISOString(), output: output.map(ctx.redact), memo };
  },

  async verify(_action, applied, ctx) {
    const m = applied.memo as Memo;
    const byTopic = new Map<string, TopicDescription | null>();
    for (const t of new Set(m.moves.map((x) => x.topic))) byTopic.set(t, await ctx.write.topics.describeTopic(t));
    const off = m.moves.filter((x) => byTopic.get(x.topic)?.partitions.find((p) => p.partition === x.partition)?.leader !== x.to);
    if (off.length) {
      const list = off.slice(0, LISTED).map((x) => `${x.topic}-${x.partition} (led by ${byTopic.get(x.topic)?.partitions.find((p) => p.partition === x.partition)?.leader ?? "none"}, preferred ${x.to})`);
      return { ok: false, detail: ctx.redact(`${off.length} of ${m.moves.length} partitions are not led by their preferred replica: ${list.join(", ")}`) };
    }
    return { ok: true, detail: `all ${m.moves.length} partitions are led by their preferred replica` };
  },

  rollback: { possible: false, why: "the leaders before were not the preferred replicas; Kafka has no call to hand leadership back to a non-preferred replica short of a reassignment" },
};

interface Scope {
  topic?: string;
  partitions?: number[];
}

function scopeOf(action: Action): Scope {
  const { topic, partitions } = action.params;
  if (topic !== undefined && (typeof topic !== "string" || topic === "")) throw new Error("elect_preferred_leaders: params.topic must name a topic");
  if (partitions !== undefined && (!Array.isArray(partitions) || !partitions.every((p) => typeof p === "number" && Number.isInteger(p) && p >= 0))) {
    throw new Error("elect_preferred_leaders: params.partitions must be a list of partition numbers");
  }
  if (partitions !== undefined && topic === undefined) throw new Error("elect_preferred_leaders: params.partitions needs params.topic");
  return { ...(topic !== undefined && { topic }), ...(partitions !== undefined && { partitions: partitions as number[] }) };
}

async function inScope(scope: Scope, ctx: ExecutionContext): Promise<{ topics: TopicDescription[]; skipped: string[]; missing?: string }> {
  if (scope.topic !== undefined) {
    const t = await ctx.write.topics.describeTopic(scope.topic);
    return t ? { topics: [t], skipped: [] } : { topics: [], skipped: [], missing: scope.topic };
  }
  const all = await ctx.write.topics.describeTopics();
  const skipped = all.filter((t) => internalTopic(t.name) !== null).map((t) => t.name).sort();
  return { topics: all.filter((t) => !skipped.includes(t.name)), skipped };
}

function plan(topics: readonly TopicDescription[], only: readonly number[] | undefined) {
  const moves: Move[] = [];
  const blocked: { topic: string; partition: number; preferred: number; leader: number | null; isr: number[] }[] = [];
  for (const t of [...topics].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    for (const p of [...t.partitions].sort((a, b) => a.partition - b.partition)) {
      if (only && !only.includes(p.partition)) continue;
      const preferred = p.replicas[0];
      if (preferred === undefined || p.leader === preferred) continue;
      if (!p.isr.includes(preferred)) blocked.push({ topic: t.name, partition: p.partition, preferred, leader: p.leader, isr: p.isr });
      else moves.push({ topic: t.name, partition: p.partition, from: p.leader, to: preferred });
    }
  }
  return { moves, blocked };
}

/** "leadership per broker: 1 +3, 2 -3": how the move changes each broker's count of led partitions. */
function leadershipShift(moves: readonly Move[]): string | null {
  const delta = new Map<number, number>();
  for (const m of moves) {
    delta.set(m.to, (delta.get(m.to) ?? 0) + 1);
    if (m.from !== null) delta.set(m.from, (delta.get(m.from) ?? 0) - 1);
  }
  const parts = [...delta].filter(([, d]) => d !== 0).sort(([a], [b]) => a - b).map(([b, d]) => `${b} ${d > 0 ? "+" : ""}${d}`);
  return parts.length ? `partitions led per broker: ${parts.join(", ")}` : null;
}
