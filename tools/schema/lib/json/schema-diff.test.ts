/** Confluent's SchemaDiffTest / CircularRefSchemaDiffTest unit cases, and the loaders' draft rules. */
import { describe, expect, it } from "vitest";
import { COMPATIBLE_CHANGES, jsonPath } from "./difference.ts";
import { loadJsonSchema } from "./load.ts";
import type { Schema } from "./model.ts";
import { diffSchemas } from "./schema-diff.ts";

const load = (schema: unknown): Schema => {
  const parsed = loadJsonSchema(JSON.stringify(schema));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
};
const changes = (original: unknown, update: unknown): string[] => diffSchemas(load(original), load(update)).map((d) => `${d.type} ${jsonPath(d)}`);
const incompatible = (original: unknown, update: unknown): boolean =>
  diffSchemas(load(original), load(update)).some((d) => !COMPATIBLE_CHANGES.STRICT.has(d.type));

describe("diffSchemas (Confluent's SchemaDiffTest)", () => {
  it("multipleOf compares as decimals", () => {
    expect(changes({ type: "number", multipleOf: 0.5 }, { type: "number", multipleOf: 10 })).toEqual(["MULTIPLE_OF_EXPANDED #/multipleOf"]);
    expect(changes({ type: "number", multipleOf: 0.1 }, { type: "number", multipleOf: 0.3 })).toEqual(["MULTIPLE_OF_EXPANDED #/multipleOf"]);
    expect(changes({ type: "number", multipleOf: 0.3 }, { type: "number", multipleOf: 0.1 })).toEqual(["MULTIPLE_OF_REDUCED #/multipleOf"]);
    expect(changes({ type: "number", multipleOf: 0.5 }, { type: "number", multipleOf: 0.5 })).toEqual([]);
  });

  it("an empty schema to an empty object schema is incompatible", () => {
    expect(changes({}, { properties: {} })).toEqual(["TYPE_CHANGED #/"]);
  });

  it("two connect.type bytes schemas are interchangeable", () => {
    const decimal = (type: string) => ({ type, title: "org.apache.kafka.connect.data.Decimal", "connect.version": 1, "connect.type": "bytes" });
    expect(changes(decimal("string"), decimal("number"))).toEqual([]);
  });

  const category = {
    $schema: "http://json-schema.org/draft-04/schema#",
    type: "object",
    properties: { categories: { description: "Test recursive schema.", type: "array", items: { $ref: "#/definitions/Category" } } },
    required: ["categories"],
    definitions: {
      Category: {
        description: "Test category",
        type: "object",
        properties: {
          category_id: { description: "Some description", type: "integer" },
          categories: { description: "All subcategories within this category.", type: "array", items: { $ref: "#/definitions/Category" } },
        },
        required: ["category_id", "categories"],
      },
    },
  };

  it("a recursive schema against itself has no difference", () => {
    expect(changes(category, category)).toEqual([]);
  });

  const TYPES = ["Asset", "Basket", "Swap", "Bond", "Option", "Future", "Forward", "Loan", "Repo", "Equity", "Index", "CommodityLeg"];
  const union = () => ({ oneOf: TYPES.map((t) => ({ $ref: `#/definitions/${t}` })) });
  const trade = (assetId: string) => ({
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "Trade",
    type: "object",
    additionalProperties: true,
    definitions: Object.fromEntries(
      TYPES.map((t) => [
        t,
        { type: "object", properties: { id: { type: t === "Asset" ? assetId : "string" }, underlying: union(), referenceProduct: union() } },
      ]),
    ),
    properties: { tradeId: { type: "string" }, product: union() },
  });

  it("a recursive oneOf of twelve types terminates, and a change deep inside it is found", () => {
    expect(changes(trade("string"), trade("string"))).toEqual([]);
    expect(incompatible(trade("string"), trade("number"))).toBe(true);
  });

  it("memoization across branches does not mask an incompatibility behind a recursive cycle", () => {
    const object = (idType: string, ref: string) => ({
      type: "object",
      additionalProperties: true,
      properties: { id: { type: idType }, ref: { oneOf: [{ $ref: `#/definitions/${ref}` }] } },
    });
    const schema = (t0: string, t1: string) => ({
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      additionalProperties: true,
      definitions: { T0: object(t0, "T2"), T1: object(t1, "T2"), T2: object("integer", "T0") },
      properties: { root: { oneOf: [{ $ref: "#/definitions/T0" }, { $ref: "#/definitions/T1" }] } },
    });
    expect(incompatible(schema("integer", "boolean"), schema("boolean", "number"))).toBe(true);
  });

  it("a 2020-12 schema with a circular $ref through oneOf (12 branches x 5 properties) terminates", () => {
    const defs: Record<string, unknown> = {
      SimpleId: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
      Base: { type: "object", properties: { name: { type: "string" } } },
      ProductOrId: { oneOf: [{ $ref: "#/$defs/SimpleId" }, { $ref: "#/$defs/Product" }] },
      Product: { oneOf: Array.from({ length: 12 }, (_, i) => ({ $ref: `#/$defs/Type${i}` })) },
    };
    for (let i = 0; i < 12; i++) {
      const properties: Record<string, unknown> = Object.fromEntries(Array.from({ length: 5 }, (_, p) => [`ref${p}`, { $ref: "#/$defs/ProductOrId" }]));
      properties["tag"] = { type: "string", const: `type${i}` };
      defs[`Type${i}`] = { $ref: "#/$defs/Base", type: "object", properties, required: ["ref0", "tag"] };
    }
    const schema = { $schema: "https://json-schema.org/draft/2020-12/schema", $defs: defs, $ref: "#/$defs/Product" };
    expect(changes(schema, schema)).toEqual([]);
  });
});

describe("loading, per draft (everit for drafts 4-7, json-sKema + SchemaTranslator for 2019-09/2020-12)", () => {
  it("draft 4: boolean exclusiveMaximum is not a limit; draft 6+: it is one", () => {
    const d4 = (exclusive: boolean) => ({ $schema: "http://json-schema.org/draft-04/schema#", type: "number", maximum: 10, exclusiveMaximum: exclusive });
    expect(changes(d4(false), d4(true))).toEqual([]);
    expect(changes({ type: "number", exclusiveMaximum: 10 }, { type: "number", exclusiveMaximum: 5 })).toEqual(["EXCLUSIVE_MAXIMUM_DECREASED #/exclusiveMaximum"]);
  });

  it("drafts 4-7 ignore the siblings of $ref; 2020-12 applies them", () => {
    const doc = (schema: string | undefined, maxLength: number) => ({
      ...(schema ? { $schema: schema } : {}),
      definitions: { s: { type: "string" } },
      properties: { a: { $ref: "#/definitions/s", maxLength } },
    });
    expect(changes(doc(undefined, 10), doc(undefined, 5))).toEqual([]);
    const modern = "https://json-schema.org/draft/2020-12/schema";
    // [$ref, maxLength] is a generated allOf whose maxLength branch no longer pairs up.
    expect(changes(doc(modern, 10), doc(modern, 5))).toEqual(["COMBINED_TYPE_SUBSCHEMAS_CHANGED #/properties/a"]);
    const [because] = diffSchemas(load(doc(modern, 10)), load(doc(modern, 5)))[0]!.because ?? [];
    expect(because && `${because.type} ${jsonPath(because)}`).toBe("MAX_LENGTH_DECREASED #/allOf/1/maxLength");
  });

  it("a keyword of another type beside `type` makes a synthetic allOf (drafts 4-7)", () => {
    expect(changes({ type: "string", enum: ["a"] }, { type: "string", enum: ["a", "b"] })).toEqual(["ENUM_ARRAY_EXTENDED #/allOf/0/enum"]);
  });

  it("minContains counts in drafts 4-7 only as an unprocessed number of the array schema", () => {
    const arr = (minContains: number) => ({ type: "array", contains: { type: "number" }, minContains });
    expect(changes(arr(1), arr(2))).toEqual(["MIN_CONTAINS_INCREASED #/minContains"]);
  });

  it("rejects an unknown type and a non-schema", () => {
    expect(loadJsonSchema(JSON.stringify({ type: "text" }))).toEqual({ ok: false, error: '#/type: unknown type "text"' });
    expect(loadJsonSchema(JSON.stringify({ properties: { a: 3 } }))).toEqual({ ok: false, error: "#/properties/a: a schema must be an object or a boolean" });
  });
});
