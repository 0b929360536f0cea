/**
 * `add_partitions`: raises a topic's partition count to the target the finding's measured rates
 * give (remediation/executors/partition-target.ts), never lowers it.
 *
 * The dry run re-checks the target against the topic as it stands now: the count may have
 * changed since the finding (someone added partitions: then less or nothing is left to add), and
 * the target is recomputed from the measured rates so a hand-edited `to` below what the load
 * needs is flagged. It warns what adding partitions does to readers and writers: the
 * key-to-partition mapping changes for new records (per-key order across the change is lost,
 * keyed state splits), and a group with auto.offset.reset=latest that is assigned a new
 * partition after records landed there skips them. It names the groups reading the topic and
 * each one's auto.offset.reset where it is known (deployment target, then settings
 * `clientConfigs`).
 *
 * There is no rollback: Kafka cannot remove partitions.
 */
import type { Action } from "../../contract/report.ts";
import { refusal, type ExecutionContext, type Executor } from "./executor.ts";
import { HEADROOM, partitionsNeeded, perPartition } from "./partition-target.ts";

/** Kafka's own default for consumers that name none (Java client and kafkajs alike). */
const RESET_DEFAULT = "latest";

interface Params {
  topic: string;
  to: number;
  from?: number;
  producedPerSec?: number;
  consumerCapacityPerSec?: number;
}

interface Memo {
  topic: string;
  from: number;
  to: number;
}

export const addPartitions: Executor = {
  kind: "add_partitions",
  // Additive (nothing is deleted), though it cannot be undone: the rollback below says so, and
  // the risk is high. "destructive" is kept for what deletes (remediation/guards.ts).
  effect: "mutating",
  settleMs: 2_000,

  async dryRun(action, ctx) {
    const at = ctx.now().toISOString();
    const p = params(action);
    const refuse = (why: string, warnings: string[] = []) => refusal(ctx, why, warnings);
    const topic = await ctx.write.topics.describeTopic(p.topic);
    if (!topic) return refuse(`topic ${p.topic} does not exist`);
    const current = topic.partitions.length;
    const warnings: string[] = [];
    if (p.from !== undefined && p.from !== current) warnings.push(`the finding saw ${p.from} partitions on ${p.topic}; it has ${current} now`);
    if (current >= p.to) return refuse(`topic ${p.topic} already has ${current} partitions (target ${p.to}): nothing to add, and partitions are never reduced`, warnings);
    const needed = partitionsNeeded({ ...(p.producedPerSec !== undefined && { producedPerSec: p.producedPerSec }), ...(p.consumerCapacityPerSec !== undefined && { consumerCapacityPerSec: p.consumerCapacityPerSec }) }, current);
    if (needed !== null && p.to < needed) {
      warnings.push(`${p.to} partitions leave ${perPartition(p.producedPerSec!, p.to)}/s on each, above ${Math.round(HEADROOM * 100)}% of one consumer's ${p.consumerCapacityPerSec}/s: the measured load needs ${needed}`);
    }
    try {
      // The broker's own check (limits, placement), changing nothing.
      await ctx.write.topics.createPartitions(p.topic, p.to, { validateOnly: true });
    } catch (error) {
      return refuse(`the broker rejects ${p.to} partitions for ${p.topic}: ${ctx.redact(message(error))}`, warnings);
    }
    warnings.push(
      `key-to-partition mapping changes: records written after the change go to partition hash(key) mod ${p.to} instead of mod ${current}, so records of one key can land on another partition than before (per-key order across the change is not guaranteed; keyed state such as a compacted topic or a Streams store splits)`,
    );
    warnings.push(...(await readerWarnings(p.topic, ctx)));
    const effect = [
      `topic ${p.topic}: partitions ${current} -> ${p.to} (adds partitions ${range(current, p.to)}; replicas placed by the brokers, replication factor ${topic.partitions[0]?.replicas.length ?? "?"})`,
    ];
    if (p.producedPerSec !== undefined) effect.push(`per-partition write rate ${perPartition(p.producedPerSec, current)}/s -> ${perPartition(p.producedPerSec, p.to)}/s at the measured ${p.producedPerSec}/s`);
    return { output: { at, effect: effect.map(ctx.redact), warnings: warnings.map(ctx.redact) }, precondition: { topic: p.topic, partitions: current } };
  },

  async apply(action, prepared, ctx) {
    const p = params(action);
    const before = (prepared.precondition as { partitions: number } | null)?.partitions;
    if (before === undefined) throw new Error(`add_partitions on ${p.topic}: the dry run refused, nothing to apply`);
    await ctx.write.topics.createPartitions(p.topic, p.to);
    const memo: Memo = { topic: p.topic, from: before, to: p.to };
    return { at: ctx.now().toISOString(), output: [ctx.redact(`topic ${p.topic}: partitions ${before} -> ${p.to}`)], memo };
  },

  async verify(_action, applied, ctx) {
    const m = applied.memo as Memo;
    const topic = await ctx.write.topics.describeTopic(m.topic);
    if (!topic) return { ok: false, detail: `topic ${m.topic} is gone` };
    const added = topic.partitions.filter((x) => x.partition >= m.from);
    const leaderless = added.filter((x) => x.leader === null).map((x) => x.partition);
    if (topic.partitions.length < m.to) return { ok: false, detail: `topic ${m.topic} has ${topic.partitions.length} partitions, ${m.to} were asked for` };
    if (leaderless.length) return { ok: false, detail: `topic ${m.topic} has ${topic.partitions.length} partitions; new partitions without a leader: ${leaderless.join(", ")}` };
    return { ok: true, detail: `topic ${m.topic} has ${topic.partitions.length} partitions, each new one with a leader` };
  },

  rollback: { possible: false, why: "Kafka cannot remove partitions: going back means a new topic with the old count and moving producers and consumers to it" },
};

function params(action: Action): Params {
  const { topic, to, from, producedPerSec, consumerCapacityPerSec } = action.params;
  if (typeof topic !== "string" || topic === "") throw new Error("add_partitions: params.topic must name a topic");
  if (typeof to !== "number" || !Number.isInteger(to) || to < 1) throw new Error(`add_partitions: params.to must be a whole partition count, got ${JSON.stringify(to)}`);
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
  const out: Params = { topic, to };
  if (num(from) !== undefined) out.from = num(from)!;
  if (num(producedPerSec) !== undefined) out.producedPerSec = num(producedPerSec)!;
  if (num(consumerCapacityPerSec) !== undefined) out.consumerCapacityPerSec = num(consumerCapacityPerSec)!;
  return out;
}

/** Who reads the topic and how each group starts on a partition it has no offset for. */
async function readerWarnings(topic: string, ctx: ExecutionContext): Promise<string[]> {
  let groups: string[];
  try {
    groups = [...(await ctx.write.groups.groupsReading(topic))].sort();
  } catch (error) {
    return [`could not list the groups reading ${topic} (${message(error)}): any of them with auto.offset.reset=latest can skip records written to the new partitions before it is assigned them`];
  }
  if (groups.length === 0) return [`no consumer group has committed offsets on ${topic}`];
  const described = await Promise.all(groups.map(async (g) => ({ group: g, reset: await resetOf(g, ctx) })));
  const latest = described.filter((d) => d.reset.value === "latest");
  const unknown = described.filter((d) => d.reset.value === null);
  const list = described.map((d) => `${d.group} (${d.reset.value === null ? `auto.offset.reset not known, the client default is ${RESET_DEFAULT}` : `auto.offset.reset=${d.reset.value}, from ${d.reset.source}`})`).join(", ");
  const out = [`groups reading ${topic}: ${list}`];
  if (latest.length || unknown.length) {
    const names = [...latest, ...unknown].map((d) => d.group).join(", ");
    out.push(`${names}: a consumer with auto.offset.reset=latest that is assigned a new partition after producers wrote to it starts at its end and skips those records; set auto.offset.reset=earliest on ${latest.length + unknown.length === 1 ? "it" : "them"} before adding partitions`);
  }
  return out;
}

async function resetOf(group: string, ctx: ExecutionContext): Promise<{ value: string | null; source: string }> {
  try {
    const d = await ctx.write.deployments.describe(group);
    const v = d?.config["auto.offset.reset"];
    if (v !== undefined) return { value: v, source: d!.target };
  } catch {
    // No deployment target for the group (or it cannot be read): the settings may still know.
  }
  const v = ctx.clientConfigs?.[group]?.["auto.offset.reset"];
  return v === undefined ? { value: null, source: "" } : { value: v, source: "settings clientConfigs" };
}

const range = (from: number, to: number) => (to - from === 1 ? String(from) : `${from}..${to - 1}`);
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
