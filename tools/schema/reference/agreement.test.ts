/**
 * checkCompatibility against the project's own corpus (./cases): every change class of issue 8,
 * accepted and refused, for JSON Schema, Protobuf and Avro. The corpus is ours, written from the
 * documented rules, so the expected agreement is 100% and every incompatible verdict must name
 * the paths the case states. (The upstream projects' test data is measured out of CI:
 * agreement.ts.)
 */
import { describe, expect, it } from "vitest";
import type { SchemaType } from "../../../contract/vocabulary.ts";
import { createJsonChecker } from "../lib/json-schema.ts";
import { AVRO_CASES, AVRO_CLASSES } from "./cases/avro.ts";
import { classOf } from "./cases/build.ts";
import { JSON_CASES, JSON_CLASSES } from "./cases/json.ts";
import { PROTOBUF_CASES, PROTOBUF_CLASSES } from "./cases/protobuf.ts";
import { agreement, namesPath, unnamedPaths, verdictOf, type ReferenceCase } from "./reference-cases.ts";

const SUITES: Array<{ type: SchemaType; cases: ReferenceCase[]; classes: readonly string[]; size: number }> = [
  { type: "JSON", cases: JSON_CASES, classes: JSON_CLASSES, size: 104 },
  { type: "PROTOBUF", cases: PROTOBUF_CASES, classes: PROTOBUF_CLASSES, size: 38 },
  { type: "AVRO", cases: AVRO_CASES, classes: AVRO_CLASSES, size: 42 },
];

describe.each(SUITES)("own corpus, $type", ({ type, cases, classes, size }) => {
  const result = agreement(cases);

  it("agrees on every case", () => {
    expect(cases.length).toBe(size);
    expect(cases.every((c) => c.schemaType === type)).toBe(true);
    expect(result.disagreements.map((d) => `${d.source}: ${d.description}: ${d.verdict.messages.join(" | ")}`)).toEqual([]);
    expect(result.percent).toBe(100);
  });

  it("covers each change class with a compatible and an incompatible case", () => {
    expect([...new Set(cases.map(classOf))].filter((c) => !classes.includes(c))).toEqual([]);
    const missing = classes.flatMap((cls) => {
      const mine = cases.filter((c) => classOf(c) === cls);
      return [mine.some((c) => c.expected.compatible) ? [] : [`${cls}: no compatible case`], mine.some((c) => !c.expected.compatible) ? [] : [`${cls}: no incompatible case`]].flat();
    });
    expect(missing).toEqual([]);
  });

  it("every incompatible verdict names exactly the paths its case states, and the rule", () => {
    expect(unnamedPaths(cases, result.verdicts, { exact: () => true, requirePaths: true })).toEqual([]);
  });

  it("the same pair asked the other way round as FORWARD gives the same verdict", () => {
    // A stored version is read as the registry holds it; as a candidate it is validated, so the
    // class that pins that difference cannot be turned round.
    const turnable = cases.filter((c) => c.level === "BACKWARD" && c.existing.length === 1 && classOf(c) !== "stored-union-default");
    expect(turnable.length).toBeGreaterThan(size / 2);
    const wrong = turnable.filter((c) => {
      const old = c.existing[0]!;
      const turned: ReferenceCase = {
        ...c,
        level: "FORWARD",
        candidate: old.schema,
        references: old.references ?? {},
        existing: [{ version: 1, schema: c.candidate, ...(c.references && { references: c.references }) }],
      };
      return verdictOf(turned).compatible !== c.expected.compatible;
    });
    expect(wrong.map((c) => c.source)).toEqual([]);
  });
});

describe("own corpus, JSON Schema LENIENT policy", () => {
  it("gives the lenient verdict each case pins", () => {
    const lenient = createJsonChecker({ policy: "LENIENT" });
    const pinned = JSON_CASES.filter((c) => c.expected.lenient !== undefined);
    expect(pinned.length).toBe(11);
    expect(pinned.filter((c) => c.expected.lenient).length).toBe(6);
    const wrong = pinned.filter((c) => {
      const candidate = lenient.parse(c.candidate, c.references && new Map(Object.entries(c.references)));
      const old = lenient.parse(c.existing.at(-1)!.schema);
      if (!candidate.ok || !old.ok) return true;
      return (lenient.compare(candidate.value, old.value, ["backward"]).length === 0) !== c.expected.lenient;
    });
    expect(wrong.map((c) => c.source)).toEqual([]);
  });
});

describe("namesPath", () => {
  it("matches each type's notation and nothing beside it", () => {
    const json = 'property "w": maximum 70 -> 30 (narrowed) [MAXIMUM_DECREASED at #/properties/w/maximum]: readers of the new schema cannot read old data';
    expect(namesPath("JSON", json, "#/properties/w/maximum")).toBe(true);
    expect(namesPath("JSON", json, "#/properties/w")).toBe(false);
    expect(namesPath("PROTOBUF", "#/Payment/2 field ...", "#/Payment/2")).toBe(true);
    expect(namesPath("PROTOBUF", "#/Payment/21 field ...", "#/Payment/2")).toBe(false);
    expect(namesPath("AVRO", 'field "lines[].qty" type changed', "lines")).toBe(true);
    expect(namesPath("AVRO", 'field "lines[].qty" type changed', "lines[].qty")).toBe(true);
    expect(namesPath("AVRO", 'field "linesTotal" type changed', "lines")).toBe(false);
    expect(namesPath("AVRO", "the top-level schema type changed", "")).toBe(true);
    expect(namesPath("AVRO", 'field "x" type changed', "")).toBe(false);
  });
});
