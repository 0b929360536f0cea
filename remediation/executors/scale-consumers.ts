/**
 * The `scale_consumers` executor: more consumers for a group that cannot keep up, through the
 * deployment target that runs it.
 *
 * The plan speaks in group members (`to`: how many should share the partitions); a deployment
 * speaks in replicas, and a replica may run several consumers (threads, listener concurrency).
 * So the dry run reads both, derives consumers per replica from them, and asks for the replicas
 * that give at least `to` members. It only scales out: fewer consumers for a lagging group is
 * not a remediation (the rollback scales back in, the one way down).
 */
import type { Action } from "../../contract/report.ts";
import { readDeployment, readGroup, type GroupReading } from "./consumer-deployment.ts";
import { refusal } from "./executor.ts";
import type { ExecutionContext, Executor } from "./executor.ts";
import { intParam, ParamError, textParam } from "./params.ts";

/** The most members a plan may ask for: past this a typo, not a scaling decision. */
const MAX_MEMBERS = 1_000;

interface ScaleParams {
  group: string;
  to: number;
  from: number | undefined;
}

function scaleParams(action: Action): ScaleParams {
  return {
    group: textParam(action, "group"),
    to: intParam(action, "to", undefined, { min: 1, max: MAX_MEMBERS }),
    from: action.params.from === undefined ? undefined : intParam(action, "from", undefined, { min: 0, max: MAX_MEMBERS }),
  };
}

interface ScalePlan {
  target: string;
  replicas: number;
  members: number | null;
  perReplica: number;
  replicasTo: number;
}

interface ScaleMemo {
  group: string;
  target: string;
  before: number;
  after: number;
  membersExpected: number;
}

/** Consumers per replica as the group and the deployment show them now (1 when either cannot say). */
function perReplica(group: GroupReading | null, replicas: number): { value: number; exact: boolean } {
  if (!group || group.members === 0 || replicas === 0) return { value: 1, exact: true };
  const ratio = group.members / replicas;
  return { value: Math.max(1, Math.round(ratio)), exact: Number.isInteger(ratio) };
}

async function plan(action: Action, ctx: ExecutionContext): Promise<{ ok: true; plan: ScalePlan; warnings: string[]; params: ScaleParams; group: GroupReading | null } | { ok: false; why: string }> {
  let p: ScaleParams;
  try {
    p = scaleParams(action);
  } catch (e) {
    if (e instanceof ParamError) return { ok: false, why: e.message };
    throw e;
  }
  const d = await readDeployment(ctx, p.group);
  if (!d.ok) return d;
  if (d.view.autoscaler) return { ok: false, why: `${d.view.target} is scaled by ${d.view.autoscaler}: a replica change by hand would be undone; raise the autoscaler's minimum instead` };
  const group = await readGroup(ctx, p.group);
  const per = perReplica(group, d.view.replicas);
  const replicasTo = Math.ceil(p.to / per.value);
  const warnings: string[] = [];
  if (!group) warnings.push(`the members of group ${p.group} could not be read: one consumer per replica assumed`);
  else if (!per.exact) warnings.push(`group ${p.group} has ${group.members} members on ${d.view.replicas} replicas, not a whole number per replica: ${per.value} per replica assumed`);
  if (group && p.from !== undefined && p.from !== group.members) warnings.push(`the plan was drafted for ${p.from} members; group ${p.group} has ${group.members} now`);
  if (group && group.state === "Stable" && group.partitions > 0 && p.to > group.partitions) {
    warnings.push(`group ${p.group} reads ${group.partitions} partitions: members beyond ${group.partitions} get none and sit idle`);
  }
  if (d.view.ready !== undefined && d.view.ready < d.view.replicas) {
    warnings.push(`only ${d.view.ready} of ${d.view.replicas} replicas are ready now: new ones may fail to start for the same reason (look at why first)`);
  }
  return { ok: true, plan: { target: d.view.target, replicas: d.view.replicas, members: group?.members ?? null, perReplica: per.value, replicasTo }, warnings, params: p, group };
}

export const scaleConsumers: Executor = {
  kind: "scale_consumers",
  effect: "mutating",
  // New pods start, join the group and get partitions assigned.
  settleMs: 60_000,

  async dryRun(action, ctx) {
    const r = await plan(action, ctx);
    if (!r.ok) return refusal(ctx, r.why);
    const { plan: s, params: p, warnings } = r;
    if (s.replicasTo === s.replicas) return refusal(ctx, `nothing to change: ${s.target} already runs ${s.replicas} replicas (${s.members ?? "unknown"} members of group ${p.group}), enough for ${p.to}`);
    if (s.replicasTo < s.replicas) {
      return refusal(ctx, `${s.target} runs ${s.replicas} replicas, more than the ${s.replicasTo} the plan's ${p.to} members need: scale_consumers only scales out`);
    }
    const membersTo = s.replicasTo * s.perReplica;
    const effect = [
      `${s.target}: replicas ${s.replicas} -> ${s.replicasTo}`,
      `group ${p.group}: members ${s.members ?? "unknown"} -> ${membersTo} (${s.perReplica} consumer${s.perReplica === 1 ? "" : "s"} per replica)`,
    ];
    const precondition: ScalePlan = s;
    return { output: { at: ctx.now().toISOString(), effect: effect.map(ctx.redact), warnings: warnings.map(ctx.redact) }, precondition };
  },

  async apply(action, prepared, ctx) {
    const { group } = scaleParams(action);
    const s = prepared.precondition as ScalePlan;
    await ctx.write.deployments.scale(group, s.replicasTo);
    const memo: ScaleMemo = { group, target: s.target, before: s.replicas, after: s.replicasTo, membersExpected: s.replicasTo * s.perReplica };
    return { at: ctx.now().toISOString(), output: [ctx.redact(`${s.target}: replicas ${s.replicas} -> ${s.replicasTo}`)], memo };
  },

  async verify(_action, applied, ctx) {
    const memo = applied.memo as ScaleMemo;
    const view = await ctx.write.deployments.describe(memo.group);
    if (!view) return { ok: false, detail: `no deployment target runs group ${memo.group} any more` };
    if (view.replicas !== memo.after) return { ok: false, detail: ctx.redact(`${view.target} asks for ${view.replicas} replicas, not the ${memo.after} applied (changed since, or an autoscaler set it back)`) };
    if (view.ready !== undefined && view.ready < memo.after) return { ok: false, detail: ctx.redact(`${view.target}: ${view.ready} of ${memo.after} replicas ready after the settle time`) };
    const group = await readGroup(ctx, memo.group);
    if (!group) return { ok: false, detail: ctx.redact(`${view.target} runs ${view.replicas} replicas; the members of group ${memo.group} could not be read to confirm they joined`) };
    if (group.members < memo.membersExpected) {
      return { ok: false, detail: ctx.redact(`${view.target} runs ${view.replicas} replicas, but group ${memo.group} has ${group.members} of the ${memo.membersExpected} members expected (${group.state})`) };
    }
    return { ok: true, detail: ctx.redact(`${view.target} runs ${view.replicas} replicas; group ${memo.group} is ${group.state} with ${group.members} members, ${group.owning} of them owning partitions`) };
  },

  rollback: {
    possible: true,
    how: "scale the deployment back to the replicas it had before",
    async run(_action, applied, ctx) {
      const memo = applied.memo as ScaleMemo;
      await ctx.write.deployments.scale(memo.group, memo.before);
      return [ctx.redact(`${memo.target}: replicas ${memo.after} -> ${memo.before}`)];
    },
  },
};
