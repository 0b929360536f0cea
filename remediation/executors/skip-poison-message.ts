/**
 * The `skip_poison_message` executor: copies the record that fails again and again to a
 * quarantine topic (with every header it had plus why, from where, when and for which group),
 * then commits the group's offset past it.
 *
 * The broker accepts an offset change only while the group has no active member. So with members
 * present the plan is explicit: stop the group through its deployment target, wait until the
 * group is empty, move the offset, start it again (start runs even when the move failed). With
 * members and no deployment target that can stop them, the dry run refuses: stop the consumers,
 * then dry-run again. The copy is written first, before anything stops, so the record is never
 * only in a partition the group has been told to skip.
 */
import type { Action } from "../../contract/report.ts";
import type { DeploymentView } from "../../ports/write/deployment.ts";
import { GroupNotDescribableError, type GroupView } from "../../ports/write/group-admin.ts";
import { QUARANTINE_SPEC, paramRefusal } from "./dlq-move.ts";
import { refusal } from "./executor.ts";
import type { ExecutionContext, Executor } from "./executor.ts";
import { intParam, offsetParam, textParam } from "./params.ts";
import { QUARANTINE, lastHeader, positionOf, quarantineHeaders } from "./record-headers.ts";

/** Between two looks at whether the stopped group has emptied. */
const EMPTY_POLL_MS = 500;

interface SkipParams {
  group: string;
  topic: string;
  partition: number;
  offset: string;
  quarantine: string;
  stopTimeoutMs: number;
}

function skipParams(action: Action): SkipParams {
  const topic = textParam(action, "topic");
  return {
    group: textParam(action, "group"),
    topic,
    partition: intParam(action, "partition", undefined, { min: 0, max: 2_147_483_647 }),
    offset: offsetParam(action, "offset"),
    quarantine: textParam(action, "quarantineTopic", `${topic}.quarantine`),
    stopTimeoutMs: intParam(action, "stopTimeoutMs", 60_000, { min: 1_000, max: 600_000 }),
  };
}

interface SkipPrecondition {
  group: string;
  topic: string;
  partition: number;
  committed: string | null;
  members: number;
  record: { offset: string; keyBytes: number; valueBytes: number } | null;
  quarantineExists: boolean;
  deployment: { target: string; replicas: number } | null;
}

interface SkipMemo {
  group: string;
  topic: string;
  partition: number;
  before: string | null;
  to: string;
  copy: { topic: string; partition: number; offset: string };
  stopped: boolean;
}

const membersText = (g: GroupView) =>
  g.members.slice(0, 5).map((m) => `${m.clientId}@${m.host}`).join(", ") + (g.members.length > 5 ? ` and ${g.members.length - 5} more` : "");

/** A deployment target's describe; none when the target does not know the group or no target is configured. */
async function deploymentOf(ctx: ExecutionContext, group: string): Promise<DeploymentView | null> {
  try {
    return await ctx.write.deployments.describe(group);
  } catch {
    return null;
  }
}

export const skipPoisonMessage: Executor = {
  kind: "skip_poison_message",
  effect: "mutating",
  settleMs: 10_000,

  async dryRun(action, ctx) {
    let p: SkipParams;
    try {
      p = skipParams(action);
    } catch (e) {
      return refusal(ctx, paramRefusal(e));
    }
    const { groups, records } = ctx.write;
    const offsets = await records.offsets(p.topic);
    if (!offsets) return refusal(ctx, `topic ${p.topic} does not exist`);
    const log = offsets.find((o) => o.partition === p.partition);
    if (!log) return refusal(ctx, `topic ${p.topic} has no partition ${p.partition}`);
    const inLog = BigInt(p.offset) >= BigInt(log.low) && BigInt(p.offset) < BigInt(log.high);
    const record = inLog ? await records.readRecord(p.topic, p.partition, p.offset) : null;
    if (!record) {
      return refusal(
        ctx,
        inLog
          ? `the record at ${p.topic}/${p.partition} offset ${p.offset} could not be read (compacted away, or not held: ${ctx.write.describe()}): without it nothing can be copied to quarantine first`
          : `no record at ${p.topic}/${p.partition} offset ${p.offset}: the log holds ${log.low}..${BigInt(log.high) - 1n} (removed by retention, or never written)`,
      );
    }
    const committedNow = (await groups.committedOffsets(p.group, p.topic)).find((c) => c.partition === p.partition)?.offset ?? null;
    const to = (BigInt(p.offset) + 1n).toString();
    if (committedNow !== null && BigInt(committedNow) > BigInt(p.offset)) {
      return refusal(ctx, `nothing to change: group ${p.group} has already committed ${committedNow} on ${p.topic}/${p.partition}, past offset ${p.offset}`);
    }
    let group: GroupView;
    try {
      group = await groups.describeGroup(p.group);
    } catch (error) {
      if (error instanceof GroupNotDescribableError) return refusal(ctx, error.message);
      throw error;
    }
    const deployment = group.members.length > 0 ? await deploymentOf(ctx, p.group) : null;
    if (group.members.length > 0 && !deployment) {
      return refusal(ctx, `group ${p.group} has ${group.members.length} active member(s) (${membersText(group)}); the broker moves a group's offset only while it is empty, and no deployment target runs ${p.group} to stop it: stop its consumers, then dry-run again`);
    }
    const quarantineExists = (await records.offsets(p.quarantine)) !== null;
    const warnings: string[] = [];
    if (committedNow !== null && BigInt(committedNow) < BigInt(p.offset)) {
      warnings.push(`group ${p.group} committed ${committedNow}, before the poison record: the ${BigInt(p.offset) - BigInt(committedNow)} record(s) from ${committedNow} to ${BigInt(p.offset) - 1n} are marked consumed too (the consumer processed them before it stuck at ${p.offset}, or it would not fail there)`);
    }
    const size = (b: Buffer | null) => (b ? b.length : 0);
    const effect = [
      `${quarantineExists ? "" : `create topic ${p.quarantine} (1 partition, 30 days retention); `}copy the record at ${positionOf(record)} (key ${size(record.key)} bytes, value ${size(record.value)} bytes, ${record.headers.length} headers) to ${p.quarantine} with kafka-ops-quarantine-* headers naming its source, the group and why`,
      ...(deployment ? [`stop ${deployment.target} (replicas ${deployment.replicas} -> 0) and wait up to ${p.stopTimeoutMs} ms for group ${p.group}'s ${group.members.length} member(s) to leave`] : []),
      `group ${p.group} committed offset on ${p.topic}/${p.partition}: ${committedNow ?? "none"} -> ${to}`,
      ...(deployment ? [`start ${deployment.target} again (replicas 0 -> ${deployment.replicas}), also if the offset change fails`] : []),
    ];
    const precondition: SkipPrecondition = {
      group: p.group,
      topic: p.topic,
      partition: p.partition,
      committed: committedNow,
      members: group.members.length,
      record: { offset: record.offset, keyBytes: size(record.key), valueBytes: size(record.value) },
      quarantineExists,
      deployment: deployment ? { target: deployment.target, replicas: deployment.replicas } : null,
    };
    return { output: { at: ctx.now().toISOString(), effect: effect.map(ctx.redact), warnings: warnings.map(ctx.redact) }, precondition, cost: { records: 1 } };
  },

  async apply(action, prepared, ctx) {
    const p = skipParams(action);
    const pre = prepared.precondition as SkipPrecondition;
    const output: string[] = [];
    const record = await ctx.write.records.readRecord(p.topic, p.partition, p.offset);
    if (!record) throw new Error(`no record at ${p.topic}/${p.partition} offset ${p.offset} any more`);
    if (!pre.quarantineExists) output.push(`quarantine topic ${p.quarantine}: ${await ctx.write.topics.ensureTopic(p.quarantine, QUARANTINE_SPEC)}`);
    const [copy] = await ctx.write.records.write([
      { topic: p.quarantine, key: record.key, value: record.value, headers: quarantineHeaders(record, { reason: "poison message: fails on every attempt, skipped", action: "skip_poison_message", at: ctx.now(), group: p.group }) },
    ]);
    if (!copy) throw new Error(`writing the quarantine copy to ${p.quarantine} returned no position`);
    output.push(`copied ${positionOf(record)} to ${positionOf(copy)}`);
    const to = (BigInt(p.offset) + 1n).toString();
    const stopped = await moveOffset(ctx, p, pre.members > 0, [{ partition: p.partition, offset: to }], output);
    const memo: SkipMemo = { group: p.group, topic: p.topic, partition: p.partition, before: pre.committed, to, copy, stopped };
    return { at: ctx.now().toISOString(), output: output.map(ctx.redact), memo };
  },

  async verify(_action, applied, ctx) {
    const memo = applied.memo as SkipMemo;
    const committed = (await ctx.write.groups.committedOffsets(memo.group, memo.topic)).find((c) => c.partition === memo.partition)?.offset;
    if (committed === undefined || BigInt(committed) < BigInt(memo.to)) {
      return { ok: false, detail: `group ${memo.group} committed ${committed ?? "nothing"} on ${memo.topic}/${memo.partition}, not past the skipped offset (expected ${memo.to} or more)` };
    }
    const copy = await ctx.write.records.readRecord(memo.copy.topic, memo.copy.partition, memo.copy.offset);
    const source = copy ? lastHeader(copy, QUARANTINE.source) : undefined;
    const expected = `${memo.topic}/${memo.partition}/${BigInt(memo.to) - 1n}`;
    if (source !== expected) return { ok: false, detail: `the quarantine copy at ${positionOf(memo.copy)} is missing or names another source (${source ?? "none"}, expected ${expected})` };
    return { ok: true, detail: ctx.redact(`group ${memo.group} committed ${committed} on ${memo.topic}/${memo.partition} (skipped ${expected}); the record is kept at ${positionOf(memo.copy)}`) };
  },

  rollback: {
    possible: true,
    how: "stop the group again (when it was stopped to apply), set its committed offset back to the one before, start it: the record is read, and likely fails, again; the quarantine copy stays",
    async run(action, applied, ctx) {
      const memo = applied.memo as SkipMemo;
      if (memo.before === null) return [`group ${memo.group} had no committed offset on ${memo.topic}/${memo.partition} before: nothing to set back (its auto.offset.reset decides where it starts)`];
      const p = skipParams(action);
      const output: string[] = [];
      await moveOffset(ctx, p, memo.stopped || (await ctx.write.groups.describeGroup(memo.group)).members.length > 0, [{ partition: memo.partition, offset: memo.before }], output);
      return output.map(ctx.redact);
    },
  },
};

/** Moves the group's offsets, stopping and restarting its deployment around it when members are active. Returns whether it stopped it. */
async function moveOffset(ctx: ExecutionContext, p: SkipParams, stop: boolean, offsets: { partition: number; offset: string }[], output: string[]): Promise<boolean> {
  const { groups, deployments } = ctx.write;
  if (!stop) {
    await groups.setOffsets(p.group, p.topic, offsets);
    output.push(`group ${p.group} committed ${offsets.map((o) => `${p.topic}/${o.partition}@${o.offset}`).join(", ")}`);
    return false;
  }
  await deployments.stop(p.group);
  output.push(`stopped the deployment of group ${p.group}`);
  try {
    await waitForEmpty(ctx, p.group, p.stopTimeoutMs);
    await groups.setOffsets(p.group, p.topic, offsets);
    output.push(`group ${p.group} committed ${offsets.map((o) => `${p.topic}/${o.partition}@${o.offset}`).join(", ")}`);
  } finally {
    await deployments.start(p.group);
    output.push(`started the deployment of group ${p.group} again`);
  }
  return true;
}

/** Polls the group until it has no member; throws naming who is left after `timeoutMs`. */
async function waitForEmpty(ctx: ExecutionContext, group: string, timeoutMs: number): Promise<void> {
  const polls = Math.max(1, Math.ceil(timeoutMs / EMPTY_POLL_MS));
  let g = await ctx.write.groups.describeGroup(group);
  for (let i = 0; i < polls && g.members.length > 0; i++) {
    if (ctx.signal?.aborted) break;
    await ctx.settle(EMPTY_POLL_MS);
    g = await ctx.write.groups.describeGroup(group);
  }
  if (g.members.length > 0) throw new Error(`group ${group} still has ${g.members.length} member(s) (${membersText(g)}) ${timeoutMs} ms after its deployment was stopped: the offset was not moved`);
}


