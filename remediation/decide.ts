/**
 * The decision, in one place: from every finding, the Incident Debugging conclusion and the
 * faults met on the way, what the investigation decides (remediate, escalate or none), with
 * which actions. The graph's decide node only hands the state over and writes this back.
 *
 * On top of the runbook's plan (plan.ts) it applies the two rules that need the whole state:
 * a primary cause that only a model found is escalated with its actions withheld, and actions
 * a model suggested are admitted only through the guards.
 */
import { admitActions } from "../agents/llm/validate.ts";
import type { ActionSuggestion } from "../agents/llm/schemas.ts";
import type { Conclusion } from "../agents/incident-debugging/incident-debugging-agent.ts";
import { hypothesisLine } from "../agents/incident-debugging/with-synthesis.ts";
import type { Action, Diagnosis, Escalation } from "../contract/report.ts";
import type { ClusterFlavor, Decision, DiagnosisCode } from "../contract/vocabulary.ts";
import { describeFault, isFailure, type Fault } from "../ports/faults.ts";
import { plan } from "./plan.ts";
import { needsApproval } from "./classify.ts";
import type { Policy } from "./policy.ts";

export interface DecideInput {
  findings: readonly Diagnosis[];
  /** The Incident Debugging agent's conclusion; absent when it did not run. */
  conclusion: Conclusion | undefined;
  /** Every read that did not answer (tool calls and the adapter's own); the failed ones make the evidence incomplete. */
  faults: readonly Fault[];
  /** Actions a model suggested; admitted only with `withModel` and through the guards. */
  modelActions: readonly ActionSuggestion[];
  /** A model took part in the investigation. */
  withModel: boolean;
  policy?: Policy | undefined;
  /** The platform (config/flavors.ts); absent: unknown, Apache Kafka's operations. */
  flavor?: ClusterFlavor | undefined;
}

export interface Decided {
  decision: Decision;
  primary: DiagnosisCode;
  actions: Action[];
  escalation: Escalation | null;
  /** The rules' actions the guards dropped, with why: the report lists them with the missing evidence. */
  dropped: string[];
  /** What a model session should note about the decision (withheld or dropped model output). */
  modelNotes: string[];
}

export function decide(input: DecideInput): Decided {
  const c = input.conclusion;
  const result = plan({
    findings: input.findings,
    primary: c?.primary ?? null,
    faults: [...new Set(input.faults.filter(isFailure).map((f) => `${f.tool}: ${describeFault(f)}`))],
    errorLogLines: c?.errorLogLines ?? 0,
    unseenAlertEntities: c?.unseen ?? [],
    unreadAlertEntities: c?.unread ?? [],
    ...(input.policy && { policy: input.policy }),
    ...(input.flavor && { flavor: input.flavor }),
  });
  const dropped = result.dropped.map((d) => `action dropped by guard: ${d}`);
  const primary = c?.primary === null || c?.primary === undefined ? undefined : input.findings[c.primary];
  if (primary?.origin === "model") {
    // A cause only a model found: a human confirms it before anything is proposed.
    return {
      decision: "escalate",
      primary: result.primary,
      actions: [],
      escalation: {
        severity: "sev2",
        reason: `hypothesis from the model, not confirmed by the rules: ${hypothesisLine(primary)}; a human must confirm it`,
        owner: "kafka-platform on-call",
      },
      dropped,
      modelNotes: [`decision: the primary ${primary.code} comes from the model, not the rules: escalated; the runbook's actions for it are withheld`],
    };
  }
  let actions = result.actions;
  const modelNotes: string[] = [];
  if (input.withModel && input.modelActions.length) {
    const admitted = admitActions(input.modelActions, { findings: input.findings, decision: result.decision, existing: actions, ...(input.policy && { policy: input.policy }) });
    // The model's rejected suggestions are its noise, not gaps in the evidence: notes only.
    for (const d of admitted.dropped) modelNotes.push(`action dropped by guard: ${d}`);
    // The guardrails know only the risk: whether each admitted action needs a human is the policy's answer for it.
    actions = [...actions, ...admitted.actions.map((a) => ({ ...a, requiresApproval: needsApproval(a, input.policy, input.findings) }))];
  }
  return { decision: result.decision, primary: result.primary, actions, escalation: result.escalation, dropped, modelNotes };
}
