/**
 * The Incident Debugging conclusion with a model's synthesis folded in: the model's timeline
 * events join the rules' in time order, and when the rules found nothing the best validated
 * hypothesis becomes the primary, labelled a hypothesis, its text fenced as untrusted
 * (remediation/decide.ts escalates such a primary and never acts on it). When the rules found
 * a primary, it stays.
 */
import type { Diagnosis } from "../../contract/report.ts";
import { modelText } from "../llm/model-text.ts";
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
  // Only when the rules found nothing at all: a rules' finding that is not the primary still outranks a guess.
  if (merged.primary === null && added.length && !findings.some((f) => f.origin !== "model")) {
    const best = added.reduce((b, f, i) => (f.confidence > added[b]!.confidence ? i : b), 0);
    const f = added[best]!;
    const pick = (k: string) => (f.entities[k] === undefined ? [] : [String(f.entities[k])]);
    merged = {
      ...merged,
      primary: findings.length + best,
      rootCause: `Hypothesis (from the model, not confirmed by the rules): ${hypothesisLine(f)}. A human must confirm it before anything is done.`,
      blastRadius: { groups: pick("group"), topics: [...pick("topic"), ...pick("dlqTopic")], subjects: pick("subject"), brokers: f.entities.broker === undefined ? [] : [Number(f.entities.broker)] },
    };
  }
  return { conclusion: merged, added, notes };
}

const ENTITY_ORDER = ["group", "topic", "partition", "dlqTopic", "subject", "broker"] as const;

/**
 * A model-origin finding in one line: its code and entities (validated against the cluster
 * model, so ours to print), then the model's own words only fenced as untrusted evidence.
 */
export function hypothesisLine(f: Pick<Diagnosis, "code" | "entities" | "summary">): string {
  const on = ENTITY_ORDER.filter((k) => f.entities[k] !== undefined).map((k) => `${k} ${String(f.entities[k])}`).join(", ");
  return `${f.code}${on ? ` on ${on}` : ""}; ${modelText(f.summary)}`;
}
