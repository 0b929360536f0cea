/**
 * Confluent's ObjectSchemaDiff, with its content-model rules. An object schema's content model is
 * open (undeclared properties allowed: no `additionalProperties` schema or `false`, no
 * `patternProperties`, `unevaluatedProperties` absent or true), closed, or partially open (what
 * is undeclared must match a `patternProperties`, `additionalProperties` or
 * `unevaluatedProperties` schema). Removing a property is safe only if the reader (update) still
 * accepts it; adding one is safe only if the writer (original) could not have written it
 * differently, so adding a property to an open model is incompatible under the strict policy.
 */
import type { Context } from "./context.ts";
import type { Schema, SchemaOf } from "./model.ts";
import { isEmptyLike } from "./model.ts";
import { compareBound } from "./scalar-diff.ts";
import { compare } from "./schema-diff.ts";

type ObjectNode = SchemaOf<"object">;

export function compareObjects(ctx: Context, original: ObjectNode, update: ObjectNode): void {
  compareRequired(ctx, original, update);
  compareProperties(ctx, original, update);
  compareDependencies(ctx, original, update);
  compareAdditional(ctx, original, update);
  compareUnevaluated(ctx, original.unevaluated, update.unevaluated, "unevaluatedProperties", "PROPERTIES");
  compareBound(ctx, "maxProperties", original.maxProperties, update.maxProperties, {
    added: "MAX_PROPERTIES_ADDED", removed: "MAX_PROPERTIES_REMOVED", increased: "MAX_PROPERTIES_INCREASED", decreased: "MAX_PROPERTIES_DECREASED",
  });
  compareBound(ctx, "minProperties", original.minProperties, update.minProperties, {
    added: "MIN_PROPERTIES_ADDED", removed: "MIN_PROPERTIES_REMOVED", increased: "MIN_PROPERTIES_INCREASED", decreased: "MIN_PROPERTIES_DECREASED",
  });
}

function compareAdditional(ctx: Context, original: ObjectNode, update: ObjectNode): void {
  ctx.within(["additionalProperties"], () => {
    if (original.permitsAdditional !== update.permitsAdditional) {
      ctx.add(update.permitsAdditional ? "ADDITIONAL_PROPERTIES_ADDED" : "ADDITIONAL_PROPERTIES_REMOVED");
    } else if (original.additionalSchema === undefined && update.additionalSchema !== undefined) {
      ctx.add("ADDITIONAL_PROPERTIES_NARROWED");
    } else if (update.additionalSchema === undefined && original.additionalSchema !== undefined) {
      ctx.add("ADDITIONAL_PROPERTIES_EXTENDED");
    } else {
      compare(ctx, original.additionalSchema, update.additionalSchema);
    }
  });
}

/** unevaluatedProperties / unevaluatedItems (2019-09, 2020-12): the same rules for both. */
export function compareUnevaluated(
  ctx: Context,
  original: Schema | undefined,
  update: Schema | undefined,
  keyword: string,
  of: "PROPERTIES" | "ITEMS",
): void {
  if (original === undefined && update === undefined) return;
  const type = (change: "ADDED" | "REMOVED" | "EXTENDED" | "NARROWED") => `UNEVALUATED_${of}_${change}` as const;
  ctx.within([keyword], () => {
    if (original === undefined) ctx.add(type(update?.kind === "false" ? "REMOVED" : "NARROWED"));
    else if (update === undefined) ctx.add(type(original.kind === "false" ? "ADDED" : "EXTENDED"));
    else if (original.kind === "false" && update.kind !== "false") ctx.add(type("ADDED"));
    else if (original.kind !== "false" && update.kind === "false") ctx.add(type("REMOVED"));
    else if (isEmptyLike(original) && !isEmptyLike(update)) ctx.add(type("NARROWED"));
    else if (!isEmptyLike(original) && isEmptyLike(update)) ctx.add(type("EXTENDED"));
    else compare(ctx, original, update);
  });
}

function compareDependencies(ctx: Context, original: ObjectNode, update: ObjectNode): void {
  ctx.within(["dependencies"], () => {
    for (const key of union(original.propertyDependencies.keys(), update.propertyDependencies.keys())) {
      ctx.within([key], () => {
        const o = original.propertyDependencies.get(key);
        const u = update.propertyDependencies.get(key);
        const values = { original: o && [...o], update: u && [...u] };
        if (u === undefined) ctx.add("DEPENDENCY_ARRAY_REMOVED", values);
        else if (o === undefined) ctx.add("DEPENDENCY_ARRAY_ADDED", values);
        else if (!sameSet(o, u)) {
          if ([...o].every((x) => u.has(x))) ctx.add("DEPENDENCY_ARRAY_EXTENDED", values);
          else if ([...u].every((x) => o.has(x))) ctx.add("DEPENDENCY_ARRAY_NARROWED", values);
          else ctx.add("DEPENDENCY_ARRAY_CHANGED", values);
        }
      });
    }
    for (const key of union(original.schemaDependencies.keys(), update.schemaDependencies.keys())) {
      ctx.within([key], () => {
        const o = original.schemaDependencies.get(key);
        const u = update.schemaDependencies.get(key);
        if (u === undefined) ctx.add("DEPENDENCY_SCHEMA_REMOVED");
        else if (o === undefined) ctx.add("DEPENDENCY_SCHEMA_ADDED");
        else compare(ctx, o, u);
      });
    }
  });
}

function compareProperties(ctx: Context, original: ObjectNode, update: ObjectNode): void {
  ctx.within(["properties"], () => {
    for (const key of union(original.properties.keys(), update.properties.keys())) {
      ctx.within([key], () => {
        const o = original.properties.get(key);
        const u = update.properties.get(key);
        if (u === undefined && o !== undefined) {
          // Removing: only the reader's (update's) content model matters.
          if (isOpenContentModel(update)) return ctx.add("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL");
          const partial = schemaFromPartiallyOpenContentModel(update, key);
          if (partial !== undefined) {
            const sub = ctx.sub();
            compare(sub, o, partial);
            ctx.addAll(sub.differences);
            return ctx.add(sub.isCompatible() ? "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" : "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL");
          }
          return ctx.add(o.kind === "false" ? "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL" : "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL");
        }
        if (o === undefined && u !== undefined) {
          // Adding: only the writer's (original's) content model matters.
          if (isOpenContentModel(original)) {
            if (isEmptyLike(u)) return ctx.add("PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL");
            if (update.required.has(key)) {
              return ctx.add(u.hasDefault ? "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL" : "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL");
            }
            return ctx.add("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL");
          }
          const partial = schemaFromPartiallyOpenContentModel(original, key);
          if (partial !== undefined) {
            const sub = ctx.sub();
            compare(sub, partial, u);
            ctx.addAll(sub.differences);
            ctx.add(sub.isCompatible() ? "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL" : "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL");
          }
          if (update.required.has(key)) {
            return ctx.add(u.hasDefault ? "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL" : "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL");
          }
          return ctx.add("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL");
        }
        compare(ctx, o, u);
      });
    }
  });
}

function compareRequired(ctx: Context, original: ObjectNode, update: ObjectNode): void {
  ctx.within(["required"], () => {
    for (const key of original.properties.keys()) {
      const u = update.properties.get(key);
      if (u === undefined) continue;
      const wasRequired = original.required.has(key);
      const isRequired = update.required.has(key);
      if (wasRequired && !isRequired) ctx.addAt(key, "REQUIRED_ATTRIBUTE_REMOVED");
      else if (!wasRequired && isRequired) ctx.addAt(key, u.hasDefault ? "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED" : "REQUIRED_ATTRIBUTE_ADDED");
    }
  });
}

export function isOpenContentModel(s: ObjectNode): boolean {
  if (!s.permitsAdditional || s.additionalSchema !== undefined || s.patternProperties.length > 0) return false;
  return s.unevaluated === undefined || isEmptyLike(s.unevaluated);
}

function schemaFromPartiallyOpenContentModel(s: ObjectNode, key: string): Schema | undefined {
  for (const [pattern, schema] of s.patternProperties) if (matches(pattern, key)) return schema;
  if (s.additionalSchema !== undefined) return s.additionalSchema;
  if (s.permitsAdditional && s.unevaluated !== undefined && s.unevaluated.kind !== "false" && !isEmptyLike(s.unevaluated)) {
    return s.unevaluated;
  }
  return undefined;
}

/** Java's `Pattern.matcher(key).find()`; a pattern JavaScript cannot compile matches nothing. */
function matches(pattern: string, key: string): boolean {
  try {
    return new RegExp(pattern, "u").test(key);
  } catch {
    try {
      return new RegExp(pattern).test(key);
    } catch {
      return false;
    }
  }
}

export function union<T>(a: Iterable<T>, b: Iterable<T>): T[] {
  return [...new Set([...a, ...b])];
}

function sameSet<T>(a: Set<T>, b: Set<T>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}
