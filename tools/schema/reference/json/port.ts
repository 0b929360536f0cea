/**
 * Regenerates the ported reference data from a clone of confluentinc/schema-registry:
 *
 *   node_modules/.bin/node tools/schema/reference/json/port.ts <git dir of schema-registry> [commit]
 *
 * Each Confluent diff example (original_schema, update_schema, changes, compatible) becomes the
 * backward check it describes: candidate = update_schema, existing = [original_schema], level
 * BACKWARD; `expected.paths` are the JSON paths of the changes the strict policy rejects. The
 * full change lists and the lenient verdicts go to extra/confluent-diffs.json (only this suite's
 * tests read it). The 2020-12 files have trailing commas (org.json accepts them), removed here.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { COMPATIBLE_CHANGES, type DifferenceType } from "../../lib/json/difference.ts";

type Case = {
  source: string;
  description: string;
  schemaType: "JSON";
  candidate: string;
  existing: { version: number; schema: string }[];
  level: "BACKWARD" | "FORWARD";
  expected: { compatible: boolean; paths?: string[] };
};
type Extra = { changes: string[]; compatibleLenient: boolean };

const [gitDir, commit = "HEAD"] = process.argv.slice(2);
if (gitDir === undefined) {
  process.stderr.write("usage: port.ts <git dir of confluentinc/schema-registry> [commit]\n");
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const RESOURCES = "json-schema-provider/src/test/resources";
const FILES = ["diff-schema-examples.json", "diff-schema-examples-2020-12.json", "diff-combined-schema-examples.json", "diff-combined-schema-examples-2020-12.json"];

const show = (path: string): string => execFileSync("git", ["--git-dir", gitDir, "show", `${commit}:${path}`], { encoding: "utf8", maxBuffer: 64 << 20 });
const sha = execFileSync("git", ["--git-dir", gitDir, "rev-parse", commit], { encoding: "utf8" }).trim();
const extras: Record<string, Extra> = {};

for (const file of FILES) {
  const text = show(`${RESOURCES}/${file}`).replace(/,(\s*[}\]])/g, "$1");
  const examples = JSON.parse(text) as {
    description: string;
    original_schema: unknown;
    update_schema: unknown;
    changes: string[];
    compatible: boolean;
    compatible_lenient?: boolean;
  }[];
  const cases: Case[] = examples.map((example, index) => {
    const source = `confluentinc/schema-registry ${RESOURCES}/${file}#${index} ${example.description}`;
    const incompatible = example.changes.filter((c) => !COMPATIBLE_CHANGES.STRICT.has(c.split(" ")[0] as DifferenceType));
    if (incompatible.length === 0 !== example.compatible) throw new Error(`${source}: verdict and changes disagree`);
    extras[source] = { changes: example.changes, compatibleLenient: example.compatible_lenient ?? example.compatible };
    return {
      source,
      description: example.description,
      schemaType: "JSON",
      candidate: JSON.stringify(example.update_schema),
      existing: [{ version: 1, schema: JSON.stringify(example.original_schema) }],
      level: "BACKWARD",
      expected: example.compatible ? { compatible: true } : { compatible: false, paths: [...new Set(incompatible.map((c) => c.split(" ")[1]!))] },
    };
  });
  writeFileSync(join(here, file), `${JSON.stringify(cases, null, 2)}\n`);
}

// JsonSchemaTest.java: the {add, remove} x {optional, required} x {open, closed} matrix under STRICT
// and LENIENT, and the allOf case (strings copied from the test; STRICT/LENIENT verdicts as asserted).
const JAVA = "json-schema-provider/src/test/java/io/confluent/kafka/schemaregistry/json/JsonSchemaTest.java";
const obj = (props: Record<string, unknown>, required: string[], additional: boolean) =>
  JSON.stringify({ type: "object", properties: props, required, additionalProperties: additional });
const name = { type: "string" };
const email = { type: "string" };
const emailDefault = { type: "string", default: "unknown" };
const matrix: [string, string, string, boolean, boolean, string[]][] = [
  ["testStrictVsLenientAddOptionalToClosedModel", obj({ name }, ["name"], false), obj({ name, email }, ["name"], false), true, true, []],
  ["testStrictVsLenientAddOptionalToOpenModel", obj({ name }, ["name"], true), obj({ name, email }, ["name"], true), false, true, ["#/properties/email"]],
  ["testStrictVsLenientRemoveOptionalFromClosedModel", obj({ name, email }, ["name"], false), obj({ name }, ["name"], false), false, true, ["#/properties/email"]],
  ["testStrictVsLenientRemoveOptionalFromOpenModel", obj({ name, email }, ["name"], true), obj({ name }, ["name"], true), true, true, []],
  ["testStrictVsLenientAddRequiredToClosedModel", obj({ name }, ["name"], false), obj({ name, email }, ["name", "email"], false), false, false, ["#/properties/email"]],
  ["testStrictVsLenientAddRequiredWithDefaultToClosedModel", obj({ name }, ["name"], false), obj({ name, email: emailDefault }, ["name", "email"], false), true, true, []],
  ["testStrictVsLenientAddRequiredToOpenModel", obj({ name }, ["name"], true), obj({ name, email }, ["name", "email"], true), false, false, ["#/properties/email"]],
  ["testStrictVsLenientAddRequiredWithDefaultToOpenModel", obj({ name }, ["name"], true), obj({ name, email: emailDefault }, ["name", "email"], true), false, true, ["#/properties/email"]],
  ["testStrictVsLenientRemoveRequiredFromClosedModel", obj({ name, email }, ["name", "email"], false), obj({ name }, ["name"], false), false, true, ["#/properties/email"]],
  ["testStrictVsLenientRemoveRequiredFromOpenModel", obj({ name, email }, ["name", "email"], true), obj({ name }, ["name"], true), true, true, []],
  [
    "testLenientPolicyWithSimpleAllOf",
    JSON.stringify({ type: "object", allOf: [{ properties: { name: { type: "string" } }, required: ["name"] }, { properties: { age: { type: "number" } } }] }),
    JSON.stringify({
      type: "object",
      allOf: [{ properties: { name: { type: "string" } }, required: ["name"] }, { properties: { age: { type: "number" }, email: { type: "string" } } }],
    }),
    false,
    true,
    // Strict: the allOf branch that gained "email" no longer pairs with its original, which
    // Confluent reports on the combined schema itself.
    ["#/"],
  ],
];
const policyCases: Case[] = matrix.map(([test, original, update, strict, lenient, paths]) => {
  const source = `confluentinc/schema-registry ${JAVA}#${test}`;
  extras[source] = { changes: [], compatibleLenient: lenient };
  return {
    source,
    description: test,
    schemaType: "JSON",
    candidate: update,
    existing: [{ version: 1, schema: original }],
    level: "BACKWARD",
    expected: strict ? { compatible: true } : { compatible: false, paths },
  };
});
writeFileSync(join(here, "json-schema-test-policy.json"), `${JSON.stringify(policyCases, null, 2)}\n`);
writeFileSync(join(here, "extra", "confluent-diffs.json"), `${JSON.stringify({ commit: sha, cases: extras }, null, 2)}\n`);
process.stdout.write(`ported from ${sha}\n`);
