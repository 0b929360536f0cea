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
import { compare, sameType } from "./schema-diff.ts";

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
  // Per original branch, the incompatible differences of its closest update branch (for the message).
  const closest: ({ rank: number; misses: readonly Difference[] } | undefined)[] = o.map(() => undefined);
  o.forEach((branch, i) => {
    ctx.within([original.criterion, String(i)], () => {
      u.forEach((candidate, j) => {
        const sub = ctx.sub();
        compare(sub, branch, candidate);
        if (sub.isCompatible()) edges[i]![j] = sub.differences;
        // Closest: a branch of the same type first, then the fewest incompatible differences,
        // then the branch at the same position.
        const misses = sub.differences.filter((d) => !ctx.compatibleChanges.has(d.type));
        const rank = (sameType(branch, candidate) ? 0 : 10_000) + 2 * misses.length + (i === j ? 0 : 1);
        if (misses.length > 0 && (closest[i] === undefined || rank < closest[i]!.rank)) closest[i] = { rank, misses };
      });
    });
  });
  // Same-type pairs first, so that what stays unmatched is the branch that really changed.
  const matching = maximumMatching(o.length, u.length, (i, j) => edges[i]![j] !== undefined, (i, j) => sameType(o[i]!, u[j]!));
  for (const [i, j] of matching) ctx.addAll(edges[i]![j]!);
  if (matching.length < Math.min(o.length, u.length)) {
    const matched = new Set(matching.map(([i]) => i));
    const depth = ctx.depth;
    const because = closest
      .flatMap((c, i) => (matched.has(i) || c === undefined ? [] : c.misses.slice(0, 1)))
      .slice(0, 2)
      .map((d) => ({ ...d, path: d.path.slice(depth) }));
    ctx.add("COMBINED_TYPE_SUBSCHEMAS_CHANGED", { because });
  }
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

/**
 * Maximum bipartite matching by augmenting paths (Confluent uses Hopcroft-Karp: the same
 * cardinality). Preferred edges are matched first; augmenting from that matching still reaches
 * the maximum.
 */
export function maximumMatching(
  left: number,
  right: number,
  edge: (i: number, j: number) => boolean,
  preferred: (i: number, j: number) => boolean = () => true,
): [number, number][] {
  const matchOfRight: (number | undefined)[] = new Array(right).fill(undefined);
  const matchOfLeft: (number | undefined)[] = new Array(left).fill(undefined);
  const augment = (i: number, usable: (i: number, j: number) => boolean, visited: boolean[]): boolean => {
    for (let j = 0; j < right; j++) {
      if (!usable(i, j) || visited[j]) continue;
      visited[j] = true;
      const other = matchOfRight[j];
      if (other === undefined || augment(other, usable, visited)) {
        matchOfRight[j] = i;
        matchOfLeft[i] = j;
        return true;
      }
    }
    return false;
  };
  const first = (i: number, j: number): boolean => edge(i, j) && preferred(i, j);
  for (let i = 0; i < left; i++) augment(i, first, new Array(right).fill(false));
  for (let i = 0; i < left; i++) if (matchOfLeft[i] === undefined) augment(i, edge, new Array(right).fill(false));
  return matchOfRight.flatMap((i, j) => (i === undefined ? [] : [[i, j] as [number, number]]));
}
