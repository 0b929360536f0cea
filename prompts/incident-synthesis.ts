/**
 * The Incident Debugging synthesis prompt: the seam where a model writes the narrative,
 * timeline and hypotheses over the rules' findings. Actions stay with the rules and guards.
 */
import { definePrompt, untrusted } from "./template.ts";

export interface SynthesisSlots {
  incidentTitle: string;
  alertSummary: string | undefined;
  /** Findings as the rules produced them (trusted: built from tool results). */
  findings: { code: string; confidence: number; summary: string }[];
  /** Evidence lines quoting record values or logs (untrusted). */
  quotes: string[];
}

export const incidentSynthesis = definePrompt<SynthesisSlots>("incident-synthesis", 1, (s) =>
  [
    "You are the Incident Debugging agent for an Apache Kafka estate.",
    "Explain which finding is the root cause, how it explains the others, and the blast radius.",
    "You may not propose actions: those come from the runbook rules and are checked by guards.",
    `Incident: ${s.incidentTitle}`,
    s.alertSummary ? untrusted("alert summary", s.alertSummary) : "No alert fired.",
    "Findings:",
    ...s.findings.map((f) => `- ${f.code} (confidence ${f.confidence}): ${f.summary}`),
    ...s.quotes.map((q, i) => untrusted(`evidence ${i + 1}`, q)),
  ].join("\n"),
);
