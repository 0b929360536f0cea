/**
 * The guardrails on what a model says. Findings: the code must be in the vocabulary; every
 * entity must be an entity of the cluster model by its kind (llm/evidence.ts: a group the
 * cluster reported, a partition of that topic, never an internal topic, never a string from a
 * record or a log line); the evidence must cite tools that answered, and on an entity the
 * rules found healthy, a call whose result shows the abnormal value (abnormal.ts); a model
 * finding is a hypothesis (confidence at most 0.6).
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
import { showsAbnormal, type Subject } from "./abnormal.ts";
import { modelText } from "./model-text.ts";
import type { ActionSuggestion, ModelFinding } from "./schemas.ts";

export const MODEL_CONFIDENCE_CAP = 0.6;
const ENTITY_KEYS = ["group", "topic", "dlqTopic", "subject", "partition", "broker"] as const;
/** In the vocabulary, but conclusions about the evidence as a whole, not findings. */
const NOT_FINDINGS = new Set(["healthy", "unknown"]);
/** Entities by which a finding is "about" something (a partition only refines a topic). */
const SUBJECT_KEYS = ["group", "topic", "dlqTopic", "subject", "broker"] as const;

/** Entities the cluster model numbers: the model may quote them ("3"). */
const NUMBER_KEYS = new Set<string>(["partition", "broker"]);
/** "3" -> 3 (a whole decimal number, as a partition or broker id is written); anything else as given, for the kind check to refuse. */
const asNumber = (v: string | number): string | number => (typeof v === "string" && /^\s*\d{1,9}\s*$/.test(v) ? Number(v) : v);

const clean = (text: string, max: number) => text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim().slice(0, max);
const shown = (v: string | number) => JSON.stringify(typeof v === "string" ? clean(v, 80) : v);

export interface ValidatedFindings {
  accepted: Diagnosis[];
  /** Findings that restate one the rules made (agreement, not news). */
  confirmed: number;
  notes: string[];
}

/** Same code, and no named entity contradicts the other's: a restatement, not a new finding. */
export function restates(a: Pick<Diagnosis, "code" | "entities">, b: Pick<Diagnosis, "code" | "entities">): boolean {
  return a.code === b.code && (["group", "topic", "subject", "dlqTopic", "broker"] as const).every(
    (k) => a.entities[k] === undefined || b.entities[k] === undefined || String(a.entities[k]) === String(b.entities[k]),
  );
}

/**
 * Why an entity the model named is not an entity of the cluster model, by its kind, or null.
 * Internal topics are never a model finding's subject: their health is the brokers' and the
 * rules read it through the cluster overview.
 */
function entityProblem(key: (typeof ENTITY_KEYS)[number], v: string | number, named: Entities, ix: EvidenceIndex): string | null {
  switch (key) {
    case "group":
      return typeof v === "string" && ix.hasGroup(v) ? null : `group ${shown(v)} is not a group the cluster reported`;
    case "topic":
    case "dlqTopic": {
      const t = typeof v === "string" ? ix.topic(v) : undefined;
      if (!t) return `${key} ${shown(v)} is not a topic the cluster reported`;
      return t.internal ? `${key} ${shown(v)} is an internal topic, never a model finding's subject` : null;
    }
    case "partition": {
      const topic = named.topic;
      if (typeof v !== "number") return `partition ${shown(v)} is not a partition number`;
      if (typeof topic !== "string") return `partition ${shown(v)} names no topic`;
      return ix.hasPartition(topic, v) ? null : `partition ${shown(v)} is not a partition of topic ${shown(topic)}`;
    }
    case "broker":
      if (typeof v !== "number") return `broker ${shown(v)} is not a broker id`;
      return ix.hasBroker(v) ? null : `broker ${shown(v)} is not a broker id the cluster reported`;
    case "subject":
      return typeof v === "string" && ix.hasSubject(v) ? null : `subject ${shown(v)} is not a subject the registry reported`;
  }
}

export function validateFindings(
  raw: readonly ModelFinding[],
  ctx: { agent: AgentName; existing: readonly Diagnosis[]; evidence: EvidenceIndex; requireEvidence: boolean; label: string },
): ValidatedFindings {
  const accepted: Diagnosis[] = [];
  const notes: string[] = [];
  // A rules' "healthy" or "unknown" names what was read and found normal (or not established): not abnormal.
  const ruled = ctx.existing.filter((d) => d.origin !== "model" && !NOT_FINDINGS.has(d.code));
  let confirmed = 0;
  for (const f of raw) {
    const code = DiagnosisCode.safeParse(f.code);
    if (!code.success) {
      notes.push(`${ctx.label}: dropped a model finding: code ${JSON.stringify(clean(f.code, 60))} is not in the vocabulary`);
      continue;
    }
    if (NOT_FINDINGS.has(code.data)) {
      notes.push(`${ctx.label}: dropped a model finding: code "${code.data}" is a conclusion about the evidence, not a finding`);
      continue;
    }
    const named: Entities = {};
    const given = f.entities ?? {};
    for (const key of ENTITY_KEYS) {
      const v = given[key];
      if (v === null || v === undefined || v === "") continue;
      named[key] = NUMBER_KEYS.has(key) ? asNumber(v) : v;
    }
    const candidate = { code: code.data, entities: named };
    if (ctx.existing.some((d) => restates(candidate, d)) || accepted.some((d) => restates(candidate, d))) {
      confirmed++;
      continue;
    }
    if (!Object.keys(named).length) {
      notes.push(`${ctx.label}: dropped a model finding (${code.data}): it names no entity`);
      continue;
    }
    const problems = ENTITY_KEYS.flatMap((k) => (named[k] === undefined ? [] : [entityProblem(k, named[k]!, named, ctx.evidence)])).filter((p) => p !== null);
    if (problems.length) {
      notes.push(`${ctx.label}: dropped a model finding (${code.data}): ${problems.join("; ")}`);
      continue;
    }
    const cited = (f.evidence ?? []).filter((e) => ctx.evidence.tools.has(e.tool));
    if (ctx.requireEvidence && !cited.length) {
      notes.push(`${ctx.label}: dropped a model finding (${code.data}): it cites no tool that answered`);
      continue;
    }
    // An entity no rules finding names is one the rules read and found healthy: the model
    // must cite one of its own reads, by call id, whose result shows the abnormal value.
    const aboutRuled = ruled.some((d) => SUBJECT_KEYS.some((k) => named[k] !== undefined && d.entities[k] !== undefined && String(d.entities[k]) === String(named[k])));
    if (!aboutRuled) {
      const subject = named as Subject;
      const proof = (f.evidence ?? []).find((e) => {
        const call = typeof e.call === "string" ? ctx.evidence.call(e.call) : undefined;
        return call !== undefined && call.tool === e.tool && showsAbnormal(code.data, call.tool, call.value, subject);
      });
      if (!proof) {
        notes.push(`${ctx.label}: dropped a model finding (${code.data}): the rules read ${describeSubject(named)} as healthy and the finding cites no tool call whose result shows the abnormal value`);
        continue;
      }
    }
    accepted.push({
      code: code.data,
      agent: ctx.agent,
      confidence: Math.round(Math.min(MODEL_CONFIDENCE_CAP, Math.max(0, f.confidence)) * 100) / 100,
      summary: modelText(clean(f.summary, 400)),
      entities: named,
      evidence: cited.map((e) => ({ tool: e.tool, detail: clean(e.detail, 300) })),
      origin: "model",
    });
  }
  return { accepted, confirmed, notes };
}

function describeSubject(e: Entities): string {
  return SUBJECT_KEYS.filter((k) => e[k] !== undefined).map((k) => `${k} ${shown(e[k]!)}`).join(", ");
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
    // An escalation withholds actions on purpose (incomplete evidence, a cause no runbook acts
    // on): a model's suggestion must not put one back.
    if (ctx.decision === "escalate") {
      dropped.push(`model-suggested ${kind.data}: the decision is to escalate, the rules propose no action to add to`);
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
