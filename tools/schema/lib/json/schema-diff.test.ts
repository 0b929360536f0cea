/** The diff on its own: decimals, recursion, cycles and the fixpoint; and the loaders' draft rules. */
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

describe("diffSchemas", () => {
  it("multipleOf compares as decimals", () => {
    // 3 / 0.2 and 0.7 / 0.1 are not whole numbers in binary floating point.
    expect(changes({ type: "number", multipleOf: 0.2 }, { type: "number", multipleOf: 3 })).toEqual(["MULTIPLE_OF_EXPANDED #/multipleOf"]);
    expect(changes({ type: "number", multipleOf: 0.1 }, { type: "number", multipleOf: 0.7 })).toEqual(["MULTIPLE_OF_EXPANDED #/multipleOf"]);
    expect(changes({ type: "number", multipleOf: 0.7 }, { type: "number", multipleOf: 0.1 })).toEqual(["MULTIPLE_OF_REDUCED #/multipleOf"]);
    expect(changes({ type: "number", multipleOf: 1.5 }, { type: "number", multipleOf: 1.5 })).toEqual([]);
  });

  it("the empty schema to an object schema is a type change", () => {
    expect(changes({}, { minProperties: 1 })).toEqual(["TYPE_CHANGED #/"]);
    expect(changes({}, { required: ["id"] })).toEqual(["TYPE_CHANGED #/"]);
  });

  it('two schemas tagged "connect.type": "bytes" are interchangeable (Kafka Connect decimals)', () => {
    const price = (type: string, tagged: boolean) => ({
      type: "object",
      properties: { price: { type, ...(tagged && { title: "org.apache.kafka.connect.data.Decimal", "connect.type": "bytes" }) } },
    });
    expect(changes(price("number", true), price("string", true))).toEqual([]);
    expect(changes(price("number", false), price("string", false))).toEqual(["TYPE_CHANGED #/properties/price"]);
  });

  // An org chart: every employee has reports, who are employees.
  const orgChart = (staffNo: string) => ({
    $schema: "http://json-schema.org/draft-04/schema#",
    type: "object",
    properties: { ceo: { $ref: "#/definitions/Employee" } },
    definitions: {
      Employee: {
        type: "object",
        properties: { staffNo: { type: staffNo }, name: { type: "string" }, reports: { type: "array", items: { $ref: "#/definitions/Employee" } } },
        required: ["staffNo"],
      },
    },
  });

  it("a recursive schema against itself has no difference; a change inside it is found once per way in", () => {
    expect(changes(orgChart("integer"), orgChart("integer"))).toEqual([]);
    expect(changes(orgChart("integer"), orgChart("string"))).toEqual([
      "TYPE_CHANGED #/properties/ceo/properties/staffNo",
      "TYPE_CHANGED #/properties/ceo/properties/reports/items/properties/staffNo",
    ]);
  });

  // A file tree whose every node kind points at a parent and a target of any kind.
  const KINDS = ["File", "Directory", "Symlink", "Socket", "Fifo", "Device", "Mount", "Snapshot", "Volume", "Archive"];
  const anyNode = () => ({ oneOf: KINDS.map((k) => ({ $ref: `#/definitions/${k}` })) });
  const fileTree = (symlinkSize: string) => ({
    type: "object",
    definitions: Object.fromEntries(
      KINDS.map((k) => [k, { type: "object", properties: { size: { type: k === "Symlink" ? symlinkSize : "integer" }, parent: anyNode(), target: anyNode() } }]),
    ),
    properties: { path: { type: "string" }, root: anyNode() },
  });

  it("a recursive oneOf of ten kinds terminates, and a change deep inside it is found", () => {
    expect(changes(fileTree("integer"), fileTree("integer"))).toEqual([]);
    expect(incompatible(fileTree("integer"), fileTree("string"))).toBe(true);
  });

  it("memoization across branches does not mask an incompatibility behind a recursive cycle", () => {
    // Debit and Credit swap `code` types: crosswise (Debit <- Credit, Credit <- Debit) they read
    // each other at the first level, but both lead through Ledger back to Debit, whose code
    // changed integer -> string. One memoized pass caches that pair as compatible while the
    // cycle is cut; the fixpoint pass finds it (with a single pass this case is "compatible").
    const journal = (debit: string, credit: string) => ({
      type: "object",
      definitions: {
        Debit: { type: "object", properties: { code: { type: debit }, memo: { type: "string" }, link: { oneOf: [{ $ref: "#/definitions/Ledger" }] } } },
        Credit: { type: "object", properties: { code: { type: credit }, memo: { type: "string" }, link: { oneOf: [{ $ref: "#/definitions/Ledger" }] } } },
        Ledger: { type: "object", properties: { code: { type: "integer" }, link: { oneOf: [{ $ref: "#/definitions/Debit" }] } } },
      },
      properties: { entry: { oneOf: [{ $ref: "#/definitions/Debit" }, { $ref: "#/definitions/Credit" }] } },
    });
    expect(changes(journal("integer", "string"), journal("string", "number"))).toEqual(["COMBINED_TYPE_SUBSCHEMAS_CHANGED #/properties/entry"]);
  });

  it("a 2020-12 schema with a circular $ref through oneOf (11 kinds x 5 relations, $ref beside properties) terminates", () => {
    // A catalog entry is one of many kinds; each kind relates to entries or pointers to them.
    const defs: Record<string, unknown> = {
      Pointer: { type: "object", properties: { href: { type: "string", format: "uri" } }, required: ["href"] },
      Entity: { type: "object", properties: { label: { type: "string" } } },
      EntityOrPointer: { oneOf: [{ $ref: "#/$defs/Pointer" }, { $ref: "#/$defs/Catalog" }] },
      Catalog: { oneOf: Array.from({ length: 11 }, (_, i) => ({ $ref: `#/$defs/Kind${i}` })) },
    };
    for (let i = 0; i < 11; i++) {
      const properties: Record<string, unknown> = Object.fromEntries(Array.from({ length: 5 }, (_, r) => [`rel${r}`, { $ref: "#/$defs/EntityOrPointer" }]));
      properties["kind"] = { const: `kind-${i}` };
      defs[`Kind${i}`] = { $ref: "#/$defs/Entity", type: "object", properties, required: ["kind"] };
    }
    const schema = { $schema: "https://json-schema.org/draft/2020-12/schema", $defs: defs, $ref: "#/$defs/Catalog" };
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
    const flags = (minContains: number) => ({ type: "array", contains: { const: "urgent" }, minContains });
    expect(changes(flags(2), flags(3))).toEqual(["MIN_CONTAINS_INCREASED #/minContains"]);
  });

  it("rejects an unknown type and a non-schema", () => {
    expect(loadJsonSchema(JSON.stringify({ type: "text" }))).toEqual({ ok: false, error: '#/type: unknown type "text"' });
    expect(loadJsonSchema(JSON.stringify({ properties: { a: 3 } }))).toEqual({ ok: false, error: "#/properties/a: a schema must be an object or a boolean" });
  });
});
