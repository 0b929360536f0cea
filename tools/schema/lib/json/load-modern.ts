/**
 * Drafts 2019-09 and 2020-12 as Confluent builds them: json-sKema loads one schema per keyword and
 * Confluent's SchemaTranslator folds them back into everit schemas. Each keyword becomes a small
 * schema (`properties` -> an object schema per property, `maxLength` -> a string schema,
 * `prefixItems` -> a tuple array, `items` -> the all-items schema or, after `prefixItems`, the
 * additional-items schema, `$ref` -> a reference beside its siblings...). They are joined left to
 * right: two array/number/object/string schemas merge; a schema of a type listed in a generated
 * `type: [...]` anyOf merges into that branch; anything else makes a generated allOf. A schema
 * with no keyword is `{}`; `properties: {}` alone is no keyword at all.
 */
import { common, pointer, requireArray, requireNumber, requireObject, requireStrings, SchemaLoadError, type LoadContext } from "./load.ts";
import { emptyObjectSchema, type ArraySchema, type Criterion, type NumberSchema, type ObjectSchema, type Schema, type StringSchema } from "./model.ts";

/** Keywords json-sKema reads without producing a schema Confluent compares. */
const IGNORED = new Set([
  "$schema", "$id", "$anchor", "$dynamicAnchor", "$recursiveAnchor", "$vocabulary", "$comment", "format", "readOnly",
  "writeOnly", "deprecated", "examples", "contentEncoding", "contentMediaType", "contentSchema", "minContains", "maxContains",
  "title", "description", "default", "then", "else",
]);

type Typed<K extends Schema["kind"]> = Extract<Schema, { kind: K }>;

export function loadModern(json: Record<string, unknown>, where: string, ctx: LoadContext): Schema {
  const children: Schema[] = [];
  const unprocessed: Record<string, unknown> = {};
  const at = (key: string): string => pointer(where, key);
  const raw = (key: string): unknown => ["keyword", key, json[key]];
  for (const [key, value] of Object.entries(json)) {
    if (IGNORED.has(key)) continue;
    switch (key) {
      case "type":
        if (Array.isArray(value)) {
          const subschemas = value.map((t) => typeSchema(t, at(key), value));
          children.push({ ...common(value), kind: "combined", criterion: "anyOf", subschemas, generated: true });
        } else {
          children.push(typeSchema(value, at(key), value));
        }
        break;
      case "properties":
        for (const [name, sub] of Object.entries(requireObject(value, at(key)))) {
          children.push(object(raw(key), { properties: new Map([[name, ctx.child(sub, pointer(at(key), name))]]) }));
        }
        break;
      case "required":
        children.push(object(raw(key), { required: new Set(requireStrings(value, at(key))) }));
        break;
      case "additionalProperties": {
        const sub = ctx.child(value, at(key));
        children.push(object(raw(key), sub.kind === "false" ? { permitsAdditional: false } : sub.kind === "true" ? {} : { additionalSchema: sub }));
        break;
      }
      case "patternProperties":
        for (const [pattern, sub] of Object.entries(requireObject(value, at(key)))) {
          children.push(object(raw(key), { patternProperties: [[pattern, ctx.child(sub, pointer(at(key), pattern))]] }));
        }
        break;
      case "minProperties":
      case "maxProperties":
        children.push(object(raw(key), { [key]: requireNumber(value, at(key)) }));
        break;
      case "dependentRequired": {
        const deps = new Map<string, Set<string>>();
        for (const [name, list] of Object.entries(requireObject(value, at(key)))) deps.set(name, new Set(requireStrings(list, pointer(at(key), name))));
        children.push(object(raw(key), { propertyDependencies: deps }));
        break;
      }
      case "dependentSchemas": {
        const deps = new Map<string, Schema>();
        for (const [name, sub] of Object.entries(requireObject(value, at(key)))) deps.set(name, ctx.child(sub, pointer(at(key), name)));
        children.push(object(raw(key), { schemaDependencies: deps }));
        break;
      }
      case "propertyNames":
        ctx.child(value, at(key));
        children.push(object(raw(key), {}));
        break;
      case "unevaluatedProperties":
        children.push(object(raw(key), { unevaluated: ctx.child(value, at(key)) }));
        break;
      case "items": {
        const sub = ctx.child(value, at(key));
        const afterPrefix = Array.isArray(json["prefixItems"]) && json["prefixItems"].length > 0;
        children.push(
          array(raw(key), sub.kind === "false" ? { permitsAdditional: false } : sub.kind === "true" ? {} : afterPrefix ? { additionalSchema: sub } : { allItems: sub }),
        );
        break;
      }
      case "prefixItems":
        children.push(array(raw(key), { itemSchemas: requireArray(value, at(key)).map((s, i) => ctx.child(s, pointer(at(key), i))) }));
        break;
      case "contains": {
        ctx.child(value, at(key));
        const props: Partial<ArraySchema> = { minContains: json["minContains"] === undefined ? 1 : requireNumber(json["minContains"], at("minContains")) };
        if (json["maxContains"] !== undefined) props.maxContains = requireNumber(json["maxContains"], at("maxContains"));
        children.push(array(raw(key), props));
        break;
      }
      case "minItems":
      case "maxItems":
        children.push(array(raw(key), { [key]: requireNumber(value, at(key)) }));
        break;
      case "uniqueItems":
        children.push(array(raw(key), { uniqueItems: value === true }));
        break;
      case "unevaluatedItems":
        children.push(array(raw(key), { unevaluated: ctx.child(value, at(key)) }));
        break;
      case "minLength":
      case "maxLength":
        children.push(string(raw(key), { [key]: requireNumber(value, at(key)) }));
        break;
      case "pattern":
        if (typeof value !== "string") throw new SchemaLoadError(`${at(key)}: must be a string`);
        children.push(string(raw(key), { pattern: value }));
        break;
      case "minimum":
      case "maximum":
      case "exclusiveMinimum":
      case "exclusiveMaximum":
        children.push(number(raw(key), { [key]: requireNumber(value, at(key)) }));
        break;
      case "multipleOf": {
        const m = requireNumber(value, at(key));
        if (m <= 0) throw new SchemaLoadError(`${at(key)}: multipleOf must be greater than 0`);
        children.push(number(raw(key), { multipleOf: m }));
        break;
      }
      case "enum":
        children.push({ ...common(raw(key)), kind: "enum", values: requireArray(value, at(key)) });
        break;
      case "const":
        children.push({ ...common(raw(key)), kind: "const", value });
        break;
      case "allOf":
      case "anyOf":
      case "oneOf": {
        const subschemas = requireArray(value, at(key)).map((s, i) => ctx.child(s, pointer(at(key), i)));
        children.push({ ...common(value), kind: "combined", criterion: key as Criterion, subschemas });
        break;
      }
      case "not":
        children.push({ ...common(raw(key)), kind: "not", mustNotMatch: ctx.child(value, at(key)) });
        break;
      case "if":
        for (const k of ["if", "then", "else"]) if (json[k] !== undefined) ctx.child(json[k], at(k));
        children.push({ ...common(raw(key)), kind: "conditional" });
        break;
      case "$ref":
        children.push({ ...common(raw(key)), kind: "ref", ref: String(value), target: ctx.ref(json, where) });
        break;
      default:
        unprocessed[key] = value;
    }
  }

  let effective: Schema = children.reduce<Schema | undefined>((acc, current) => (acc === undefined ? current : join(acc, current)), undefined) ?? {
    ...common(json),
    kind: "empty",
  };
  if (isGenerated(effective, "allOf") && effective.kind === "combined" && effective.subschemas.length === 1) effective = effective.subschemas[0]!;
  // A fresh node: the keyword schemas may be shared (a lone $ref's target must not be touched).
  effective = { ...effective, raw: json, unprocessed: { ...effective.unprocessed, ...unprocessed } };
  if (typeof json["title"] === "string") effective.title = json["title"];
  if (typeof json["description"] === "string") effective.description = json["description"];
  // json-sKema's `default: null` is a JSON null, which the translator turns into "no default".
  if (json["default"] !== undefined && json["default"] !== null) {
    effective.hasDefault = true;
    effective.defaultValue = json["default"];
  }
  return effective;
}

function typeSchema(type: unknown, where: string, raw: unknown): Schema {
  switch (type) {
    case "string":
      return string(["type", type, raw], {});
    case "integer":
      return number(["type", type, raw], { requiresInteger: true });
    case "number":
      return number(["type", type, raw], {});
    case "boolean":
      return { ...common(["type", type, raw]), kind: "boolean" };
    case "null":
      return { ...common(["type", type, raw]), kind: "null" };
    case "array":
      return array(["type", type, raw], {});
    case "object":
      return object(["type", type, raw], {});
    default:
      throw new SchemaLoadError(`${where}: unknown type ${JSON.stringify(type)}`);
  }
}

function object(raw: unknown, props: Partial<ObjectSchema>): Typed<"object"> {
  return {
    ...common(raw),
    ...emptyObjectSchema(),
    ...props,
  };
}

function array(raw: unknown, props: Partial<ArraySchema>): Typed<"array"> {
  return { ...common(raw), kind: "array", permitsAdditional: true, uniqueItems: false, ...props };
}

function number(raw: unknown, props: Partial<NumberSchema>): Typed<"number"> {
  return { ...common(raw), kind: "number", requiresInteger: false, ...props };
}

function string(raw: unknown, props: Partial<StringSchema>): Typed<"string"> {
  return { ...common(raw), kind: "string", ...props };
}

/** The translator's generated combined schemas (`type: [...]` anyOf, the keywords' allOf). */
function isGenerated(s: Schema, criterion: Criterion): boolean {
  return s.kind === "combined" && s.criterion === criterion && s.generated === true;
}

const MERGEABLE = new Set(["array", "number", "object", "string"]);

/** SchemaTranslator.SchemaContext.join, for the keywords of one schema. */
function join(acc: Schema, current: Schema): Schema {
  if (acc.kind === current.kind && MERGEABLE.has(acc.kind)) return merge(acc, current);
  if (acc.kind === "combined" && isGenerated(acc, "anyOf") && containsType(acc.subschemas, current)) {
    return generated("anyOf", accumulate([...acc.subschemas], current));
  }
  if (current.kind === "combined" && isGenerated(current, "anyOf") && containsType(current.subschemas, acc)) {
    return generated("anyOf", accumulate([...current.subschemas], acc));
  }
  return generated("allOf", [...flatten(acc), ...flatten(current)].reduce<Schema[]>((list, s) => accumulate(list, s), []));
}

function generated(criterion: Criterion, subschemas: Schema[]): Schema {
  return { ...common(["generated", criterion]), kind: "combined", criterion, subschemas, generated: true };
}

function flatten(s: Schema): Schema[] {
  return s.kind === "combined" && isGenerated(s, "allOf") ? s.subschemas : [s];
}

function containsType(list: Schema[], s: Schema): boolean {
  return list.some((x) => x.kind === s.kind || (x.kind === "combined" && s.kind === "combined"));
}

function accumulate(list: Schema[], current: Schema): Schema[] {
  const i = list.findIndex((s) => s.kind === current.kind && MERGEABLE.has(s.kind));
  if (i >= 0) list[i] = merge(list[i]!, current);
  else list.push(current);
  return list;
}

/** SchemaUtils.merge for two schemas of one mergeable kind: `b`'s keywords added to `a`'s. */
function merge(a: Schema, b: Schema): Schema {
  const base = { ...a, unprocessed: { ...a.unprocessed, ...b.unprocessed } } as Schema;
  if (base.kind === "object" && b.kind === "object") {
    return {
      ...base,
      properties: new Map([...base.properties, ...b.properties]),
      required: new Set([...base.required, ...b.required]),
      permitsAdditional: base.permitsAdditional && b.permitsAdditional,
      additionalSchema: b.additionalSchema ?? base.additionalSchema,
      patternProperties: [...base.patternProperties, ...b.patternProperties],
      propertyDependencies: mergeDependencies(base.propertyDependencies, b.propertyDependencies),
      schemaDependencies: new Map([...base.schemaDependencies, ...b.schemaDependencies]),
      minProperties: b.minProperties ?? base.minProperties,
      maxProperties: b.maxProperties ?? base.maxProperties,
      unevaluated: b.unevaluated ?? base.unevaluated,
    } as Schema;
  }
  if (base.kind === "array" && b.kind === "array") {
    return {
      ...base,
      allItems: b.allItems ?? base.allItems,
      itemSchemas: b.itemSchemas || base.itemSchemas ? [...(base.itemSchemas ?? []), ...(b.itemSchemas ?? [])] : undefined,
      permitsAdditional: base.permitsAdditional && b.permitsAdditional,
      additionalSchema: b.additionalSchema ?? base.additionalSchema,
      minItems: b.minItems ?? base.minItems,
      maxItems: b.maxItems ?? base.maxItems,
      uniqueItems: base.uniqueItems || b.uniqueItems,
      minContains: b.minContains ?? base.minContains,
      maxContains: b.maxContains ?? base.maxContains,
      unevaluated: b.unevaluated ?? base.unevaluated,
    } as Schema;
  }
  if (base.kind === "number" && b.kind === "number") {
    return {
      ...base,
      minimum: b.minimum ?? base.minimum,
      maximum: b.maximum ?? base.maximum,
      exclusiveMinimum: b.exclusiveMinimum ?? base.exclusiveMinimum,
      exclusiveMaximum: b.exclusiveMaximum ?? base.exclusiveMaximum,
      multipleOf: b.multipleOf ?? base.multipleOf,
      requiresInteger: base.requiresInteger || b.requiresInteger,
    } as Schema;
  }
  if (base.kind === "string" && b.kind === "string") {
    return { ...base, minLength: b.minLength ?? base.minLength, maxLength: b.maxLength ?? base.maxLength, pattern: b.pattern ?? base.pattern } as Schema;
  }
  return base;
}

function mergeDependencies(a: Map<string, Set<string>>, b: Map<string, Set<string>>): Map<string, Set<string>> {
  const out = new Map([...a].map(([k, v]) => [k, new Set(v)]));
  for (const [k, v] of b) out.set(k, new Set([...(out.get(k) ?? []), ...v]));
  return out;
}
