/**
 * Confluent's CombinedSchemaDiff: allOf/anyOf/oneOf against allOf/anyOf/oneOf. The criterion may
 * only widen (to anyOf; between singletons; a singleton to oneOf; allOf to a singleton), the sum
 * types (anyOf/oneOf) may gain branches and the product type (allOf) may lose some, and the
 * branches must pair up compatibly: a maximum matching of compatible (original, update) branch
 * pairs has to cover the smaller side.
 */
import type { Context } from "./context.ts";
import type { Difference } from "./difference.ts";
import type { Schema, SchemaOf } from "./model.ts";
import { compare } from "./schema-diff.ts";

type Combined = SchemaOf<"combined">;

export function compareCombined(ctx: Context, original: Combined, update: Combined): void {
  if (!compareCriteria(ctx, original, update)) return;
  // Identical branches count once.
  const o = distinct(original.subschemas);
  const u = distinct(update.subschemas);
  if (o.length < u.length) ctx.add(update.criterion === "allOf" ? "PRODUCT_TYPE_EXTENDED" : "SUM_TYPE_EXTENDED");
  else if (o.length > u.length) ctx.add(original.criterion === "allOf" ? "PRODUCT_TYPE_NARROWED" : "SUM_TYPE_NARROWED");

  // edges[i][j]: the (compatible) differences of original branch i read as update branch j.
  const edges: (readonly Difference[] | undefined)[][] = o.map(() => u.map(() => undefined));
  o.forEach((branch, i) => {
    ctx.within([original.criterion, String(i)], () => {
      u.forEach((candidate, j) => {
        const sub = ctx.sub();
        compare(sub, branch, candidate);
        if (sub.isCompatible()) edges[i]![j] = sub.differences;
      });
    });
  });
  const matching = maximumMatching(o.length, u.length, (i, j) => edges[i]![j] !== undefined);
  for (const [i, j] of matching) ctx.addAll(edges[i]![j]!);
  if (matching.length < Math.min(o.length, u.length)) ctx.add("COMBINED_TYPE_SUBSCHEMAS_CHANGED");
}

/** false when the criterion changed incompatibly (nothing more is compared). */
function compareCriteria(ctx: Context, original: Combined, update: Combined): boolean {
  if (original.criterion === update.criterion) return true;
  const single = (s: Combined): boolean => s.subschemas.length === 1;
  const extended =
    update.criterion === "anyOf" ||
    (single(original) && single(update)) ||
    (single(original) && update.criterion === "oneOf") ||
    (single(update) && original.criterion === "allOf");
  ctx.add(extended ? "COMBINED_TYPE_EXTENDED" : "COMBINED_TYPE_CHANGED", { original: original.criterion, update: update.criterion });
  return extended;
}

function distinct(schemas: Schema[]): Schema[] {
  const seen = new Set<string>();
  return schemas.filter((s) => {
    const key = canonical(s.raw);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** JSON with sorted keys: two subschemas written alike are the same branch. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Maximum bipartite matching by augmenting paths (Confluent uses Hopcroft-Karp; same cardinality). */
export function maximumMatching(left: number, right: number, edge: (i: number, j: number) => boolean): [number, number][] {
  const matchOfRight: (number | undefined)[] = new Array(right).fill(undefined);
  const augment = (i: number, visited: boolean[]): boolean => {
    for (let j = 0; j < right; j++) {
      if (!edge(i, j) || visited[j]) continue;
      visited[j] = true;
      const other = matchOfRight[j];
      if (other === undefined || augment(other, visited)) {
        matchOfRight[j] = i;
        return true;
      }
    }
    return false;
  };
  for (let i = 0; i < left; i++) augment(i, new Array(right).fill(false));
  return matchOfRight.flatMap((i, j) => (i === undefined ? [] : [[i, j] as [number, number]]));
}
