/**
 * The Avro checker against the reader/writer pairs of Apache Avro's TestSchemaCompatibility*
 * (TestSchemas translated to JSON; BACKWARD with candidate = reader, existing = [writer]) and
 * Confluent's AvroCompatibilityTest / AvroSchemaTest cases (every level).
 */
import { describe, expect, it } from "vitest";
import { toNode, type AvroField, type AvroNode } from "../../lib/avro/model.ts";
import { agreement, loadCases, report } from "../reference-cases.ts";

const cases = loadCases(new URL("./cases.json", import.meta.url));
const result = agreement(cases);

/** Deliberate disagreements, each explained in docs/schema-compatibility.md (Avro). */
const DOCUMENTED: string[] = [];

/** The field path (`a.b[]`) an Avro Java location (`/fields/1/type/items`) points at in the reader. */
function fieldPath(reader: AvroNode, location: string): string {
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

describe("Avro reference agreement", () => {
  it("agrees with Avro Java's SchemaCompatibility on at least 99% of the ported cases", () => {
    console.log(report("AVRO", result));
    expect(cases.length).toBe(177);
    expect(result.percent).toBeGreaterThanOrEqual(99);
    expect(result.disagreements.map((d) => d.source)).toEqual(DOCUMENTED);
  });

  it("names the field path in every incompatible verdict", () => {
    let checkedPaths = 0;
    cases.forEach((c, i) => {
      const verdict = result.verdicts[i]!;
      if (verdict.compatible || c.expected.compatible) return;
      for (const message of verdict.messages) expect(message, c.source).toMatch(/^(field "[^"]+"|the top-level schema)/);
      const reader = toNode(JSON.parse(c.candidate), new Map());
      for (const location of c.expected.paths ?? []) {
        const path = fieldPath(reader, location);
        if (path === "") continue; // the top level: every message names a place, checked above
        checkedPaths++;
        expect(verdict.messages.some((m) => m.startsWith(`field "${path}`)), `${c.source}: ${location} -> ${path} in ${verdict.messages.join(" | ")}`).toBe(true);
      }
    });
    expect(checkedPaths).toBe(21);
  });
});
