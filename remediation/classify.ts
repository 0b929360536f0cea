/**
 * Per action, what may happen to it: `auto` (runs unattended), `approve` (a human first) or
 * `forbid` (never), with why. Guards first (no policy lifts them), then the policy's strictest
 * matching rule, then for `auto` the mode and the bar the prescribing finding must clear.
 * Pure: reads neither the cluster nor the clock.
 */
import type { Action, Diagnosis } from "../contract/report.ts";
import type { ActionKind } from "../contract/vocabulary.ts";
import { staticGuards } from "./guards.ts";
import { barProblem, DEFAULT_POLICY, policyDecision, type Policy } from "./policy.ts";
import { VERDICTS } from "./verdicts.ts";

export type RemediationMode = "propose" | "dry-run" | "approve" | "auto";
export type Verdict = "auto" | "approve" | "forbid";

export interface Classification {
  /** 1-based, as in the report's `remediation.awaitingApproval`. */
  index: number;
  kind: ActionKind;
  verdict: Verdict;
  /** Why: the guards that forbid it, the policy rule that decided, the bar or mode that held it back. */
  why: string[];
}

export interface ClassifyInput {
  policy: Policy;
  findings: readonly Diagnosis[];
}

const ENTITY_KEYS = ["group", "topic", "dlqTopic", "targetTopic"] as const;

/**
 * The finding whose runbook prescribes this action (same kind, same group and topics): the one
 * whose confidence and evidence the bar is about. Model-suggested actions are built by the
 * runbook from a finding too, so they have one.
 */
export function prescribingFinding(action: Pick<Action, "kind" | "params">, findings: readonly Diagnosis[]): Diagnosis | undefined {
  const same = (params: Action["params"]) => ENTITY_KEYS.every((k) => String(params[k] ?? "") === String(action.params[k] ?? ""));
  return findings
    .filter((f) => {
      const v = VERDICTS[f.code];
      return v.decision === "remediate" && v.actions(f).some((d) => d.kind === action.kind && same(d.params));
    })
    .sort((a, b) => b.confidence - a.confidence)[0];
}

export function classifyAction(action: Pick<Action, "kind" | "risk" | "params">, index: number, input: ClassifyInput, mode: RemediationMode): Classification {
  const base = { index, kind: action.kind };
  const guards = staticGuards(action, input);
  if (guards.length) return { ...base, verdict: "forbid", why: guards.map((g) => `guard: ${g}`) };
  const decision = policyDecision(input.policy, action);
  const why = [`policy: ${decision.why}`];
  if (decision.decide !== "auto") return { ...base, verdict: decision.decide, why };
  if (mode !== "auto") return { ...base, verdict: "approve", why: [...why, `mode ${mode}: only --mode auto applies unattended`] };
  const below = barProblem(decision.bar, prescribingFinding(action, input.findings));
  if (below) return { ...base, verdict: "approve", why: [...why, `bar: ${below}`] };
  return { ...base, verdict: "auto", why };
}

export function classify(actions: readonly Pick<Action, "kind" | "risk" | "params">[], input: ClassifyInput, mode: RemediationMode): Classification[] {
  return actions.map((a, i) => classifyAction(a, i + 1, input, mode));
}

/** Whether an action needs a human before it runs: everything that would not run unattended under `--mode auto`. */
export function needsApproval(action: Pick<Action, "kind" | "risk" | "params">, policy: Policy = DEFAULT_POLICY, findings: readonly Diagnosis[] = []): boolean {
  return classifyAction(action, 0, { policy, findings }, "auto").verdict !== "auto";
}
