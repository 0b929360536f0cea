/**
 * Answers from the deterministic report when no model is configured: the sections of the
 * report a question is about, picked by keywords. No model, no invention: report text only.
 */
import type { Report } from "../contract/report.ts";

interface Section {
  name: string;
  matches: RegExp;
  render(r: Report): string[];
}

const primaryOf = (r: Report) => r.diagnoses.find((d) => d.code === r.primary);

const SECTIONS: Section[] = [
  {
    name: "root cause",
    matches: /\b(why|cause|root|lag|happen|wrong|stuck|explain|diagnos)/i,
    render: (r) => [`Root cause (${r.primary}): ${r.rootCause ?? primaryOf(r)?.summary ?? "no known pattern matched the evidence"}`],
  },
  {
    name: "plan",
    matches: /\b(do|fix|plan|action|remediat|approve|should|next|recommend)/i,
    render: (r) =>
      r.actions.length
        ? [`Decision: ${r.decision}. Proposed actions (none applied; approve with /approve):`, ...r.actions.map((a, i) => `  ${i + 1}. ${a.kind} [${a.risk} risk, ${a.status}${a.requiresApproval ? ", needs approval" : ""}] ${JSON.stringify(a.params)}: ${a.rationale}`)]
        : [`Decision: ${r.decision}. No action is proposed${r.escalation ? `: escalate to ${r.escalation.owner} (${r.escalation.severity})` : ""}.`],
  },
  {
    name: "blast radius",
    matches: /\b(who|impact|blast|affect|radius|which (groups|topics))/i,
    render: (r) => (r.blastRadius ? [`Blast radius: groups ${r.blastRadius.groups.join(", ") || "none"}; topics ${r.blastRadius.topics.join(", ") || "none"}; subjects ${r.blastRadius.subjects.join(", ") || "none"}; brokers ${r.blastRadius.brokers.join(", ") || "none"}.`] : []),
  },
  {
    name: "timeline",
    matches: /\b(when|timeline|time|start|began|first)/i,
    render: (r) => (r.timeline?.length ? ["Timeline:", ...r.timeline.map((e) => `  ${e.at} ${e.event} (${e.source})`)] : []),
  },
  {
    name: "escalation",
    matches: /\b(escalat|owner|page|sev|who should)/i,
    render: (r) => (r.escalation ? [`Escalation: ${r.escalation.severity} to ${r.escalation.owner}: ${r.escalation.reason}`] : ["No escalation."]),
  },
  {
    name: "missing evidence",
    matches: /\b(missing|not seen|could not|gaps?|unknown)/i,
    render: (r) => [`Not seen: ${r.missingEvidence?.join("; ") || "nothing; every read answered"}.`],
  },
];

export function answerFromReport(question: string, report: Report): { answer: string; evidence: string[]; sections: string[] } {
  let picked = SECTIONS.filter((s) => s.matches.test(question));
  if (!picked.length) picked = SECTIONS.filter((s) => s.name === "root cause" || s.name === "plan");
  const lines = picked.flatMap((s) => s.render(report));
  const p = primaryOf(report);
  const evidence = (p?.evidence ?? []).map((e) => `${e.tool}: ${e.detail}`);
  // The evidence travels separately (ChatTurn.evidence): the REPL prints it once, after the answer.
  return { answer: lines.join("\n"), evidence, sections: picked.map((s) => s.name) };
}
