/**
 * Compatibility cases ported from the projects that define the semantics (Confluent Schema
 * Registry, Apache Avro), in one shape for every schema type, and the agreement of
 * `checkCompatibility` with them.
 */
import { readFileSync } from "node:fs";
import type { CompatibilityLevel, SchemaType } from "../../../contract/vocabulary.ts";
import { checkCompatibility, type CompatibilityVerdict } from "../lib/compatibility.ts";

export type ReferenceCase = {
  /** Repository, file and case index or name it was ported from. */
  source: string;
  description: string;
  schemaType: SchemaType;
  candidate: string;
  existing: Array<{ version: number; schema: string; references?: Record<string, string> }>;
  level: CompatibilityLevel;
  /** The reference's verdict; `paths` are where it locates each incompatibility, in its own notation. */
  expected: { compatible: boolean; paths?: string[] };
  /** The candidate's references: name -> schema text. */
  references?: Record<string, string>;
};

export type Disagreement = { source: string; description: string; expected: boolean; verdict: CompatibilityVerdict };

export type Agreement = { cases: number; agree: number; percent: number; disagreements: Disagreement[] };

export function loadCases(url: URL): ReferenceCase[] {
  return JSON.parse(readFileSync(url, "utf8")) as ReferenceCase[];
}

const refs = (record: Record<string, string> | undefined): ReadonlyMap<string, string> | undefined =>
  record === undefined ? undefined : new Map(Object.entries(record));

export function verdictOf(c: ReferenceCase): CompatibilityVerdict {
  return checkCompatibility({
    schemaType: c.schemaType,
    candidate: c.candidate,
    candidateReferences: refs(c.references),
    existing: c.existing.map((e) => ({ version: e.version, schema: e.schema, references: refs(e.references) })),
    level: c.level,
  });
}

export function agreement(cases: ReferenceCase[]): Agreement & { verdicts: CompatibilityVerdict[] } {
  const verdicts = cases.map(verdictOf);
  const disagreements: Disagreement[] = [];
  cases.forEach((c, i) => {
    const verdict = verdicts[i]!;
    if (verdict.compatible !== c.expected.compatible) disagreements.push({ source: c.source, description: c.description, expected: c.expected.compatible, verdict });
  });
  const agree = cases.length - disagreements.length;
  return { cases: cases.length, agree, percent: cases.length === 0 ? 0 : Math.round((agree / cases.length) * 1000) / 10, disagreements, verdicts };
}

/** One line for the test output: `label: cases N, agree M (P%)` and the disagreements by source. */
export function report(label: string, result: Agreement): string {
  const lines = [`${label}: cases ${result.cases}, agree ${result.agree} (${result.percent}%)`];
  for (const d of result.disagreements) {
    lines.push(`  ${d.source}: expected ${d.expected ? "compatible" : "incompatible"}: ${d.description}`);
    for (const m of d.verdict.messages) lines.push(`    ${m}`);
  }
  return lines.join("\n");
}
