/**
 * Compatibility cases in one shape for every schema type, and the agreement of
 * `checkCompatibility` with them. Two corpora use it: the project's own cases (./cases, written
 * from the rules in docs/schema-compatibility.md, checked by agreement.test.ts), and, outside the
 * repository and outside CI, the upstream projects' test data converted to this shape
 * (agreement.ts, `npm run schema:agreement -- --data <dir>`).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { CompatibilityLevel, SchemaType } from "../../../contract/vocabulary.ts";
import { checkCompatibility, type CompatibilityVerdict } from "../lib/compatibility.ts";

const SchemaText = z.string();
const References = z.record(z.string(), z.string());

export const ReferenceCase = z.object({
  /** Where the case comes from: the corpus and the change class, or the upstream file and index. */
  source: z.string().min(1),
  description: z.string(),
  schemaType: SchemaType,
  candidate: SchemaText,
  existing: z.array(z.object({ version: z.number().int().positive(), schema: SchemaText, references: References.optional() })),
  level: CompatibilityLevel,
  /**
   * The expected verdict. `paths`: where the messages must locate each incompatibility, in the
   * checker's notation (see `namesPath`; converted upstream Avro data has Avro Java's locations
   * instead, which agreement.ts maps). `lenient`: the verdict under the JSON Schema LENIENT
   * policy, when the case pins it.
   */
  expected: z.object({ compatible: z.boolean(), paths: z.array(z.string()).optional(), lenient: z.boolean().optional() }),
  /** The candidate's references: name -> schema text. */
  references: References.optional(),
});
export type ReferenceCase = z.infer<typeof ReferenceCase>;

export type Disagreement = { source: string; description: string; expected: boolean; verdict: CompatibilityVerdict };

export type Agreement = { cases: number; agree: number; percent: number; disagreements: Disagreement[] };

export function loadCases(url: URL): ReferenceCase[] {
  return z.array(ReferenceCase).parse(JSON.parse(readFileSync(url, "utf8")));
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

/**
 * How every message of an incompatible verdict starts or reads: it names the place and the rule.
 * JSON: `<field>: <change> [<Difference.Type> at #/json/path]: ...`; Protobuf: `#/Msg/N <change>
 * (<Difference.Type>): readers of ...`; Avro: `field "a.b": ...` or `the top-level schema ...`.
 */
export const MESSAGE_SHAPE: Record<SchemaType, RegExp> = {
  JSON: /\[[A-Z_]+ at #\/\S*\]: readers of the (new|old) schema/,
  PROTOBUF: /^#\/\S* .*\([A-Z_]+\): readers of the (new|old) schema/,
  AVRO: /^(field "[^"]+"|the top-level schema)/,
};

/**
 * Whether a message names `path`, in the checker's notation: JSON, Confluent's JSON path
 * (`#/properties/a/maximum`) as the message's `at <path>]`; Protobuf, Confluent's path
 * (`#/Order/2`) at the start; Avro, the field path (`shipping.zip`, `lines[]`, `attrs{}`) as
 * `field "<path>` at the start, "" for the top-level schema.
 */
export function namesPath(schemaType: SchemaType, message: string, path: string): boolean {
  switch (schemaType) {
    case "JSON":
      return message.includes(` at ${path}]`);
    case "PROTOBUF":
      return message.startsWith(`${path} `);
    case "AVRO":
      // A path also covers what lies inside it (`shipping` names `shipping.zip`).
      if (path === "") return message.startsWith("the top-level schema");
      return message.startsWith(`field "${path}`) && /^[".[{]/.test(message.slice(`field "${path}`.length));
  }
}

/**
 * Where the incompatible verdicts of `cases` fail to say where and why: a message not in the
 * type's shape, an expected path no message names, and (with `exact`) a message naming none of
 * the expected paths; with `requirePaths`, a case that states no path. Cases only the checker or
 * only the reference finds incompatible are disagreements, not counted here. Empty when every
 * incompatible verdict names its paths.
 */
export function unnamedPaths(
  cases: ReferenceCase[],
  verdicts: CompatibilityVerdict[],
  options: { exact: (c: ReferenceCase) => boolean; requirePaths: boolean; pathsOf?: (c: ReferenceCase) => string[] },
): string[] {
  const problems: string[] = [];
  cases.forEach((c, i) => {
    const verdict = verdicts[i]!;
    if (verdict.compatible || c.expected.compatible) return;
    const paths = options.pathsOf ? options.pathsOf(c) : (c.expected.paths ?? []);
    if (paths.length === 0 && options.requirePaths) problems.push(`${c.source}: the case states no path`);
    const exact = options.exact(c) && paths.length > 0;
    for (const m of verdict.messages) {
      if (!MESSAGE_SHAPE[c.schemaType].test(m)) problems.push(`${c.source}: names no place and rule: ${m}`);
      else if (exact && !paths.some((p) => namesPath(c.schemaType, m, p))) problems.push(`${c.source}: names none of ${paths.join(", ")}: ${m}`);
    }
    for (const p of paths) if (!verdict.messages.some((m) => namesPath(c.schemaType, m, p))) problems.push(`${c.source}: no message names ${JSON.stringify(p)}: ${verdict.messages.join(" | ")}`);
  });
  return problems;
}

/** `label: cases N, agree M (P%)`, then the disagreements by source with the checker's messages. */
export function report(label: string, result: Agreement): string {
  const lines = [`${label}: cases ${result.cases}, agree ${result.agree} (${result.percent}%)`];
  for (const d of result.disagreements) {
    lines.push(`  ${d.source}: expected ${d.expected ? "compatible" : "incompatible"}: ${d.description}`);
    for (const m of d.verdict.messages) lines.push(`    ${m}`);
  }
  return lines.join("\n");
}
