/**
 * The Incident Debugging synthesis with a model: a narrative, timeline events and hypotheses
 * over the rules' conclusion (structured output, validated with zod), plus suggested actions
 * that the decide node admits only through the guards. When the rules found a primary cause
 * it stays primary; when they found nothing, a validated hypothesis may become the primary
 * (and the decision is then an escalation: a human confirms a novel cause).
 */
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import type { Alert } from "../../contract/incident.ts";
import type { Diagnosis, TimelineEntry } from "../../contract/report.ts";
import { ActionKind, DiagnosisCode } from "../../contract/vocabulary.ts";
import type { LlmSession } from "../../llm/session.ts";
import { synthesisPrompt } from "../../prompts/synthesis.ts";
import type { Conclusion } from "../incident-debugging/incident-debugging-agent.ts";
import { SynthesisAnswer, type ActionSuggestion } from "./schemas.ts";
import { noteMerged } from "./merge-findings.ts";
import { modelText } from "./model-text.ts";
import { validateFindings } from "./validate.ts";
import { VERDICTS } from "../../remediation/verdicts.ts";

export interface Synthesis {
  narrative: string;
  /** Validated model timeline events (source "model"). */
  timeline: TimelineEntry[];
  /** Validated hypotheses, as findings with origin "model". */
  hypotheses: Diagnosis[];
  suggestedActions: ActionSuggestion[];
}

const MAX_QUOTES = 6;
const DAY = 86_400_000;

export async function synthesize(
  session: LlmSession,
  input: { incidentId: string; alert: Alert | undefined; findings: readonly Diagnosis[]; conclusion: Conclusion },
): Promise<Synthesis | null> {
  const { conclusion: c, findings } = input;
  // Every specialist is done: say which of their model findings the merge folded into another's.
  noteMerged(session, findings);
  const primary = c.primary === null ? undefined : findings[c.primary];
  const quotes = findings.flatMap((f) => f.evidence.map((e) => `${e.tool}: ${e.detail}`)).slice(0, MAX_QUOTES);
  const user = synthesisPrompt.render({
    incidentId: input.incidentId,
    alert: input.alert && { kind: input.alert.kind, summary: input.alert.summary },
    codes: DiagnosisCode.options,
    actionKinds: ActionKind.options,
    rulesPrimary: primary && primary.origin !== "model" ? primary.code : null,
    rootCause: c.rootCause,
    findings: findings.map((f) => ({ code: f.code, origin: f.origin ?? "rules", confidence: f.confidence, summary: f.summary, entities: f.entities })),
    blastRadius: c.blastRadius,
    timeline: c.timeline,
    quotes,
  });
  const answer = await session.structured("synthesis", [new SystemMessage(synthesisPrompt.system), new HumanMessage(user)], SynthesisAnswer, "synthesis");
  if (!answer) return null;

  const checked = validateFindings(answer.hypotheses, { agent: "incident-debugging", existing: findings, evidence: session.evidence, requireEvidence: false, label: "synthesis" });
  checked.notes.forEach((n) => session.note(n));

  // Timeline events must fall inside the incident's window (a day either side of what was read),
  // and an event the rules' timeline already has (same instant, or the same words) is not news.
  const times = c.timeline.map((e) => Date.parse(e.at)).filter(Number.isFinite);
  const known = c.timeline.map((e) => ({ t: Date.parse(e.at), words: words(e.event) }));
  const timeline: TimelineEntry[] = [];
  let repeated = 0;
  for (const e of answer.timeline) {
    const t = Date.parse(e.at);
    if (!Number.isFinite(t) || !times.length || t < Math.min(...times) - DAY || t > Math.max(...times) + DAY) {
      session.note(`synthesis: dropped a model timeline event at ${JSON.stringify(e.at.slice(0, 40))}: not a time within the incident's window`);
      continue;
    }
    const w = words(e.event);
    if (known.some((k) => k.t === t || k.words === w)) {
      repeated++;
      continue;
    }
    known.push({ t, words: w });
    timeline.push({ at: new Date(t).toISOString().replace(".000Z", "Z"), event: modelText(e.event.replace(/[\u0000-\u001f]+/g, " ")), source: "model" });
  }
  if (repeated) session.note(`synthesis: ${repeated} model timeline event(s) repeated the rules' timeline; merged`);

  const narrative = checkNarrative(answer.narrative, [...findings, ...checked.accepted]);
  if (narrative.dropped.length) {
    session.note(`synthesis: dropped ${narrative.dropped.length} narrative sentence(s) claiming codes no finding has (${narrative.codes.join(", ")})`);
  }
  if (narrative.actionsDropped.length) {
    session.note(`synthesis: dropped ${narrative.actionsDropped.length} narrative sentence(s) naming actions the runbook prescribes for no finding (${narrative.actions.join(", ")})`);
  }
  return { narrative: narrative.text && modelText(narrative.text), timeline, hypotheses: checked.accepted, suggestedActions: answer.suggestedActions };
}

/** An event's words, lowercased, for telling a restated event from a new one. */
const words = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();

const CLAIMABLE = DiagnosisCode.options.filter((c) => c !== "unknown" && c !== "healthy");
/** A code is claimed by its full name, or by its identifier-like tail ("slow_consumer"; not plain words like "poison"). */
const CLAIM = Object.fromEntries(
  CLAIMABLE.map((code) => {
    const tail = code.split(".")[1]!;
    const names = [code.replace(".", "\\."), ...(tail.includes("_") ? [tail] : [])];
    return [code, new RegExp(`(?<![\\w.])(?:${names.join("|")})(?!\\w)`, "i")];
  }),
) as Record<string, RegExp>;

/**
 * Conditions named in plain words, each a claim of any of its codes. Measured with
 * Qwen2.5-Coder-1.5B on a case where the rules found nothing: "The broker was also
 * under-replicated, leading to a cluster imbalance", "a storm of rebalancing operations".
 * Only phrases that name the condition itself count: "poison", "lag" or "offline" alone are
 * words, not claims. A phrase after a negation or a zero in its clause ("no partition is offline",
 * "0 under-replicated and 0 offline partitions", as the rules word a healthy check) is no claim.
 */
const PHRASES: readonly { pattern: RegExp; codes: readonly DiagnosisCode[] }[] = [
  { pattern: /\bunder[- ]?replicat\w*/i, codes: ["replication.under_replicated"] },
  { pattern: /\b(?:offline partitions?|partitions? (?:(?:is|are|was|were|went) )?offline)\b/i, codes: ["replication.offline"] },
  { pattern: /\b(?:(?:cluster|leader(?:ship)?|broker|load) imbalance|imbalanced (?:cluster|brokers|leaders))\b/i, codes: ["cluster.imbalance"] },
  { pattern: /\b(?:rebalanc\w* storms?|storms? of rebalanc\w*)/i, codes: ["rebalance.storm"] },
  { pattern: /\bhot partitions?\b/i, codes: ["lag.hot_partition"] },
  { pattern: /\b(?:brokers? (?:(?:is|are|was|were) )?saturated|saturated brokers?)\b/i, codes: ["lag.broker_saturated"] },
  { pattern: /\bunder[- ]?provisioned\b/i, codes: ["partition.under_provisioned"] },
  { pattern: /\bpoison(?:ed)? (?:messages?|records?|pills?)\b/i, codes: ["lag.poison_message", "dlq.poison"] },
  { pattern: /\b(?:schema mismatch|incompatible schema|schema (?:change )?(?:(?:is|was) )?incompatib\w*)/i, codes: ["dlq.schema_mismatch", "schema.incompatible_change"] },
  { pattern: /\b(?:volume drop|drop in (?:message |record )?volume)\b/i, codes: ["quality.volume_drop"] },
  { pattern: /\b(?:null spike|spike (?:of|in) nulls?)\b/i, codes: ["quality.null_spike"] },
  { pattern: /\bslow consumers?\b/i, codes: ["lag.slow_consumer"] },
  { pattern: /\bconsumers? (?:(?:is|are|was|were) )?down\b/i, codes: ["lag.consumer_down"] },
];

/**
 * Action kinds named in the narrative, by identifier or in plain words ("scale consumers",
 * "reassign partitions"). Measured: "The suggested actions were to scale consumers, add
 * partitions, and reassign partitions" on a case the rules escalated with no action.
 */
const ACTION_PHRASES: Record<ActionKind, RegExp> = {
  scale_consumers: /\bscal(?:e|es|ed|ing)(?: up| out)? (?:the )?consumers?\b/i,
  add_partitions: /\badd(?:s|ed|ing)? (?:more )?partitions\b/i,
  reassign_partitions: /\breassign(?:s|ed|ing)? (?:the )?partitions\b|\bpartition reassignment\b/i,
  elect_preferred_leaders: /\belect(?:s|ed|ing)? (?:the )?preferred leaders?\b|\bpreferred[- ]leader election\b/i,
  tune_consumer_config: /\btun(?:e|es|ed|ing) (?:the )?consumer(?:'s)? config\w*/i,
  skip_poison_message: /\bskip(?:s|ped|ping)? (?:the |a )?poison(?:ed)? (?:message|record)s?\b/i,
  replay_dlq: /\breplay(?:s|ed|ing)? (?:the )?(?:dlq|dead[- ]letter)/i,
  quarantine_messages: /\bquarantin\w*/i,
  alter_topic_config: /\balter(?:s|ed|ing)? (?:the )?topic config\w*/i,
};

/** Words for one action that another's plan also makes true: skip_poison_message copies the record to quarantine first. */
const ALSO_SAID_BY: Partial<Record<ActionKind, readonly ActionKind[]>> = { quarantine_messages: ["skip_poison_message"] };

const NEGATION = /\b(?:no|not|never|without|nor|none|nothing|neither|zero|0)\b|n't\b/i;

/** The phrase occurs with no negation before it in its clause. */
function claims(sentence: string, pattern: RegExp): boolean {
  for (const m of sentence.matchAll(new RegExp(pattern.source, "gi"))) {
    const clause = sentence.slice(0, m.index).split(/[,;:]/).at(-1) ?? "";
    if (!NEGATION.test(clause)) return true;
  }
  return false;
}

/** The action kinds the runbook prescribes for the rules' findings (what the plan can hold). */
export function prescribedKinds(findings: readonly Diagnosis[]): ActionKind[] {
  const kinds = findings
    .filter((f) => f.origin !== "model")
    .flatMap((f) => {
      const v = VERDICTS[f.code];
      return v.decision === "remediate" ? v.actions(f).map((a) => a.kind) : [];
    });
  return [...new Set(kinds)];
}

/**
 * The narrative against the findings: a sentence that names a diagnosis code (as
 * "lag.slow_consumer" or "slow_consumer", or a condition in plain words, PHRASES) that no
 * finding has is a claim without evidence and is dropped; so is one naming an action kind
 * (ACTION_PHRASES) the runbook prescribes for none of the rules' findings (`kinds`, default:
 * those of `findings`): the plan is the report's actions, which guards check. What remains is
 * the narrative; empty when nothing remains.
 */
export function checkNarrative(
  text: string,
  findings: readonly Pick<Diagnosis, "code">[],
  kinds: readonly ActionKind[] = prescribedKinds(findings as readonly Diagnosis[]),
): { text: string; dropped: string[]; codes: string[]; actionsDropped: string[]; actions: string[] } {
  const had = new Set<string>(findings.map((f) => f.code));
  const allowedKinds = new Set<string>(kinds);
  // A sentence ends at ., ! or ? followed by white space: the dot inside "lag.slow_consumer" is not an end.
  const sentences = text.trim().split(/(?<=[.!?])\s+|\n+/);
  const kept: string[] = [];
  const dropped: string[] = [];
  const actionsDropped: string[] = [];
  const codes = new Set<string>();
  const actions = new Set<string>();
  for (const s of sentences) {
    const sentence = s.trim();
    if (!sentence) continue;
    const named: string[] = CLAIMABLE.filter((code) => CLAIM[code]!.test(sentence));
    const unsupported = named.filter((code) => !had.has(code));
    for (const p of PHRASES) {
      if (!p.codes.some((c) => had.has(c)) && !p.codes.some((c) => named.includes(c)) && claims(sentence, p.pattern)) unsupported.push(p.codes[0]!);
    }
    if (unsupported.length) {
      dropped.push(sentence);
      unsupported.forEach((c) => codes.add(c));
      continue;
    }
    const unplanned = ActionKind.options.filter((k) => !allowedKinds.has(k) && !ALSO_SAID_BY[k]?.some((o) => allowedKinds.has(o)) && (new RegExp(`(?<![\\w.])${k}(?!\\w)`, "i").test(sentence) || claims(sentence, ACTION_PHRASES[k])));
    if (unplanned.length) {
      actionsDropped.push(sentence);
      unplanned.forEach((k) => actions.add(k));
      continue;
    }
    kept.push(sentence);
  }
  return { text: kept.join(" "), dropped, codes: [...codes], actionsDropped, actions: [...actions] };
}
