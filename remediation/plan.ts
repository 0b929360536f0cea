/**
 * The decision: a remediation plan (actions from the contract's vocabulary, each with risk,
 * approval and rationale, all `proposed`) or an escalation with context. Faults never turn
 * into a confident fix: when reads failed, the investigation escalates with what it found.
 */
import type { Action, Diagnosis, Escalation } from "../contract/report.ts";
import { ACTION_RISK, type ClusterFlavor, type Decision, type DiagnosisCode } from "../contract/vocabulary.ts";
import { FLAVORS, unavailableOn } from "../config/flavors.ts";
import { needsApproval } from "./classify.ts";
import { internalTopic, unnamedEntity } from "./guards.ts";
import { actionEntities, type Policy } from "./policy.ts";
import { selector } from "../config/thresholds/selector.ts";
import { severityOf, VERDICTS, type ActionDraft } from "./verdicts.ts";

export interface PlanInput {
  findings: readonly Diagnosis[];
  primary: number | null;
  /** Reads that failed (not merely unrecorded): the evidence is incomplete. */
  faults: readonly string[];
  /** ERROR-level log lines the investigation read: with no finding, something unexplained is going on. */
  errorLogLines: number;
  /** What the alert names that the evidence lacks: with no finding, nobody can say "healthy". */
  unseenAlertEntities?: readonly string[];
  /** What the alert names whose reads did not answer: nothing is known about it. */
  unreadAlertEntities?: readonly string[];
  policy?: Policy;
  /** The platform (config/flavors.ts): an action it does not offer is never proposed. Absent: unknown (Apache Kafka's operations). */
  flavor?: ClusterFlavor;
}

export interface Plan {
  decision: Decision;
  primary: DiagnosisCode;
  actions: Action[];
  escalation: Escalation | null;
  /** Actions dropped by the guards, with why (for the report). */
  dropped: string[];
}

export function plan(input: PlanInput): Plan {
  const p = input.primary === null ? undefined : input.findings[input.primary];
  // `healthy` needs positive evidence: no finding at all, no read failed, every entity the alert
  // names was read, and no error line is left unexplained. Anything less is `unknown`.
  const primary: DiagnosisCode = p ? p.code : input.faults.length || unexplained(input).length ? "unknown" : "healthy";
  const verdict = VERDICTS[primary];
  const dropped: string[] = [];
  // What the platform cannot do (reassignment on Confluent Cloud, leader election on Redpanda):
  // this is the one place a flavor turns a drafted action away. A model's suggestions need no
  // check of their own: they are admitted only as drafts the runbook makes for a finding that
  // names a group or topic (agents/llm/validate.ts), which no platform-level action does.
  const flavor = input.flavor ?? "unknown";
  const unavailable: string[] = [];
  const actions =
    p && verdict.decision === "remediate"
      ? verdict.actions(p).flatMap((d) => {
          const missing = unavailableOn(flavor, d);
          if (missing) {
            unavailable.push(missing);
            return [];
          }
          const why = guard(d, input.findings) ?? internalOf(d, input.policy);
          if (why) {
            dropped.push(`${d.kind}: ${why}`);
            return [];
          }
          return [toAction(d, input.policy, input.findings)];
        })
      : [];

  if (input.faults.length) {
    return {
      decision: "escalate",
      primary,
      actions,
      escalation: {
        severity: verdict.decision === "escalate" ? severityOf(verdict, p) : "sev2",
        reason: `the investigation could not read everything it needed (${input.faults.join("; ")})${p ? `; best finding so far: ${p.summary}` : ""}`,
        owner: verdict.decision === "escalate" && p ? verdict.owner(p) : "kafka-platform on-call",
      },
      dropped: [...dropped, ...unavailable],
    };
  }
  if (verdict.decision === "escalate") {
    return {
      decision: "escalate",
      primary,
      actions: [],
      escalation: {
        severity: severityOf(verdict, p),
        reason: p ? `${verdict.why}: ${p.summary}` : unexplained(input).join("; ") || verdict.why,
        owner: p ? verdict.owner(p) : "kafka-platform on-call",
      },
      dropped,
    };
  }
  if (verdict.decision === "remediate" && actions.length === 0 && unavailable.length && p) {
    // The fix exists, the platform does not offer it: the provider (or its own tooling) acts.
    // sev3: the runbook's verdict was a fix, not an outage.
    return {
      decision: "escalate",
      primary,
      actions: [],
      escalation: { severity: "sev3", reason: `${unavailable.join("; ")} (finding: ${p.summary})`, owner: FLAVORS[flavor].owner },
      dropped,
    };
  }
  // Beside actions the platform does offer, the ones it does not are said with the dropped ones.
  for (const why of unavailable) dropped.push(why);
  if (verdict.decision === "remediate" && actions.length === 0) {
    return {
      decision: "escalate",
      primary,
      actions: [],
      escalation: { severity: "sev2", reason: `no safe action could be proposed for ${primary} (${dropped.join("; ")})`, owner: "kafka-platform on-call" },
      dropped,
    };
  }
  return { decision: verdict.decision, primary, actions, escalation: null, dropped };
}

/** Why, with no finding, nobody can say the cluster is healthy. */
function unexplained(input: PlanInput): string[] {
  const out: string[] = [];
  const unseen = input.unseenAlertEntities ?? [];
  if (unseen.length) out.push(`the alert names ${unseen.join(" and ")}, which the cluster does not report`);
  const unread = input.unreadAlertEntities ?? [];
  if (unread.length) out.push(`the alert names ${unread.join(" and ")}, which could not be read`);
  const n = input.errorLogLines;
  if (n > 0) out.push(`${n} ERROR log line${n === 1 ? " was" : "s were"} read and no finding explains ${n === 1 ? "it" : "them"}`);
  return out;
}

function toAction(d: ActionDraft, policy: Policy | undefined, findings: readonly Diagnosis[]): Action {
  const risk = ACTION_RISK[d.kind];
  const action: Action = { ...d, risk, requiresApproval: true, status: "proposed" };
  return { ...action, requiresApproval: needsApproval(action, policy, findings) };
}

/** An action on an internal topic is never proposed (remediation/guards.ts: no policy lifts it). */
function internalOf(d: ActionDraft, policy: Policy | undefined): string | null {
  const protectedTopics = (policy?.protectedTopics ?? []).map(selector);
  for (const t of actionEntities(d).topics) {
    const why = internalTopic(t, protectedTopics);
    if (why) return why;
  }
  return null;
}

/**
 * An action may only name groups and topics that a finding names: remediation/guards.ts
 * `unnamedEntity` (its one home); the name kept for the LLM guardrails that call it.
 */
export const guard: (d: ActionDraft, findings: readonly Diagnosis[]) => string | null = unnamedEntity;
