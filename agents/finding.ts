import type { Diagnosis, Entities, Evidence } from "../contract/report.ts";
import type { AgentName, DiagnosisCode } from "../contract/vocabulary.ts";
import type { ToolName } from "../tools/registry.ts";
import { formatNumber } from "../contract/numbers.ts";

/** A finding is a diagnosis entry of the report, as an agent produces it. */
export type Finding = Diagnosis;

/** Evidence is always quoted from a named tool's result. */
export const evidence = (tool: ToolName, detail: string): Evidence => ({ tool, detail });

export function finding(
  agent: AgentName,
  code: DiagnosisCode,
  confidence: number,
  summary: string,
  entities: Entities,
  quotes: Evidence[],
): Diagnosis {
  return { code, agent, confidence: Math.round(Math.min(1, Math.max(0, confidence)) * 100) / 100, summary, entities, evidence: quotes };
}

/** "orders-1" in Kafka's own notation for a topic-partition. */
export const tp = (topic: string, partition: number) => `${topic}-${partition}`;

/** Clock time of an ISO timestamp, for compact evidence ("03:02"). */
export const clock = (iso: string) => iso.slice(11, 16);

/**
 * Text for summaries and evidence, as a tagged template: every interpolated number goes
 * through `formatNumber` (no float noise, no seventeen digits of a huge metric, no NaN), and
 * an interpolated array of numbers is listed with its elements formatted the same way.
 */
export function say(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += show(v) + strings[i + 1]!;
  });
  return out;
}

function show(v: unknown): string {
  if (typeof v === "number") return formatNumber(v);
  if (Array.isArray(v)) return v.map(show).join(", ");
  return String(v);
}
