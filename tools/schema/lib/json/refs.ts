/**
 * `$ref` resolution, local and to other schemas (other subjects, passed in as `References`).
 *
 * @cfworker/json-schema's `dereference` indexes every subschema of a document by its absolute URI
 * (`$id`, `$anchor`, and `base#/json/pointer`), resolving each `$ref` against the base URI in
 * scope; it is synchronous, which `Checker.parse` needs. What it does not index (a pointer into a
 * keyword it does not know as a schema, e.g. `#/components/schemas/X` in some layouts) falls back
 * to evaluating the JSON pointer in the document the URI names.
 *
 * Like Confluent's `JsonSchema` loader: a referenced schema is registered under its reference
 * name resolved against the root's base, and top-level `definitions` are also reachable as
 * `$defs` (its `mergeDefBuckets`), so `#/$defs/X` finds a body kept under `definitions`.
 */
import { dereference } from "@cfworker/json-schema";
import type { References } from "../checker.ts";

/** The base of a schema without `$id` (json-sKema's `mem://input`). */
const BASE = new URL("mem://input/");

type Json = boolean | Record<string, unknown>;

export class RefResolver {
  private readonly lookup: Record<string, unknown> = Object.create(null);
  /** Document URI (no fragment) -> document, for pointers the index does not hold. */
  private readonly documents = new Map<string, unknown>();
  private readonly rootBase: URL;

  constructor(root: Json, references: References = new Map()) {
    this.rootBase = isObject(root) && typeof root["$id"] === "string" ? safeUrl(root["$id"], BASE) ?? BASE : BASE;
    this.add(root, BASE);
    for (const [name, text] of references) {
      const url = safeUrl(name, this.rootBase);
      if (url === undefined) throw new Error(`reference "${name}" is not a valid URI`);
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (error) {
        throw new Error(`referenced schema "${name}" is not JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (typeof doc !== "boolean" && !isObject(doc)) throw new Error(`referenced schema "${name}" must be an object or a boolean`);
      this.add(doc, url);
      url.hash = "";
      // A referenced schema with its own $id is indexed under that $id: keep its name too.
      this.lookup[url.href] ??= doc;
      this.documents.set(url.href, doc);
    }
  }

  private add(doc: Json, base: URL): void {
    if (isObject(doc)) bridgeDefinitions(doc);
    dereference(doc as never, this.lookup as never, base);
    const docUrl = new URL(base.href);
    docUrl.hash = "";
    this.documents.set(docUrl.href, doc);
    const id = isObject(doc) && typeof doc["$id"] === "string" ? safeUrl(doc["$id"], base) : undefined;
    if (id !== undefined) {
      id.hash = "";
      this.documents.set(id.href, doc);
    }
  }

  /** The JSON the `$ref` of `holder` (an object of a loaded document) points to, or an error. */
  resolve(holder: Record<string, unknown>, ref: string): { ok: true; value: Json } | { ok: false; error: string } {
    // dereference() records each $ref it visited, resolved against the base in scope.
    const absolute = typeof holder["__absolute_ref__"] === "string" ? holder["__absolute_ref__"] : safeUrl(ref, BASE)?.href;
    if (absolute === undefined) return { ok: false, error: `$ref "${ref}" is not a valid URI` };
    const indexed = this.lookup[absolute];
    if (typeof indexed === "boolean" || isObject(indexed)) return { ok: true, value: indexed };
    const hash = absolute.indexOf("#");
    const docUri = hash < 0 ? absolute : absolute.slice(0, hash);
    const pointer = hash < 0 ? "" : decodePercent(absolute.slice(hash + 1));
    if (pointer === undefined) return { ok: false, error: `$ref "${ref}": its fragment is not a valid URI fragment` };
    const doc = this.documents.get(docUri);
    if (doc === undefined) {
      return { ok: false, error: `$ref "${ref}": no schema "${docUri.replace(BASE.href, "")}" among the references` };
    }
    const target = evaluatePointer(doc, pointer);
    if (typeof target === "boolean" || isObject(target)) return { ok: true, value: target };
    return { ok: false, error: `$ref "${ref}": "${pointer}" not found in ${docUri.replace(BASE.href, "") || "the schema"}` };
  }
}

function decodePercent(fragment: string): string | undefined {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return undefined;
  }
}

/** RFC 6901 (`""` is the whole document). */
function evaluatePointer(doc: unknown, pointer: string): unknown {
  if (pointer === "") return doc;
  if (!pointer.startsWith("/")) return undefined;
  let current: unknown = doc;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(current)) current = current[Number(key)];
    else if (isObject(current)) current = current[key];
    else return undefined;
  }
  return current;
}

/** Confluent's mergeDefBuckets: top-level `definitions` entries also under `$defs` (existing `$defs` win). */
function bridgeDefinitions(doc: Record<string, unknown>): void {
  const definitions = doc["definitions"];
  if (!isObject(definitions) || Object.keys(definitions).length === 0) return;
  const defs = doc["$defs"];
  if (defs !== undefined && !isObject(defs)) return;
  // Non-enumerable so that the schema's own keywords (and its canonical form) are unchanged.
  const merged: Record<string, unknown> = { ...definitions, ...(defs ?? {}) };
  Object.defineProperty(doc, "$defs", { value: merged, enumerable: defs !== undefined, writable: true, configurable: true });
}

function safeUrl(ref: string, base: URL): URL | undefined {
  try {
    return new URL(ref, base);
  } catch {
    return undefined;
  }
}

export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
