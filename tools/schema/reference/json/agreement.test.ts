/**
 * The JSON Schema checker against Confluent Schema Registry's own compatibility test data (ported
 * by port.ts into this folder): the verdict of every case, the path every incompatible verdict
 * names, the full list of differences Confluent's diff reports, the lenient policy, and the same
 * cases checked the other way round as FORWARD.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCompatibility, type CheckCompatibilityArgs } from "../../lib/compatibility.ts";
import { createJsonChecker } from "../../lib/json-schema.ts";
import { jsonPath } from "../../lib/json/difference.ts";
import { loadJsonSchema } from "../../lib/json/load.ts";
import { diffSchemas } from "../../lib/json/schema-diff.ts";

type Case = CheckCompatibilityArgs & { source: string; description: string; expected: { compatible: boolean; paths?: string[] } };

const DIR = import.meta.dirname;
const FILES = readdirSync(DIR).filter((f) => f.endsWith(".json")).sort();
const CASES: { file: string; c: Case }[] = FILES.flatMap((file) =>
  (JSON.parse(readFileSync(join(DIR, file), "utf8")) as Case[]).map((c) => ({ file, c })),
);
const EXTRA = JSON.parse(readFileSync(join(DIR, "extra", "confluent-diffs.json"), "utf8")) as {
  cases: Record<string, { changes: string[]; compatibleLenient: boolean }>;
};

/**
 * Cases whose verdict deliberately differs from Confluent's, with the reason (also listed in
 * docs/schema-compatibility.md). None today: every ported case agrees.
 */
const DELIBERATE_DISAGREEMENTS: Record<string, string> = {};

const THRESHOLD = 0.99;

describe("JSON Schema: agreement with Confluent's compatibility test data", () => {
  const results = CASES.map(({ file, c }) => ({ file, c, verdict: checkCompatibility(c) }));
  const disagreements = results.filter(({ c, verdict }) => verdict.compatible !== c.expected.compatible);

  it(`agrees on at least ${THRESHOLD * 100}% of the cases`, () => {
    const agree = results.length - disagreements.length;
    const percent = (100 * agree) / results.length;
    const perFile = FILES.map((file) => {
      const mine = results.filter((r) => r.file === file);
      return `  ${file}: ${mine.length} cases, ${mine.filter((r) => r.verdict.compatible === r.c.expected.compatible).length} agree`;
    });
    console.log(
      [
        `JSON Schema reference agreement: cases ${results.length}, agree ${agree}, disagree ${disagreements.length}, percent ${percent.toFixed(2)}%`,
        ...perFile,
        ...disagreements.map(({ c, verdict }) => `  DISAGREE ${c.source}: expected ${c.expected.compatible}, got ${verdict.compatible} ${verdict.messages.join(" | ")}`),
      ].join("\n"),
    );
    expect(results.length).toBe(274);
    expect(disagreements.filter(({ c }) => DELIBERATE_DISAGREEMENTS[c.source] === undefined).map(({ c }) => c.source)).toEqual([]);
    expect(agree / results.length).toBeGreaterThanOrEqual(THRESHOLD);
  });

  it("every incompatible verdict names the path and the rule of each of Confluent's incompatible changes", () => {
    const unnamed: string[] = [];
    for (const { c, verdict } of results) {
      if (verdict.compatible || c.expected.compatible) continue;
      const paths = c.expected.paths ?? [];
      expect(paths.length, c.source).toBeGreaterThan(0);
      for (const message of verdict.messages) {
        // `[RULE at #/json/path]`, and the field in words before it.
        if (!paths.some((p) => message.includes(` at ${p}]`)) || !/\[[A-Z_]+ at #\//.test(message)) unnamed.push(`${c.source}: ${message}`);
      }
      for (const p of paths) if (!verdict.messages.some((m) => m.includes(` at ${p}]`))) unnamed.push(`${c.source}: no message names ${p}`);
    }
    expect(unnamed).toEqual([]);
  });

  it("lists the same differences as Confluent's diff (as a multiset of `TYPE #/path`)", () => {
    const mismatched: string[] = [];
    for (const { c } of results) {
      const expected = EXTRA.cases[c.source]?.changes;
      if (expected === undefined || !c.source.includes("/resources/")) continue;
      const original = loadJsonSchema(c.existing[0]!.schema);
      const update = loadJsonSchema(c.candidate);
      if (!original.ok || !update.ok) {
        mismatched.push(`${c.source}: does not parse`);
        continue;
      }
      const mine = diffSchemas(original.value, update.value).map((d) => `${d.type} ${jsonPath(d)}`);
      if (JSON.stringify([...mine].sort()) !== JSON.stringify([...expected].sort())) {
        mismatched.push(`${c.source}: expected ${expected.join("; ")}, got ${mine.join("; ")}`);
      }
    }
    expect(mismatched).toEqual([]);
  });

  it("the lenient policy agrees with Confluent's lenient verdicts", () => {
    const lenient = createJsonChecker({ policy: "LENIENT" });
    const wrong: string[] = [];
    for (const { c } of results) {
      const original = lenient.parse(c.existing[0]!.schema);
      const update = lenient.parse(c.candidate);
      if (!original.ok || !update.ok) throw new Error(`${c.source}: does not parse`);
      const compatible = lenient.compare(update.value, original.value, ["backward"]).length === 0;
      if (compatible !== EXTRA.cases[c.source]!.compatibleLenient) wrong.push(c.source);
    }
    expect(wrong).toEqual([]);
  });

  it("each case checked the other way round as FORWARD gives the same verdict", () => {
    const wrong = CASES.filter(({ c }) => {
      const forward = checkCompatibility({ ...c, candidate: c.existing[0]!.schema, existing: [{ version: 1, schema: c.candidate }], level: "FORWARD" });
      return forward.compatible !== c.expected.compatible;
    }).map(({ c }) => c.source);
    expect(wrong).toEqual([]);
  });
});
