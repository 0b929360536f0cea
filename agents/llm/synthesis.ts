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

  // Timeline events must fall inside the incident's window (a day either side of what was read).
  const times = c.timeline.map((e) => Date.parse(e.at)).filter(Number.isFinite);
  const timeline: TimelineEntry[] = [];
  for (const e of answer.timeline) {
    const t = Date.parse(e.at);
    if (!Number.isFinite(t) || !times.length || t < Math.min(...times) - DAY || t > Math.max(...times) + DAY) {
      session.note(`synthesis: dropped a model timeline event at ${JSON.stringify(e.at.slice(0, 40))}: not a time within the incident's window`);
      continue;
    }
    timeline.push({ at: new Date(t).toISOString().replace(".000Z", "Z"), event: e.event.replace(/[\u0000-\u001f]+/g, " "), source: "model" });
  }
  return { narrative: answer.narrative.trim(), timeline, hypotheses: checked.accepted, suggestedActions: answer.suggestedActions };
}
