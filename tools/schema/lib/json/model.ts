/**
 * The schema model the diff walks: the classes Confluent's json-schema-provider compares (everit's
 * `org.everit.json.schema.*`), one `kind` per class. Two schemas are "of the same type" when their
 * kinds are equal, or when both are combined (allOf/anyOf/oneOf), exactly as `SchemaDiff.
 * schemaTypesEqual` decides; `true` and `{}` are distinct kinds (TrueSchema extends EmptySchema).
 */

/** What every schema carries besides its type-specific keywords. */
export type Common = {
  id?: string;
  title?: string;
  description?: string;
  /** `default` present (everit's `hasDefaultValue()`); `defaultValue` is its value. */
  hasDefault: boolean;
  defaultValue?: unknown;
  /** Keywords no loader consumed (`connect.type`, and in drafts 4-7 `minContains`...). */
  unprocessed: Record<string, unknown>;
  /** The JSON this schema was loaded from: duplicate subschemas of a combined schema collapse on it. */
  raw: unknown;
};

export type StringSchema = { kind: "string"; minLength?: number; maxLength?: number; pattern?: string };

export type NumberSchema = {
  kind: "number";
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  requiresInteger: boolean;
};

export type ObjectSchema = {
  kind: "object";
  properties: Map<string, Schema>;
  required: Set<string>;
  /** false when `additionalProperties: false`. */
  permitsAdditional: boolean;
  additionalSchema?: Schema;
  /** pattern source -> schema, in document order. */
  patternProperties: [string, Schema][];
  propertyDependencies: Map<string, Set<string>>;
  schemaDependencies: Map<string, Schema>;
  minProperties?: number;
  maxProperties?: number;
  /** 2019-09 / 2020-12 only (drafts 4-7 leave the keyword unprocessed, so it is not compared). */
  unevaluated?: Schema;
};

/** An object schema that constrains nothing yet (everit's ObjectSchema defaults): loaders fill in what the JSON says. Fresh collections on every call. */
export function emptyObjectSchema(): ObjectSchema {
  return {
    kind: "object",
    properties: new Map(),
    required: new Set(),
    permitsAdditional: true,
    patternProperties: [],
    propertyDependencies: new Map(),
    schemaDependencies: new Map(),
  };
}

export type ArraySchema = {
  kind: "array";
  /** `items` as one schema (2020-12: `items` without `prefixItems`). */
  allItems?: Schema;
  /** Tuple `items` (2020-12: `prefixItems`). */
  itemSchemas?: Schema[];
  /** false when `additionalItems: false` (2020-12: `items: false`). */
  permitsAdditional: boolean;
  additionalSchema?: Schema;
  minItems?: number;
  maxItems?: number;
  uniqueItems: boolean;
  minContains?: number;
  maxContains?: number;
  unevaluated?: Schema;
};

export type Criterion = "allOf" | "anyOf" | "oneOf";

export type Schema = Common &
  (
    | { kind: "empty" }
    | { kind: "true" }
    | { kind: "false" }
    | { kind: "boolean" }
    | { kind: "null" }
    | { kind: "conditional" }
    | StringSchema
    | NumberSchema
    | ObjectSchema
    | ArraySchema
    | { kind: "enum"; values: unknown[] }
    | { kind: "const"; value: unknown }
    /** `generated`: made by the 2019-09/2020-12 translator (a `type: [...]` anyOf, an allOf of keywords). */
    | { kind: "combined"; criterion: Criterion; subschemas: Schema[]; generated?: boolean }
    | { kind: "not"; mustNotMatch: Schema }
    | { kind: "ref"; ref: string; target: Schema }
  );

export type Kind = Schema["kind"];
export type SchemaOf<K extends Kind> = Extract<Schema, { kind: K }>;

/** `{}` and `true`: every value is valid (everit's EmptySchema and its subclass TrueSchema). */
export function isEmptyLike(s: Schema): boolean {
  return s.kind === "empty" || s.kind === "true";
}
