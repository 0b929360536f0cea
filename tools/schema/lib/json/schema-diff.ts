/**
 * Confluent's `SchemaDiff.compare`: the hub every per-type diff recurses through. `original` is
 * the schema the data was written with, `update` the schema that must read it (a backward check
 * compares old -> new; a forward check new -> old).
 */
import { deepCompareStrict } from "@cfworker/json-schema";
import { compareArrays } from "./array-diff.ts";
import { compareCombined } from "./combined-diff.ts";
import { Context, newShared, samePairs, type Shared } from "./context.ts";
import { COMPATIBLE_CHANGES, type Difference, type Policy } from "./difference.ts";
import type { Schema } from "./model.ts";
import { isEmptyLike } from "./model.ts";
import { compareObjects } from "./object-diff.ts";
import { compareConst, compareEnum, compareNot, compareNumbers, compareStrings } from "./scalar-diff.ts";

/** A comparison that keeps needing another fixpoint pass is cut here (each pass only grows the seed). */
const MAX_PASSES = 64;

export function diffSchemas(original: Schema, update: Schema, policy: Policy = "STRICT"): Difference[] {
  let seed: Shared["seed"] = new Map();
  for (let pass = 0; ; pass++) {
    const shared = newShared(seed);
    const ctx = new Context(COMPATIBLE_CHANGES[policy], shared);
    compare(ctx, original, update);
    const incompatible = ctx.incompatiblePairs();
    if (!shared.optimism.used || samePairs(incompatible, seed) || pass >= MAX_PASSES) return ctx.differences;
    seed = incompatible;
  }
}

export function compare(ctx: Context, original: Schema | undefined, update: Schema | undefined): void {
  if (original === undefined && update === undefined) return;
  if (original === undefined) return ctx.add("SCHEMA_ADDED");
  if (update === undefined) return ctx.add("SCHEMA_REMOVED");
  const o = normalize(original);
  const u = normalize(update);
  ctx.addRebased(ctx.compareMemoized(o, u, (sub) => compareTypes(sub, o, u)));
}

/** A reference compares as what it refers to. */
function normalize(schema: Schema): Schema {
  let s = schema;
  const seen = new Set<Schema>();
  while (s.kind === "ref" && !seen.has(s)) {
    seen.add(s);
    s = s.target;
  }
  return s;
}

export function sameType(a: Schema, b: Schema): boolean {
  return a.kind === b.kind || (a.kind === "combined" && b.kind === "combined");
}

function compareTypes(ctx: Context, original: Schema, update: Schema): void {
  if (original.kind !== "combined" && update.kind === "combined") {
    if (update.subschemas.length === 1) {
      // A singleton union is its one branch.
      const sub = ctx.sub();
      compare(sub, original, update.subschemas[0]);
      if (sub.isCompatible()) return ctx.addAll(sub.differences);
    } else if (update.criterion === "anyOf" || update.criterion === "oneOf") {
      for (const branch of update.subschemas) {
        const sub = ctx.sub();
        compare(sub, original, branch);
        if (sub.isCompatible()) {
          ctx.addAll(sub.differences);
          return ctx.add("SUM_TYPE_EXTENDED");
        }
      }
    }
  } else if (original.kind === "combined" && update.kind !== "combined") {
    if (original.subschemas.length === 1) {
      const sub = ctx.sub();
      compare(sub, original.subschemas[0], update);
      if (sub.isCompatible()) return ctx.addAll(sub.differences);
    } else if (original.criterion === "allOf") {
      for (const branch of original.subschemas) {
        const sub = ctx.sub();
        compare(sub, branch, update);
        if (sub.isCompatible()) {
          ctx.addAll(sub.differences);
          return ctx.add("PRODUCT_TYPE_NARROWED");
        }
      }
    }
  }

  if (!sameType(original, update)) {
    // Nothing was written (false), or anything is read ({} and true).
    if (original.kind === "false" || isEmptyLike(update)) return;
    // Kafka Connect's decimals moved from string to number, both tagged connect.type "bytes".
    if (original.unprocessed["connect.type"] === "bytes" && update.unprocessed["connect.type"] === "bytes") return;
    return ctx.add("TYPE_CHANGED", { original: describeKind(original), update: describeKind(update) });
  }

  if (original.id !== update.id) ctx.add("ID_CHANGED", { original: original.id, update: update.id });
  if (original.title !== update.title) ctx.add("TITLE_CHANGED", { original: original.title, update: update.title });
  if (original.description !== update.description) ctx.add("DESCRIPTION_CHANGED");
  if (original.hasDefault !== update.hasDefault || !deepCompareStrict(original.defaultValue, update.defaultValue)) {
    ctx.add("DEFAULT_CHANGED", { original: original.defaultValue, update: update.defaultValue });
  }

  switch (original.kind) {
    case "string":
      return compareStrings(ctx, original, update as typeof original);
    case "number":
      return compareNumbers(ctx, original, update as typeof original);
    case "const":
      return compareConst(ctx, original, update as typeof original);
    case "enum":
      return compareEnum(ctx, original, update as typeof original);
    case "combined":
      return compareCombined(ctx, original, update as typeof original);
    case "not":
      return compareNot(ctx, original, update as typeof original);
    case "object":
      return compareObjects(ctx, original, update as typeof original);
    case "array":
      return compareArrays(ctx, original, update as typeof original);
    default:
      return;
  }
}

/** The type a schema accepts, for messages. */
export function describeKind(s: Schema): string {
  switch (s.kind) {
    case "number":
      return s.requiresInteger ? "integer" : "number";
    case "empty":
    case "true":
      return "any value";
    case "false":
      return "no value";
    case "combined": {
      // `type: ["string", "null"]` reads as anyOf [string, null].
      const branches = s.subschemas.map((b) => (b.kind === "combined" ? b.criterion : describeKind(b)));
      return `${s.criterion} [${branches.length > 4 ? `${branches.slice(0, 4).join(", ")}, ...` : branches.join(", ")}]`;
    }
    case "conditional":
      return "if/then/else";
    case "ref":
      return `$ref ${s.ref}`;
    default:
      return s.kind;
  }
}
