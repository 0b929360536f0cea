/**
 * The runner: the one way an action reaches the cluster.
 *
 *   dryRunActions  every action's exact effect, read now (executors' dryRun; never writes)
 *   classify       per action, what the guards and the policy allow: auto | approve | forbid, with why
 *   applyActions   for the chosen indexes: guards -> limits -> dry run again -> precondition compare
 *                  -> apply -> settle -> verify -> audit. One action's failure never throws: it is
 *                  that action's status `failed`, with why in its output, and the next one runs.
 *
 * Indexes are 1-based, as in the report's `remediation.awaitingApproval`.
 */
import type { Action, ApprovalRecord, Diagnosis } from "../contract/report.ts";
import type { ActionKind } from "../contract/vocabulary.ts";
import { planHash, type AuditEntry, type AuditInput, type AuditLog, type AuditStage } from "./audit.ts";
import { classifyAction, type RemediationMode } from "./classify.ts";
import { EXECUTORS } from "./executors/index.ts";
import type { ExecutionContext, Executor, Prepared } from "./executors/executor.ts";
import { costProblems, effectProblem, liveGuards, paramsCost, preconditionChange, type Cost, type LiveReadings } from "./guards.ts";
import { LIMIT_KEYS, type Limit, type Policy } from "./policy.ts";

export { classify, classifyAction, type Classification, type RemediationMode, type Verdict } from "./classify.ts";

export interface RunnerDeps {
  ctx: ExecutionContext;
  policy: Policy;
  /** The findings the plan came from: actions may only name their entities, and the auto bar reads them. */
  findings: readonly Diagnosis[];
  /** Where each decision, apply and verification is recorded, and what the per-hour limits count. Absent: nothing recorded. */
  audit?: AuditLog;
  investigationId?: string;
  /** Defaults to EXECUTORS; tests pass fakes. */
  executors?: Partial<Record<ActionKind, Executor>>;
}

export interface ApplyResult {
  /** Every action of the plan (copies), with status, dryRun, approval, appliedAt, output, verification, rollback set. */
  actions: Action[];
  applied: number[];
  failed: number[];
  /** Indexes not applied and not failed (forbidden, unapproved, rejected, already applied, over a limit), with why. */
  skipped: { index: number; why: string }[];
}

const HOUR_MS = 3_600_000;

function executorFor(kind: ActionKind, deps: RunnerDeps): Executor {
  return deps.executors?.[kind] ?? EXECUTORS[kind];
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function rollbackText(executor: Executor): string {
  return executor.rollback.possible ? executor.rollback.how : `no rollback: ${executor.rollback.why}`;
}

/** Each action with its `dryRun` set (status `dry-run` unless refused, which leaves it `proposed`); never writes. */
export async function dryRunActions(actions: readonly Action[], deps: RunnerDeps): Promise<Action[]> {
  const out: Action[] = [];
  for (const [i, action] of actions.entries()) {
    if (action.status !== "proposed" && action.status !== "dry-run") {
      out.push({ ...action });
      continue;
    }
    const executor = executorFor(action.kind, deps);
    const { ctx } = deps;
    const forbidden = classifyAction(action, i + 1, deps, "approve");
    let dryRun: NonNullable<Action["dryRun"]>;
    if (forbidden.verdict === "forbid") {
      dryRun = { at: ctx.now().toISOString(), effect: [], warnings: [], refusal: ctx.redact(forbidden.why.join("; ")) };
    } else {
      try {
        const prepared = await executor.dryRun(action, ctx);
        dryRun = { ...redactOutput(prepared.output, ctx), precondition: prepared.precondition };
      } catch (error) {
        dryRun = { at: ctx.now().toISOString(), effect: [], warnings: [], refusal: ctx.redact(`the dry run failed: ${message(error)}`) };
      }
    }
    out.push({ ...action, dryRun, rollback: rollbackText(executor), status: dryRun.refusal === undefined ? "dry-run" : "proposed" });
  }
  return out;
}

function redactOutput(o: Prepared["output"], ctx: ExecutionContext): Prepared["output"] {
  return {
    ...o,
    effect: o.effect.map(ctx.redact),
    warnings: o.warnings.map(ctx.redact),
    ...(o.refusal !== undefined && { refusal: ctx.redact(o.refusal) }),
  };
}

/** What the limits count: attempted applies (applied, or failed while applying) with their costs. */
function attempted(e: AuditEntry): boolean {
  return e.event === "applied" || (e.event === "failed" && e.stage === "apply");
}

function tally(entries: readonly { counts?: { partitions: number; records: number } | undefined }[]): Limit {
  return {
    actions: entries.length,
    partitions: entries.reduce((n, e) => n + (e.counts?.partitions ?? 0), 0),
    records: entries.reduce((n, e) => n + (e.counts?.records ?? 0), 0),
  };
}

/** Why one more action of this cost breaks a limit, or null. */
function overLimit(used: Limit, cost: Cost, limit: Limit, what: string): string | null {
  const next: Limit = { actions: used.actions + 1, partitions: used.partitions + cost.partitions, records: used.records + cost.records };
  const key = LIMIT_KEYS.find((k) => next[k] > limit[k]);
  return key ? `${what} limit on ${key}: ${used[key]} used, this action needs ${next[key] - used[key]}, the limit is ${limit[key]}` : null;
}

function liveReadings(ctx: ExecutionContext): LiveReadings {
  return {
    partitionCount: async (topic) => (await ctx.write.topics.describeTopic(topic))?.partitions.length ?? null,
    topicConfigs: (topic) => ctx.write.topics.dynamicConfigs({ type: "topic", name: topic }),
  };
}

/**
 * Applies the actions at `indexes` (1-based). An index runs only when its action carries an
 * `approval` with decision "approved" (the gate sets it) or, with mode "auto", when classify says
 * auto (the runner then records the approval as via "policy"). A forbidden action never runs,
 * approved or not; an action already applied is never applied again. Every action of the plan
 * whose approval says "rejected" is marked so and audited (the gate may call this with no index
 * to record only rejections).
 */
export async function applyActions(actions: readonly Action[], indexes: readonly number[], deps: RunnerDeps, mode: RemediationMode): Promise<ApplyResult> {
  const { ctx } = deps;
  const result: ApplyResult = { actions: actions.map((a) => ({ ...a })), applied: [], failed: [], skipped: [] };
  const hash = planHash(actions);
  const target = ctx.write.describe();
  const base = (i: number, a: Action): AuditInput => ({
    event: "refused",
    ...(deps.investigationId !== undefined && { investigationId: deps.investigationId }),
    planHash: hash,
    index: i,
    kind: a.kind,
    params: a.params,
    target,
  });
  const record = async (entry: AuditInput) => deps.audit?.append(entry);
  // What earlier calls used: read once, so this call's own entries are counted once (in runEntries).
  const runEntries: { counts?: { partitions: number; records: number } }[] = [];
  let priorHour: AuditEntry[] = [];
  let priorRun: AuditEntry[] = [];
  /** Indexes of this investigation's plan whose rejection the log already holds. */
  let rejectedBefore = new Set<number>();
  let unreadable: string | undefined;
  if (deps.audit) {
    try {
      const entries = await deps.audit.entries();
      if (deps.investigationId !== undefined) {
        rejectedBefore = new Set(entries.filter((e) => e.event === "rejected" && e.investigationId === deps.investigationId && e.planHash === hash && e.index !== undefined).map((e) => e.index!));
      }
      const all = entries.filter(attempted);
      const since = ctx.now().getTime() - HOUR_MS;
      // Per hour is per target: a simulation, or another cluster, does not use up this one's hour.
      priorHour = all.filter((e) => Date.parse(e.at) >= since && e.target === target);
      priorRun = deps.investigationId === undefined ? [] : all.filter((e) => e.investigationId === deps.investigationId);
    } catch (error) {
      // Limits that cannot be counted are limits that cannot be kept: nothing runs.
      unreadable = `the audit log cannot be read, so the limits cannot be counted: ${message(error)}`;
    }
  }

  for (const [n, a] of result.actions.entries()) {
    // The gate marks what it rejects `rejected` itself: for an investigation, the log (not the
    // status) says whether the rejection is written down yet.
    const unrecorded = deps.investigationId !== undefined && unreadable === undefined ? !rejectedBefore.has(n + 1) : a.status !== "rejected";
    if (a.approval?.decision === "rejected" && unrecorded) {
      result.actions[n] = { ...a, status: "rejected" };
      try {
        await record({ ...base(n + 1, a), event: "rejected", by: a.approval.by, via: a.approval.via ?? "human", at: a.approval.at, ...(a.approval.reason !== undefined && { reason: a.approval.reason }) });
      } catch (error) {
        // A rejection stands even when it cannot be written down: nothing runs for it either way.
        result.actions[n] = { ...result.actions[n]!, output: [...(a.output ?? []), ctx.redact(`the rejection could not be audited: ${message(error)}`)] };
      }
    }
  }

  const wanted = [...new Set(indexes)];
  for (const index of wanted) {
    const a = result.actions[index - 1];
    if (!a) {
      result.skipped.push({ index, why: `no action ${index} in a plan of ${actions.length}` });
      continue;
    }
    const skip = async (why: string, stage: AuditStage, audit = true) => {
      result.skipped.push({ index, why });
      result.actions[index - 1] = { ...result.actions[index - 1]!, output: [...(result.actions[index - 1]!.output ?? []), ctx.redact(`not applied: ${why}`)] };
      if (audit) await record({ ...base(index, a), event: "refused", stage, reason: why });
    };
    const fail = async (why: string, stage: AuditStage, extra: Partial<AuditInput> = {}) => {
      result.failed.push(index);
      const current = result.actions[index - 1]!;
      result.actions[index - 1] = { ...current, status: "failed", output: [...(current.output ?? []), ctx.redact(why)] };
      await record({ ...base(index, a), event: "failed", stage, reason: why, ...extra });
    };

    try {
      if (ctx.signal?.aborted) {
        await skip("the run was cancelled", "approval");
        continue;
      }
      if (unreadable !== undefined) {
        await skip(unreadable, "limit", false);
        continue;
      }
      if (a.status === "applied" || a.appliedAt !== undefined) {
        await skip(`already applied at ${a.appliedAt ?? "an earlier run"}`, "approval", false);
        continue;
      }
      if (a.status === "rejected" || a.approval?.decision === "rejected") {
        await skip(`rejected by ${a.approval?.by ?? "a human"}`, "approval", false);
        continue;
      }

      // Guards and policy first: a forbidden action never runs, whoever approved it.
      const classification = classifyAction(a, index, deps, mode);
      if (classification.verdict === "forbid") {
        await skip(classification.why.join("; "), classification.why.some((w) => w.startsWith("guard:")) ? "guard" : "policy");
        continue;
      }
      let approval: ApprovalRecord | undefined = a.approval?.decision === "approved" ? a.approval : undefined;
      if (!approval && classification.verdict === "auto") {
        approval = { decision: "approved", by: "policy", at: ctx.now().toISOString(), via: "policy", reason: classification.why.join("; ") };
      }
      if (!approval) {
        await skip(`needs a human's approval (${classification.why.join("; ")})`, "approval");
        continue;
      }
      result.actions[index - 1] = { ...a, approval, status: "approved" };
      await record({ ...base(index, a), event: "approved", by: approval.by, via: approval.via ?? "human", at: approval.at, ...(approval.reason !== undefined && { reason: approval.reason }) });

      const executor = executorFor(a.kind, deps);
      const effect = effectProblem(a.kind, executor.effect);
      const live = effect ? [effect] : await liveGuards(a, liveReadings(ctx));
      if (live.length) {
        await fail(`not applied: guard: ${live.join("; ")}`, "guard");
        continue;
      }

      // Limits, on what the params say it costs (the dry run's own count is checked again below).
      const overAt = (cost: Cost) =>
        overLimit(tally([...priorRun, ...runEntries]), cost, deps.policy.limits.perRun, "per-run") ??
        overLimit(tally([...priorHour, ...runEntries]), cost, deps.policy.limits.perHour, "per-hour");
      const estimated = paramsCost(a);
      const over = overAt(estimated);
      if (over) {
        await fail(`not applied: ${over}`, "limit");
        continue;
      }

      // The dry run again, now: what would change as the cluster stands.
      let prepared: Prepared;
      try {
        prepared = await executor.dryRun(a, ctx);
      } catch (error) {
        await fail(`not applied: the dry run failed: ${message(error)}`, "dry-run");
        continue;
      }
      const output = redactOutput(prepared.output, ctx);
      if (output.refusal !== undefined) {
        await fail(`not applied: refused as the cluster stands: ${output.refusal}`, "dry-run");
        continue;
      }
      const cost: Cost = {
        partitions: prepared.cost?.partitions ?? estimated.partitions,
        records: prepared.cost?.records ?? estimated.records,
        ...(prepared.cost?.partitionsAtOnce !== undefined && { partitionsAtOnce: prepared.cost.partitionsAtOnce }),
      };
      const capped = costProblems(cost);
      const overNow = capped.length ? `guard: ${capped.join("; ")}` : overAt(cost);
      if (overNow) {
        await fail(`not applied: ${overNow}`, capped.length ? "guard" : "limit");
        continue;
      }

      // The precondition: the reading stored with the dry run the approver saw, against the one just
      // taken. Without a stored one (an action never dry-run before), a second reading now, so at
      // least nothing moved between the dry run and the apply.
      const stored = a.dryRun !== undefined && "precondition" in a.dryRun;
      const before = stored ? a.dryRun!.precondition : prepared.precondition;
      let now: unknown = prepared.precondition;
      if (!stored) {
        try {
          now = (await executor.dryRun(a, ctx)).precondition;
        } catch (error) {
          await fail(`not applied: could not re-read the precondition: ${message(error)}`, "precondition");
          continue;
        }
      }
      const changed = preconditionChange(before, now);
      if (changed) {
        await fail(`not applied: the cluster changed since the dry run (${changed})`, "precondition");
        continue;
      }

      const counts = { partitions: cost.partitions, records: cost.records };
      let applied;
      try {
        applied = await executor.apply(a, prepared, ctx);
      } catch (error) {
        runEntries.push({ counts });
        await fail(`apply failed: ${message(error)}`, "apply", { counts });
        continue;
      }
      runEntries.push({ counts });
      const lines = applied.output.map(ctx.redact);
      result.actions[index - 1] = { ...result.actions[index - 1]!, dryRun: { ...output, precondition: now }, appliedAt: applied.at, output: lines, rollback: rollbackText(executor), status: "applied" };
      await record({ ...base(index, a), event: "applied", at: applied.at, output: lines, counts });

      await ctx.settle(executor.settleMs);
      let verification;
      try {
        verification = await executor.verify(a, applied, ctx);
      } catch (error) {
        verification = { ok: false, detail: `verification could not read the cluster: ${message(error)}` };
      }
      const v = { at: ctx.now().toISOString(), ok: verification.ok, detail: ctx.redact(verification.detail) };
      // Applied but without its intended effect is a failure; appliedAt says it did run.
      result.actions[index - 1] = { ...result.actions[index - 1]!, verification: v, ...(v.ok ? {} : { status: "failed" as const }) };
      (v.ok ? result.applied : result.failed).push(index);
      await record({ ...base(index, a), event: "verified", stage: "verify", verification: { ok: v.ok, detail: v.detail } });
    } catch (error) {
      // A bug or an unreadable audit log: this action fails, the run goes on.
      await fail(`runner error: ${message(error)}`, "apply").catch(() => undefined);
    }
  }
  return result;
}
