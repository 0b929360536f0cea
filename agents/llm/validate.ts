/**
 * The guardrails on what a model says. Findings: the code must be in the vocabulary, every
 * entity must appear in tool results (not merely in record values or log text), the evidence
 * must cite tools that answered; a model finding is a hypothesis (confidence at most 0.6).
 * Actions: the kind must be in the vocabulary, pass the same guard as the rules' actions
 * (`remediation/plan.ts` `guard`), and be what the runbook itself prescribes for a rules'
 * finding on those entities; the action kept is the runbook's own draft, never the model's
 * parameters. Everything dropped is said, for the report.
 */
import type { Action, Diagnosis, Entities } from "../../contract/report.ts";
import { ACTION_RISK, ActionKind, DiagnosisCode, type AgentName, type Decision } from "../../contract/vocabulary.ts";
import type { EvidenceIndex } from "../../llm/evidence.ts";
import { guard } from "../../remediation/plan.ts";
import { requiresApproval, type ApprovalPolicy } from "../../remediation/policy.ts";
import { VERDICTS, type ActionDraft } from "../../remediation/verdicts.ts";
import type { ActionSuggestion, ModelFinding } from "./schemas.ts";

export const MODEL_CONFIDENCE_CAP = 0.6;
const ENTITY_KEYS = ["group", "topic", "dlqTopic", "subject", "partition", "broker"] as const;
const NOT_FINDINGS = new Set(["healthy", "unknown"]);

const clean = (text: string, max: number) => text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim().slice(0, max);

export interface ValidatedFindings {
  accepted: Diagnosis[];
  /** Findings that restate one the rules made (agreement, not news). */
  confirmed: number;
  notes: string[];
}

export function validateFindings(
  raw: readonly ModelFinding[],
  ctx: { agent: AgentName; existing: readonly Diagnosis[]; evidence: EvidenceIndex; requireEvidence: boolean; label: string },
): ValidatedFindings {
  const accepted: Diagnosis[] = [];
  const notes: string[] = [];
  let confirmed = 0;
  for (const f of raw) {
    const code = DiagnosisCode.safeParse(f.code);
    if (!code.success || NOT_FINDINGS.has(code.data)) {
      notes.push(`${ctx.label}: dropped a model finding: code ${JSON.stringify(clean(f.code, 60))} is not in the vocabulary`);
      continue;
    }
    const named: Entities = {};
    for (const key of ENTITY_KEYS) {
      const v = f.entities[key];
      if (v !== null && v !== undefined && v !== "") named[key] = v;
    }
    const same = (d: Diagnosis) =>
      d.code === code.data && ["group", "topic", "subject", "dlqTopic"].every((k) => named[k] === undefined || d.entities[k] === undefined || String(d.entities[k]) === String(named[k]));
    if (ctx.existing.some(same) || accepted.some(same)) {
      confirmed++;
      continue;
    }
    const unseen = Object.entries(named).filter(([, v]) => !ctx.evidence.has(v)).map(([k, v]) => `${k} ${JSON.stringify(typeof v === "string" ? clean(v, 80) : v)}`);
    if (unseen.length) {
      notes.push(`${ctx.label}: dropped a model finding (${code.data}): ${unseen.join(", ")} not seen in any tool result`);
      continue;
    }
    if (!Object.keys(named).length) {
      notes.push(`${ctx.label}: dropped a model finding (${code.data}): it names no entity`);
      continue;
    }
    const evidence = f.evidence.filter((e) => ctx.evidence.tools.has(e.tool)).map((e) => ({ tool: e.tool, detail: clean(e.detail, 300) }));
    if (ctx.requireEvidence && !evidence.length) {
      notes.push(`${ctx.label}: dropped a model finding (${code.data}): it cites no tool that answered`);
      continue;
    }
    const entities = named;
    accepted.push({
      code: code.data,
      agent: ctx.agent,
      confidence: Math.round(Math.min(MODEL_CONFIDENCE_CAP, Math.max(0, f.confidence)) * 100) / 100,
      summary: clean(f.summary, 400),
      entities,
      evidence,
      origin: "model",
    });
  }
  return { accepted, confirmed, notes };
}

const ENTITY_PARAMS = ["group", "topic", "dlqTopic", "targetTopic"] as const;

/**
 * Admits the model's suggested actions that the runbook itself prescribes. Returns the
 * runbook's actions (rationale noting the suggestion) and why every other one was dropped.
 */
export function admitActions(
  suggestions: readonly ActionSuggestion[],
  ctx: { findings: readonly Diagnosis[]; decision: Decision; existing: readonly Action[]; policy?: ApprovalPolicy },
): { actions: Action[]; dropped: string[] } {
  const actions: Action[] = [];
  const dropped: string[] = [];
  const ruled = ctx.findings.filter((f) => f.origin !== "model");
  for (const s of suggestions) {
    const kind = ActionKind.safeParse(s.kind);
    const name = JSON.stringify(clean(s.kind, 40));
    if (!kind.success) {
      dropped.push(`model-suggested ${name}: not in the action vocabulary`);
      continue;
    }
    if (ctx.decision === "none") {
      dropped.push(`model-suggested ${kind.data}: the decision is none, nothing needs doing`);
      continue;
    }
    const draft: ActionDraft = { kind: kind.data, params: s.params, rationale: s.rationale };
    const why = guard(draft, ctx.findings);
    if (why) {
      dropped.push(`model-suggested ${kind.data}: ${why}`);
      continue;
    }
    const named = ENTITY_PARAMS.filter((k) => s.params[k] !== undefined);
    if (!named.length) {
      dropped.push(`model-suggested ${kind.data}: names no group or topic`);
      continue;
    }
    const runbook = ruled.flatMap((f) => {
      const v = VERDICTS[f.code];
      return v.decision === "remediate" ? v.actions(f).map((d) => ({ d, f })) : [];
    }).find(({ d }) => d.kind === kind.data && named.every((k) => String(d.params[k]) === String(s.params[k])));
    if (!runbook) {
      dropped.push(`model-suggested ${kind.data} on ${named.map((k) => `${k} ${String(s.params[k])}`).join(", ")}: the runbook prescribes it for no finding there`);
      continue;
    }
    const sameAs = (a: Pick<Action, "kind" | "params">) => a.kind === runbook.d.kind && ENTITY_PARAMS.every((k) => String(a.params[k]) === String(runbook.d.params[k]));
    if (ctx.existing.some(sameAs) || actions.some(sameAs)) continue; // the rules already propose it
    const risk = ACTION_RISK[runbook.d.kind];
    actions.push({
      ...runbook.d,
      rationale: `${runbook.d.rationale} (suggested by the model for the ${runbook.f.code} finding; built by the runbook)`,
      risk,
      requiresApproval: requiresApproval(risk, ctx.policy),
      status: "proposed",
    });
  }
  return { actions, dropped };
}
