/**
 * Drafts 4, 6 and 7 as everit's SchemaLoader builds them, which is what Confluent diffs:
 * - a schema with `$ref` is the reference alone (its siblings other than title/description/
 *   default/$id are ignored);
 * - otherwise extractors run in order, each consuming its keywords: `enum`, `allOf`/`anyOf`/
 *   `oneOf`, `not`, `const` (not draft 4), `type` (an array of types is an anyOf), then a
 *   "sniffer" that builds an array/object/number/string schema from keywords still unconsumed
 *   (and draft 7's if/then/else); no schema -> `{}`, several -> a synthetic allOf of them;
 * - keywords nobody consumed stay "unprocessed" (e.g. `minContains`, `connect.type`).
 */
import { common, pointer, requireArray, requireNumber, requireObject, requireStrings, SchemaLoadError, type LoadContext } from "./load.ts";
import { emptyObjectSchema, type ArraySchema, type Criterion, type NumberSchema, type ObjectSchema, type Schema, type StringSchema } from "./model.ts";

const V6_OBJECT = ["properties", "required", "minProperties", "maxProperties", "dependencies", "patternProperties", "additionalProperties", "propertyNames"];
const V4_OBJECT = V6_OBJECT.filter((k) => k !== "propertyNames");
const V6_ARRAY = ["items", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains"];
const V4_ARRAY = V6_ARRAY.filter((k) => k !== "contains");
const NUMBER = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];
const STRING = ["minLength", "maxLength", "pattern", "format"];
const CONDITIONAL = ["if", "then", "else"];
const CRITERIA: Criterion[] = ["allOf", "anyOf", "oneOf"];

export function loadClassic(json: Record<string, unknown>, where: string, ctx: LoadContext): Schema {
  const remaining = new Set(Object.keys(json));
  const consume = (keys: string[]): void => keys.forEach((k) => remaining.delete(k));
  const has = (key: string): boolean => remaining.has(key);
  const v4 = ctx.draft === "draft4";
  const objectKeywords = v4 ? V4_OBJECT : V6_OBJECT;
  const arrayKeywords = v4 ? V4_ARRAY : V6_ARRAY;

  const extracted: Schema[] = [];
  if (has("$ref")) {
    consume(["$ref"]);
    extracted.push({ ...common(json), kind: "ref", ref: String(json["$ref"]), target: ctx.ref(json, where) });
  } else {
    if (has("enum")) {
      consume(["enum"]);
      extracted.push({ ...common(["enum", json]), kind: "enum", values: requireArray(json["enum"], pointer(where, "enum")) });
    }
    for (const criterion of CRITERIA) {
      if (!has(criterion)) continue;
      consume([criterion]);
      const at = pointer(where, criterion);
      const subschemas = requireArray(json[criterion], at).map((s, i) => ctx.child(s, pointer(at, i)));
      extracted.push({ ...common(json[criterion]), kind: "combined", criterion, subschemas });
    }
    if (has("not")) {
      consume(["not"]);
      extracted.push({ ...common(["not", json]), kind: "not", mustNotMatch: ctx.child(json["not"], pointer(where, "not")) });
    }
    if (!v4 && has("const")) {
      consume(["const"]);
      extracted.push({ ...common(["const", json]), kind: "const", value: json["const"] });
    }
    const build = {
      object: (): Schema => (consume(objectKeywords), objectSchema(json, where, ctx)),
      array: (): Schema => (consume(arrayKeywords), arraySchema(json, where, ctx)),
      number: (integer: boolean): Schema => (consume(NUMBER), numberSchema(json, where, ctx, integer)),
      string: (): Schema => (consume(STRING), stringSchema(json, where)),
    };
    if (has("type")) {
      consume(["type"]);
      const type = json["type"];
      const forType = (t: unknown): Schema => {
        switch (t) {
          case "string":
            return build.string();
          case "integer":
            return build.number(true);
          case "number":
            return build.number(false);
          case "boolean":
            return { ...common(["boolean", json]), kind: "boolean" };
          case "null":
            return { ...common(["null", json]), kind: "null" };
          case "array":
            return build.array();
          case "object":
            return build.object();
          default:
            throw new SchemaLoadError(`${pointer(where, "type")}: unknown type ${JSON.stringify(t)}`);
        }
      };
      if (Array.isArray(type)) {
        extracted.push({ ...common(json["type"]), kind: "combined", criterion: "anyOf", subschemas: type.map(forType) });
      } else {
        extracted.push(forType(type));
      }
    }
    // The sniffer sees only what the extractors above left.
    const any = (keys: string[]): boolean => keys.some(has);
    if (any(arrayKeywords)) extracted.push(build.array());
    if (any(objectKeywords)) extracted.push(build.object());
    if (any(NUMBER)) extracted.push(build.number(false));
    if (any(STRING)) extracted.push(build.string());
    if (ctx.draft === "draft7" && any(CONDITIONAL)) {
      consume(CONDITIONAL);
      for (const k of CONDITIONAL) if (json[k] !== undefined) ctx.child(json[k], pointer(where, k));
      extracted.push({ ...common(["conditional", json]), kind: "conditional" });
    }
  }

  const effective: Schema =
    extracted.length === 0
      ? { ...common(json), kind: "empty" }
      : extracted.length === 1
        ? extracted[0]!
        : { ...common(json), kind: "combined", criterion: "allOf", subschemas: extracted };
  const idKeyword = ctx.draft === "draft4" ? "id" : "$id";
  for (const [key, apply] of [
    [idKeyword, (v: unknown) => typeof v === "string" && (effective.id = v)],
    ["title", (v: unknown) => typeof v === "string" && (effective.title = v)],
    ["description", (v: unknown) => typeof v === "string" && (effective.description = v)],
    ["default", (v: unknown) => ((effective.hasDefault = true), (effective.defaultValue = v))],
  ] as const) {
    if (!has(key)) continue;
    consume([key]);
    apply(json[key]);
  }
  if (ctx.draft === "draft7") consume(["readOnly", "writeOnly"]);
  effective.unprocessed = Object.fromEntries([...remaining].map((k) => [k, json[k]]));
  effective.raw = json;
  // everit keeps minContains/maxContains as unprocessed numbers of the schema that holds them.
  if (effective.kind === "array") {
    if (typeof effective.unprocessed["minContains"] === "number") effective.minContains = effective.unprocessed["minContains"];
    if (typeof effective.unprocessed["maxContains"] === "number") effective.maxContains = effective.unprocessed["maxContains"];
  }
  return effective;
}

function isSchemaJson(v: unknown): boolean {
  return typeof v === "boolean" || (typeof v === "object" && v !== null && !Array.isArray(v));
}

function objectSchema(json: Record<string, unknown>, where: string, ctx: LoadContext): ObjectSchema & Schema {
  const s: ObjectSchema & Schema = {
    ...common(["object", json]),
    ...emptyObjectSchema(),
  };
  const idKeyword = ctx.draft === "draft4" ? "id" : "$id";
  if (json["minProperties"] !== undefined) s.minProperties = requireNumber(json["minProperties"], pointer(where, "minProperties"));
  if (json["maxProperties"] !== undefined) s.maxProperties = requireNumber(json["maxProperties"], pointer(where, "maxProperties"));
  if (json["properties"] !== undefined) {
    const at = pointer(where, "properties");
    for (const [name, value] of Object.entries(requireObject(json["properties"], at))) {
      // everit skips a property named like the id keyword unless it holds an object.
      if (name === idKeyword && (typeof value !== "object" || value === null)) continue;
      s.properties.set(name, ctx.child(value, pointer(at, name)));
    }
  }
  const additional = json["additionalProperties"];
  if (typeof additional === "boolean") s.permitsAdditional = additional;
  else if (additional !== undefined) s.additionalSchema = ctx.child(requireObject(additional, pointer(where, "additionalProperties")), pointer(where, "additionalProperties"));
  if (json["required"] !== undefined) for (const r of requireStrings(json["required"], pointer(where, "required"))) s.required.add(r);
  if (json["patternProperties"] !== undefined) {
    const at = pointer(where, "patternProperties");
    for (const [pattern, value] of Object.entries(requireObject(json["patternProperties"], at))) {
      s.patternProperties.push([pattern, ctx.child(value, pointer(at, pattern))]);
    }
  }
  if (json["dependencies"] !== undefined) {
    const at = pointer(where, "dependencies");
    for (const [name, value] of Object.entries(requireObject(json["dependencies"], at))) {
      if (isSchemaJson(value)) s.schemaDependencies.set(name, ctx.child(value, pointer(at, name)));
      else s.propertyDependencies.set(name, new Set(requireStrings(value, pointer(at, name))));
    }
  }
  if (ctx.draft !== "draft4" && json["propertyNames"] !== undefined) ctx.child(json["propertyNames"], pointer(where, "propertyNames"));
  return s;
}

function arraySchema(json: Record<string, unknown>, where: string, ctx: LoadContext): ArraySchema & Schema {
  const s: ArraySchema & Schema = { ...common(["array", json]), kind: "array", permitsAdditional: true, uniqueItems: false };
  if (json["minItems"] !== undefined) s.minItems = requireNumber(json["minItems"], pointer(where, "minItems"));
  if (json["maxItems"] !== undefined) s.maxItems = requireNumber(json["maxItems"], pointer(where, "maxItems"));
  if (json["uniqueItems"] === true) s.uniqueItems = true;
  const additional = json["additionalItems"];
  if (typeof additional === "boolean") s.permitsAdditional = additional;
  else if (additional !== undefined) s.additionalSchema = ctx.child(requireObject(additional, pointer(where, "additionalItems")), pointer(where, "additionalItems"));
  const items = json["items"];
  if (Array.isArray(items)) s.itemSchemas = items.map((item, i) => ctx.child(item, pointer(pointer(where, "items"), i)));
  else if (items !== undefined) s.allItems = ctx.child(items, pointer(where, "items"));
  if (ctx.draft !== "draft4" && json["contains"] !== undefined) ctx.child(json["contains"], pointer(where, "contains"));
  return s;
}

function numberSchema(json: Record<string, unknown>, where: string, ctx: LoadContext, integer: boolean): NumberSchema & Schema {
  const s: NumberSchema & Schema = { ...common([integer ? "integer" : "number", json]), kind: "number", requiresInteger: integer };
  if (json["minimum"] !== undefined) s.minimum = requireNumber(json["minimum"], pointer(where, "minimum"));
  if (json["maximum"] !== undefined) s.maximum = requireNumber(json["maximum"], pointer(where, "maximum"));
  if (json["multipleOf"] !== undefined) {
    s.multipleOf = requireNumber(json["multipleOf"], pointer(where, "multipleOf"));
    if (s.multipleOf === 0) throw new SchemaLoadError(`${pointer(where, "multipleOf")}: multipleOf should not be 0`);
  }
  // Draft 4's boolean exclusiveMinimum/exclusiveMaximum modify minimum/maximum and set no limit.
  if (ctx.draft !== "draft4") {
    if (json["exclusiveMinimum"] !== undefined) s.exclusiveMinimum = requireNumber(json["exclusiveMinimum"], pointer(where, "exclusiveMinimum"));
    if (json["exclusiveMaximum"] !== undefined) s.exclusiveMaximum = requireNumber(json["exclusiveMaximum"], pointer(where, "exclusiveMaximum"));
  }
  return s;
}

function stringSchema(json: Record<string, unknown>, where: string): StringSchema & Schema {
  const s: StringSchema & Schema = { ...common(["string", json]), kind: "string" };
  if (json["minLength"] !== undefined) s.minLength = requireNumber(json["minLength"], pointer(where, "minLength"));
  if (json["maxLength"] !== undefined) s.maxLength = requireNumber(json["maxLength"], pointer(where, "maxLength"));
  if (json["pattern"] !== undefined) {
    if (typeof json["pattern"] !== "string") throw new SchemaLoadError(`${pointer(where, "pattern")}: must be a string`);
    s.pattern = json["pattern"];
  }
  return s;
}
