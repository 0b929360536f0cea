/**
 * The Incident Debugging conclusion with a model's synthesis folded in: the model's timeline
 * events join the rules' in time order, and when the rules found nothing the best validated
 * hypothesis becomes the primary (remediation/decide.ts escalates such a primary). When the
 * rules found a primary, it stays.
 */
import type { Diagnosis } from "../../contract/report.ts";
import type { Synthesis } from "../llm/synthesis.ts";
import type { Conclusion } from "./incident-debugging-agent.ts";

export interface WithSynthesis {
  conclusion: Conclusion;
  /** The hypotheses, as findings to append after `findings`. */
  added: Diagnosis[];
  notes: string[];
}

export function withSynthesis(findings: readonly Diagnosis[], conclusion: Conclusion, synthesis: Synthesis): WithSynthesis {
  const added: Diagnosis[] = synthesis.hypotheses;
  const notes = added.length ? [`synthesis: added ${added.length} hypothesis finding(s): ${added.map((f) => f.code).join(", ")}`] : [];
  let merged: Conclusion = {
    ...conclusion,
    timeline: [...conclusion.timeline, ...synthesis.timeline].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
  };
  if (merged.primary === null && added.length) {
    const best = added.reduce((b, f, i) => (f.confidence > added[b]!.confidence ? i : b), 0);
    const f = added[best]!;
    const pick = (k: string) => (f.entities[k] === undefined ? [] : [String(f.entities[k])]);
    merged = {
      ...merged,
      primary: findings.length + best,
      rootCause: `A model's hypothesis, not confirmed by the rules: ${f.summary}`,
      blastRadius: { groups: pick("group"), topics: [...pick("topic"), ...pick("dlqTopic")], subjects: pick("subject"), brokers: f.entities.broker === undefined ? [] : [Number(f.entities.broker)] },
    };
  }
  return { conclusion: merged, added, notes };
}
