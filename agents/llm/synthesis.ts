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
 * The narrative against the findings: a sentence that names a diagnosis code (as
 * "lag.slow_consumer" or "slow_consumer") that no finding has is a claim without evidence and
 * is dropped; what remains is the narrative. Empty when nothing remains.
 */
export function checkNarrative(text: string, findings: readonly Pick<Diagnosis, "code">[]): { text: string; dropped: string[]; codes: string[] } {
  const had = new Set<string>(findings.map((f) => f.code));
  // A sentence ends at ., ! or ? followed by white space: the dot inside "lag.slow_consumer" is not an end.
  const sentences = text.trim().split(/(?<=[.!?])\s+|\n+/);
  const kept: string[] = [];
  const dropped: string[] = [];
  const codes = new Set<string>();
  for (const s of sentences) {
    const sentence = s.trim();
    if (!sentence) continue;
    const claims = CLAIMABLE.filter((code) => CLAIM[code]!.test(sentence));
    const unsupported = claims.filter((code) => !had.has(code));
    if (unsupported.length) {
      dropped.push(sentence);
      unsupported.forEach((c) => codes.add(c));
    } else kept.push(sentence);
  }
  return { text: kept.join(" "), dropped, codes: [...codes] };
}
