/**
 * JSON Schema text -> the model the diff compares, the way Confluent's `JsonSchema.rawSchema()`
 * builds it: drafts 4, 6 and 7 (and an unknown or absent `$schema`, taken as draft 7) the way
 * everit's `SchemaLoader` does (load-classic.ts); 2019-09 and 2020-12 the way json-sKema plus
 * Confluent's `SchemaTranslator` do (load-modern.ts). `$ref`s are resolved while loading, so a
 * reference that resolves nowhere makes the schema invalid, as in the registry.
 */
import { errorText, type Parsed, type References } from "../checker.ts";
import { loadClassic } from "./load-classic.ts";
import { loadModern } from "./load-modern.ts";
import type { Common, Schema } from "./model.ts";
import { isObject, RefResolver } from "./refs.ts";

export type Draft = "draft4" | "draft6" | "draft7" | "modern";

/** What a keyword loader needs from the document being loaded. */
export interface LoadContext {
  draft: Draft;
  /** Loads the subschema at `json` (`where` names it in errors). */
  child(json: unknown, where: string): Schema;
  /** Loads the target of the `$ref` held by `holder`, sharing one node per target (recursion). */
  ref(holder: Record<string, unknown>, where: string): Schema;
}

export class SchemaLoadError extends Error {}

const DRAFT_URLS: Record<string, Draft> = {
  "http://json-schema.org/draft-04/schema": "draft4",
  "https://json-schema.org/draft-04/schema": "draft4",
  "http://json-schema.org/schema": "draft4",
  "https://json-schema.org/schema": "draft4",
  "http://json-schema.org/draft-06/schema": "draft6",
  "https://json-schema.org/draft-06/schema": "draft6",
  "http://json-schema.org/draft-07/schema": "draft7",
  "https://json-schema.org/draft-07/schema": "draft7",
  "http://json-schema.org/draft/2019-09/schema": "modern",
  "https://json-schema.org/draft/2019-09/schema": "modern",
  "http://json-schema.org/draft/2020-12/schema": "modern",
  "https://json-schema.org/draft/2020-12/schema": "modern",
};

/** Confluent's SpecificationVersion.getFromUrl: exact URL, one trailing `#` allowed; otherwise draft 7. */
export function draftOf(root: unknown): Draft {
  if (!isObject(root) || typeof root["$schema"] !== "string") return "draft7";
  const url = root["$schema"].endsWith("#") ? root["$schema"].slice(0, -1) : root["$schema"];
  return DRAFT_URLS[url] ?? "draft7";
}

export function loadJsonSchema(text: string, references?: References): Parsed<Schema> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON: ${errorText(error)}` };
  }
  if (typeof json !== "boolean" && !isObject(json)) return { ok: false, error: "a JSON Schema must be an object or a boolean" };
  try {
    const resolver = new RefResolver(json, references);
    const loader = new Loader(draftOf(json), resolver);
    // The root through the same cache as $ref targets, so that `$ref: "#"` is the root itself
    // (everit loads the root once more first, which only repeats the same differences deeper).
    return { ok: true, value: typeof json === "boolean" ? loader.child(json, "#") : loader.target(json, "#") };
  } catch (error) {
    return { ok: false, error: errorText(error) };
  }
}

class Loader implements LoadContext {
  /** One node per JSON object reached through `$ref`, so that recursive schemas stay finite. */
  private readonly byTarget = new Map<object, Schema>();

  readonly draft: Draft;
  private readonly resolver: RefResolver;

  constructor(draft: Draft, resolver: RefResolver) {
    this.draft = draft;
    this.resolver = resolver;
  }

  child(json: unknown, where: string): Schema {
    if (json === true || json === false) return { ...common(json), kind: json ? "true" : "false" };
    if (!isObject(json)) throw new SchemaLoadError(`${where}: a schema must be an object or a boolean`);
    return this.draft === "modern" ? loadModern(json, where, this) : loadClassic(json, where, this);
  }

  ref(holder: Record<string, unknown>, where: string): Schema {
    const ref = holder["$ref"];
    if (typeof ref !== "string") throw new SchemaLoadError(`${where}: $ref must be a string`);
    const target = this.resolver.resolve(holder, ref);
    if (!target.ok) throw new SchemaLoadError(`${where}: ${target.error}`);
    const value = target.value;
    return typeof value === "boolean" ? this.child(value, ref) : this.target(value, ref);
  }

  target(value: Record<string, unknown>, where: string): Schema {
    const known = this.byTarget.get(value);
    if (known !== undefined) return known;
    // Registered before it is filled in: a $ref back to it (recursion) gets this same node.
    const node = {} as Schema;
    this.byTarget.set(value, node);
    Object.assign(node, this.child(value, where));
    return node;
  }
}

export function common(raw: unknown): Common {
  return { hasDefault: false, unprocessed: {}, raw };
}

export function requireNumber(value: unknown, where: string): number {
  if (typeof value !== "number") throw new SchemaLoadError(`${where}: must be a number`);
  return value;
}

export function requireStrings(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === "string")) {
    throw new SchemaLoadError(`${where}: must be an array of strings`);
  }
  return value;
}

export function requireArray(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new SchemaLoadError(`${where}: must be an array`);
  return value;
}

export function requireObject(value: unknown, where: string): Record<string, unknown> {
  if (!isObject(value)) throw new SchemaLoadError(`${where}: must be an object`);
  return value;
}

export function pointer(where: string, key: string | number): string {
  return `${where}/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`;
}
