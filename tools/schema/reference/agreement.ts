/**
 * How far `checkCompatibility` agrees with the compatibility test data of the projects that
 * define the semantics (Confluent Schema Registry's json-schema-provider and protobuf-provider
 * examples and tests, Apache Avro's and Confluent's Avro tests), converted to the case shape of
 * reference-cases.ts:
 *
 *   npm run schema:agreement -- --data /work/notes/schema-reference
 *
 * That data is the upstream projects' material, so it is kept outside this repository (the
 * project does not commit fetched material) and this is a measurement, not a test: it is not in
 * `npm test` nor in .ci/run. The unit tests run the project's own corpus (./cases) instead.
 *
 * Reads every *.json under --data: an array of cases, or the JSON Schema annex (`{ commit, cases:
 * { <source>: { changes, compatibleLenient } } }`, Confluent's full change lists and lenient
 * verdicts). Prints per suite (JSON Schema, Protobuf, Avro): cases, agreement, the disagreements
 * by source, and whether every incompatible verdict names its paths; for JSON Schema with the
 * annex also the change lists, the lenient verdicts and each case asked the other way round as
 * FORWARD. The last line is one JSON object: `{ json: {cases, agree, pct}, protobuf, avro }`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import type { SchemaType } from "../../../contract/vocabulary.ts";
import { checkCompatibility } from "../lib/compatibility.ts";
import { toNode, type AvroField, type AvroNode } from "../lib/avro/model.ts";
import { createJsonChecker } from "../lib/json-schema.ts";
import { jsonPath } from "../lib/json/difference.ts";
import { loadJsonSchema } from "../lib/json/load.ts";
import { diffSchemas } from "../lib/json/schema-diff.ts";
import { agreement, ReferenceCase, unnamedPaths, type Agreement } from "./reference-cases.ts";

const USAGE =
  "schema:agreement: give --data <dir> (e.g. /work/notes/schema-reference): the upstream reference cases (Confluent Schema Registry's and Apache Avro's test data, converted) are kept outside the repository because they are the upstream projects' material and this project does not commit fetched material";

const JsonAnnex = z.object({
  commit: z.string(),
  cases: z.record(z.string(), z.object({ changes: z.array(z.string()), compatibleLenient: z.boolean() })),
});
type JsonAnnex = z.infer<typeof JsonAnnex>;

class DataError extends Error {}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return jsonFiles(path);
      return name.endsWith(".json") ? [path] : [];
    });
}

type Loaded = { cases: Array<{ file: string; c: ReferenceCase }>; annex: JsonAnnex["cases"] };

function load(dir: string): Loaded {
  const out: Loaded = { cases: [], annex: {} };
  for (const path of jsonFiles(dir)) {
    const file = relative(dir, path);
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path, "utf8"));
    } catch (e) {
      throw new DataError(`${file}: not JSON: ${(e as Error).message}`);
    }
    if (Array.isArray(data)) {
      const parsed = z.array(ReferenceCase).safeParse(data);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new DataError(`${file}: not a case file: at ${issue.path.join(".")}: ${issue.message}`);
      }
      out.cases.push(...parsed.data.map((c) => ({ file, c })));
      continue;
    }
    const annex = JsonAnnex.safeParse(data);
    if (!annex.success) throw new DataError(`${file}: neither an array of cases nor the JSON Schema annex ({ commit, cases })`);
    Object.assign(out.annex, annex.data.cases);
  }
  return out;
}

/** The field path (`a.b[]`) an Avro Java location (`/fields/1/type/items`) points at in the reader. */
function avroFieldPath(reader: AvroNode, location: string): string {
  const tokens = location.split("/").filter((t) => t !== "");
  let node: AvroNode | undefined = reader;
  let path = "";
  for (let i = 0; i < tokens.length && node; i++) {
    const token = tokens[i]!;
    if (token === "fields" && node.type === "record") {
      const field: AvroField | undefined = node.fields[Number(tokens[++i])];
      path = path === "" ? (field?.name ?? "?") : `${path}.${field?.name ?? "?"}`;
      node = field?.type;
      if (tokens[i + 1] === "type") i++;
    } else if (token === "items" && node.type === "array") {
      path += "[]";
      node = node.items;
    } else if (token === "values" && node.type === "map") {
      path += "{}";
      node = node.values;
    } else if (/^\d+$/.test(token) && node.type === "union") {
      node = node.types[Number(token)] ?? node;
    } else break; // name, size, symbols, or a writer-union branch: the path so far
  }
  return path;
}

/**
 * The paths a case expects, in the checker's notation. Avro cases converted from Avro Java carry
 * its locations (`/fields/0/type`); a location at the top level (`/`, `/name`) only asks that the
 * message names a place, which the message shape already checks.
 */
function pathsOf(c: ReferenceCase): string[] {
  const paths = c.expected.paths ?? [];
  if (c.schemaType !== "AVRO" || !paths.some((p) => p.startsWith("/"))) return paths;
  const reader = toNode(JSON.parse(c.candidate), new Map());
  const mapped = paths.map((p) => (p.startsWith("/") ? avroFieldPath(reader, p) : p)).filter((p) => p !== "");
  return mapped.length > 0 ? mapped : [""];
}

const SUITES: Array<{ key: "json" | "protobuf" | "avro"; type: SchemaType; label: string }> = [
  { key: "json", type: "JSON", label: "JSON Schema" },
  { key: "protobuf", type: "PROTOBUF", label: "Protobuf" },
  { key: "avro", type: "AVRO", label: "Avro" },
];

function jsonExtras(cases: ReferenceCase[], annex: JsonAnnex["cases"]): string[] {
  const lenient = createJsonChecker({ policy: "LENIENT" });
  const lines: string[] = [];
  let listed = 0;
  let listsEqual = 0;
  let lenientCases = 0;
  let lenientAgree = 0;
  const listMisses: string[] = [];
  const lenientMisses: string[] = [];
  for (const c of cases) {
    const extra = annex[c.source];
    if (extra === undefined) continue;
    const original = loadJsonSchema(c.existing[0]!.schema);
    const update = loadJsonSchema(c.candidate);
    if (!original.ok || !update.ok) {
      listMisses.push(`${c.source}: does not load`);
      continue;
    }
    // Confluent's example files (test/resources) list every difference; its Java tests' cases do not.
    if (c.source.includes("/resources/")) {
      listed++;
      const mine = diffSchemas(original.value, update.value).map((d) => `${d.type} ${jsonPath(d)}`);
      if (JSON.stringify([...mine].sort()) === JSON.stringify([...extra.changes].sort())) listsEqual++;
      else listMisses.push(`${c.source}: Confluent ${extra.changes.join("; ")}; here ${mine.join("; ")}`);
    }
    lenientCases++;
    const o = lenient.parse(c.existing[0]!.schema);
    const u = lenient.parse(c.candidate);
    const compatible = o.ok && u.ok && lenient.compare(u.value, o.value, ["backward"]).length === 0;
    if (compatible === extra.compatibleLenient) lenientAgree++;
    else lenientMisses.push(`${c.source}: Confluent lenient ${extra.compatibleLenient ? "compatible" : "incompatible"}`);
  }
  lines.push(`  change lists equal to Confluent's (as a multiset of \`TYPE #/path\`): ${listsEqual} of ${listed}`);
  for (const m of listMisses) lines.push(`    ${m}`);
  lines.push(`  LENIENT policy: agree ${lenientAgree} of ${lenientCases}`);
  for (const m of lenientMisses) lines.push(`    ${m}`);
  const reversed = cases.filter((c) => c.level === "BACKWARD" && c.existing.length === 1);
  const reversedMisses = reversed.filter(
    (c) => checkCompatibility({ schemaType: c.schemaType, candidate: c.existing[0]!.schema, existing: [{ version: 1, schema: c.candidate }], level: "FORWARD" }).compatible !== c.expected.compatible,
  );
  lines.push(`  the same pairs asked the other way round as FORWARD: agree ${reversed.length - reversedMisses.length} of ${reversed.length}`);
  for (const c of reversedMisses) lines.push(`    ${c.source}`);
  return lines;
}

function measure(loaded: Loaded): { lines: string[]; summary: Record<string, { cases: number; agree: number; pct: number }> } {
  const lines: string[] = [];
  const summary: Record<string, { cases: number; agree: number; pct: number }> = {};
  for (const suite of SUITES) {
    const mine = loaded.cases.filter(({ c }) => c.schemaType === suite.type);
    const cases = mine.map(({ c }) => c);
    const result: Agreement & { verdicts: ReturnType<typeof agreement>["verdicts"] } = agreement(cases);
    summary[suite.key] = { cases: result.cases, agree: result.agree, pct: result.percent };
    lines.push(`${suite.label}: cases ${result.cases}, agree ${result.agree} (${result.percent}%)`);
    for (const file of [...new Set(mine.map((m) => m.file))]) {
      const fromFile = mine.map((m, i) => ({ ...m, verdict: result.verdicts[i]! })).filter((m) => m.file === file);
      lines.push(`  ${file}: ${fromFile.length} cases, agree ${fromFile.filter((m) => m.verdict.compatible === m.c.expected.compatible).length}`);
    }
    if (result.disagreements.length === 0) lines.push("  disagreements: none");
    for (const d of result.disagreements) {
      lines.push(`  DISAGREE ${d.source}: expected ${d.expected ? "compatible" : "incompatible"}, checker ${d.verdict.compatible ? "compatible" : "incompatible"}`);
      for (const m of d.verdict.messages) lines.push(`    ${m}`);
    }
    // JSON: every message must name one of Confluent's incompatible paths, and each be named.
    // Where the reference states no path (Confluent's Avro REST-level tests assert the verdict
    // only), every message must still name a field or the top level.
    const problems = unnamedPaths(cases, result.verdicts, { exact: (c) => c.schemaType === "JSON", requirePaths: false, pathsOf });
    const incompatible = cases.filter((c, i) => !c.expected.compatible && !result.verdicts[i]!.compatible);
    const withoutPaths = incompatible.filter((c) => (c.expected.paths ?? []).length === 0).length;
    const counts = `${incompatible.length} verdicts${withoutPaths > 0 ? `, ${withoutPaths} of them without a path in the reference: checked to name a place` : ""}`;
    lines.push(
      problems.length === 0
        ? `  every incompatible verdict names its paths: yes (${counts})`
        : `  every incompatible verdict names its paths: no (${problems.length} problems in ${counts})`,
    );
    for (const p of problems) lines.push(`    ${p}`);
    if (suite.type === "JSON" && Object.keys(loaded.annex).length > 0) lines.push(...jsonExtras(cases, loaded.annex));
  }
  return { lines, summary };
}

function main(): number {
  let data: string | undefined;
  try {
    ({ data } = parseArgs({ options: { data: { type: "string" } }, strict: true }).values);
  } catch (e) {
    process.stderr.write(`schema:agreement: ${(e as Error).message}\n`);
    return 2;
  }
  if (data === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const dir = resolve(data);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    process.stderr.write(`schema:agreement: --data ${data}: no such directory\n`);
    return 2;
  }
  let loaded: Loaded;
  try {
    loaded = load(dir);
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    process.stderr.write(`schema:agreement: ${dir}/${e.message}\n`);
    return 2;
  }
  if (loaded.cases.length === 0) {
    process.stderr.write(`schema:agreement: --data ${data}: no case file (*.json holding an array of cases)\n`);
    return 2;
  }
  const { lines, summary } = measure(loaded);
  process.stdout.write(`${lines.join("\n")}\n${JSON.stringify(summary)}\n`);
  return 0;
}

process.exitCode = main();
