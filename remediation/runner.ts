/**
 * The runner: the one way an action reaches the cluster.
 *
 *   dryRunActions  every action's exact effect, read now (executors' dryRun; never writes)
 *   classify       per action, what the policy and the guards allow: auto | approve | forbid, with why
 *   applyActions   for the chosen indexes: guards -> limits -> dry run again -> precondition compare
 *                  -> apply -> settle -> verify -> audit. One action's failure never throws: it is
 *                  that action's status `failed` (or left `proposed`/`rejected` with why in output).
 *
 * Indexes are 1-based, as in the report's `remediation.awaitingApproval`.
 */
import type { Action, Diagnosis } from "../contract/report.ts";
import type { ActionKind } from "../contract/vocabulary.ts";
import type { AuditLog } from "./audit.ts";
import type { ExecutionContext, Executor } from "./executors/executor.ts";
import type { Policy } from "./policy.ts";

export type RemediationMode = "propose" | "dry-run" | "approve" | "auto";
export type Verdict = "auto" | "approve" | "forbid";

export interface Classification {
  /** 1-based. */
  index: number;
  kind: ActionKind;
  verdict: Verdict;
  /** Why: the policy rule that matched, a guard that forbids, a bar not cleared. */
  why: string[];
}

export interface RunnerDeps {
  ctx: ExecutionContext;
  policy: Policy;
  /** The findings the plan came from: actions may only name their entities. */
  findings: readonly Diagnosis[];
  /** Where each decision, apply and verification is recorded; absent: nothing is recorded (and limits per hour count nothing before). */
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
  /** Indexes not applied (forbidden, unapproved, over a limit, refused, precondition changed), with why. */
  skipped: { index: number; why: string }[];
}

/** Each action with its `dryRun` set (status `dry-run` unless refused, which stays `proposed`); never writes. */
export async function dryRunActions(actions: readonly Action[], deps: RunnerDeps): Promise<Action[]> {
  void actions;
  void deps;
  throw new Error("runner: dryRunActions not implemented yet");
}

/** What may run how. `mode` matters only for `auto`: auto needs mode auto and the finding to clear the policy's bar. */
export function classify(actions: readonly Action[], deps: Pick<RunnerDeps, "policy" | "findings">, mode: RemediationMode): Classification[] {
  void actions;
  void deps;
  void mode;
  throw new Error("runner: classify not implemented yet");
}

/**
 * Applies the actions at `indexes` (1-based). An index runs only when its action carries an
 * `approval` with decision "approved" (the gate sets it) or, with mode "auto", when classify says
 * auto (the runner then records the approval as via "policy"). A forbidden action never runs,
 * approved or not. Rejected approvals present on actions are audited too.
 */
export async function applyActions(actions: readonly Action[], indexes: readonly number[], deps: RunnerDeps, mode: RemediationMode): Promise<ApplyResult> {
  void actions;
  void indexes;
  void deps;
  void mode;
  throw new Error("runner: applyActions not implemented yet");
}
