/**
 * Confluent's ArraySchemaDiff: the all-items schema, the tuple items with the same content-model
 * rules as objects (open: additional items allowed and unconstrained; partially open: they must
 * match `additionalItems` / `unevaluatedItems`; closed), and the numeric keywords.
 */
import type { Context } from "./context.ts";
import type { Schema, SchemaOf } from "./model.ts";
import { isEmptyLike } from "./model.ts";
import { compareUnevaluated } from "./object-diff.ts";
import { compareBound } from "./scalar-diff.ts";
import { compare } from "./schema-diff.ts";

type ArrayNode = SchemaOf<"array">;

export function compareArrays(ctx: Context, original: ArrayNode, update: ArrayNode): void {
  ctx.within(["items"], () => compare(ctx, original.allItems, update.allItems));
  compareTuples(ctx, original, update);
  compareAdditional(ctx, original, update);
  compareUnevaluated(ctx, original.unevaluated, update.unevaluated, "unevaluatedItems", "ITEMS");
  compareBound(ctx, "maxItems", original.maxItems, update.maxItems, {
    added: "MAX_ITEMS_ADDED", removed: "MAX_ITEMS_REMOVED", increased: "MAX_ITEMS_INCREASED", decreased: "MAX_ITEMS_DECREASED",
  });
  compareBound(ctx, "minItems", original.minItems, update.minItems, {
    added: "MIN_ITEMS_ADDED", removed: "MIN_ITEMS_REMOVED", increased: "MIN_ITEMS_INCREASED", decreased: "MIN_ITEMS_DECREASED",
  });
  if (original.uniqueItems !== update.uniqueItems) ctx.addAt("uniqueItems", original.uniqueItems ? "UNIQUE_ITEMS_REMOVED" : "UNIQUE_ITEMS_ADDED");
  compareBound(ctx, "maxContains", original.maxContains, update.maxContains, {
    added: "MAX_CONTAINS_ADDED", removed: "MAX_CONTAINS_REMOVED", increased: "MAX_CONTAINS_INCREASED", decreased: "MAX_CONTAINS_DECREASED",
  });
  compareBound(ctx, "minContains", original.minContains, update.minContains, {
    added: "MIN_CONTAINS_ADDED", removed: "MIN_CONTAINS_REMOVED", increased: "MIN_CONTAINS_INCREASED", decreased: "MIN_CONTAINS_DECREASED",
  });
}

function compareAdditional(ctx: Context, original: ArrayNode, update: ArrayNode): void {
  ctx.within(["additionalItems"], () => {
    if (original.permitsAdditional !== update.permitsAdditional) {
      ctx.add(original.permitsAdditional ? "ADDITIONAL_ITEMS_REMOVED" : "ADDITIONAL_ITEMS_ADDED");
    } else if (original.additionalSchema === undefined && update.additionalSchema !== undefined) {
      ctx.add("ADDITIONAL_ITEMS_NARROWED");
    } else if (update.additionalSchema === undefined && original.additionalSchema !== undefined) {
      ctx.add("ADDITIONAL_ITEMS_EXTENDED");
    } else {
      compare(ctx, original.additionalSchema, update.additionalSchema);
    }
  });
}

function compareTuples(ctx: Context, original: ArrayNode, update: ArrayNode): void {
  const o = original.itemSchemas ?? [];
  const u = update.itemSchemas ?? [];
  const common = Math.min(o.length, u.length);
  for (let i = 0; i < common; i++) ctx.within(["items", String(i)], () => compare(ctx, o[i], u[i]));
  for (let i = common; i < o.length; i++) {
    const removed = o[i]!;
    ctx.within(["items", String(i)], () => {
      if (isOpenContentModel(update)) return ctx.add("ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL");
      const partial = schemaFromPartiallyOpenContentModel(update);
      if (partial !== undefined) {
        const sub = ctx.sub();
        compare(sub, removed, partial);
        ctx.addAll(sub.differences);
        return ctx.add(sub.isCompatible() ? "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" : "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL");
      }
      ctx.add(removed.kind === "false" ? "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL" : "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL");
    });
  }
  for (let i = common; i < u.length; i++) {
    const added = u[i]!;
    ctx.within(["items", String(i)], () => {
      if (isOpenContentModel(original)) return ctx.add(isEmptyLike(added) ? "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL" : "ITEM_ADDED_TO_OPEN_CONTENT_MODEL");
      const partial = schemaFromPartiallyOpenContentModel(original);
      if (partial !== undefined) {
        const sub = ctx.sub();
        compare(sub, partial, added);
        ctx.addAll(sub.differences);
        return ctx.add(sub.isCompatible() ? "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" : "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL");
      }
      ctx.add("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL");
    });
  }
}

function isOpenContentModel(s: ArrayNode): boolean {
  if (!s.permitsAdditional || s.additionalSchema !== undefined) return false;
  return s.unevaluated === undefined || isEmptyLike(s.unevaluated);
}

function schemaFromPartiallyOpenContentModel(s: ArrayNode): Schema | undefined {
  if (s.additionalSchema !== undefined) return s.additionalSchema;
  if (s.permitsAdditional && s.unevaluated !== undefined && s.unevaluated.kind !== "false" && !isEmptyLike(s.unevaluated)) return s.unevaluated;
  return undefined;
}
