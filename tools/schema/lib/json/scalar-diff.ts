/** Confluent's StringSchemaDiff, NumberSchemaDiff, EnumSchemaDiff, ConstSchemaDiff and NotSchemaDiff. */
import { deepCompareStrict } from "@cfworker/json-schema";
import type { Context } from "./context.ts";
import type { DifferenceType } from "./difference.ts";
import type { SchemaOf } from "./model.ts";
import { compare } from "./schema-diff.ts";

type Bound = { added: DifferenceType; removed: DifferenceType; increased: DifferenceType; decreased: DifferenceType };

function bound(prefix: string): Bound {
  return {
    added: `${prefix}_ADDED` as DifferenceType,
    removed: `${prefix}_REMOVED` as DifferenceType,
    increased: `${prefix}_INCREASED` as DifferenceType,
    decreased: `${prefix}_DECREASED` as DifferenceType,
  };
}

/** One numeric keyword: added, removed, increased or decreased from original to update. */
export function compareBound(ctx: Context, keyword: string, original: number | undefined, update: number | undefined, types: Bound): void {
  if (original === update) return;
  const values = { original, update };
  if (original === undefined) ctx.addAt(keyword, types.added, values);
  else if (update === undefined) ctx.addAt(keyword, types.removed, values);
  else if (original < update) ctx.addAt(keyword, types.increased, values);
  else if (original > update) ctx.addAt(keyword, types.decreased, values);
}

export function compareStrings(ctx: Context, original: SchemaOf<"string">, update: SchemaOf<"string">): void {
  compareBound(ctx, "maxLength", original.maxLength, update.maxLength, bound("MAX_LENGTH"));
  compareBound(ctx, "minLength", original.minLength, update.minLength, bound("MIN_LENGTH"));
  const values = { original: original.pattern, update: update.pattern };
  if (original.pattern === undefined && update.pattern !== undefined) ctx.addAt("pattern", "PATTERN_ADDED", values);
  else if (original.pattern !== undefined && update.pattern === undefined) ctx.addAt("pattern", "PATTERN_REMOVED", values);
  else if (original.pattern !== update.pattern) ctx.addAt("pattern", "PATTERN_CHANGED", values);
}

export function compareNumbers(ctx: Context, original: SchemaOf<"number">, update: SchemaOf<"number">): void {
  compareBound(ctx, "maximum", original.maximum, update.maximum, bound("MAXIMUM"));
  compareBound(ctx, "minimum", original.minimum, update.minimum, bound("MINIMUM"));
  // Confluent compares a decreased exclusiveMaximum with the update's `maximum` (a slip that can
  // miss the narrowing or throw); it is compared with the update's exclusiveMaximum here.
  compareBound(ctx, "exclusiveMaximum", original.exclusiveMaximum, update.exclusiveMaximum, bound("EXCLUSIVE_MAXIMUM"));
  compareBound(ctx, "exclusiveMinimum", original.exclusiveMinimum, update.exclusiveMinimum, bound("EXCLUSIVE_MINIMUM"));
  const o = original.multipleOf;
  const u = update.multipleOf;
  const values = { original: o, update: u };
  if (o !== u) {
    if (o === undefined) ctx.addAt("multipleOf", "MULTIPLE_OF_ADDED", values);
    else if (u === undefined) ctx.addAt("multipleOf", "MULTIPLE_OF_REMOVED", values);
    else if (isMultiple(u, o)) ctx.addAt("multipleOf", "MULTIPLE_OF_EXPANDED", values);
    else if (isMultiple(o, u)) ctx.addAt("multipleOf", "MULTIPLE_OF_REDUCED", values);
    else ctx.addAt("multipleOf", "MULTIPLE_OF_CHANGED", values);
  }
  if (original.requiresInteger !== update.requiresInteger) {
    const kind = (integer: boolean): string => (integer ? "integer" : "number");
    ctx.add(original.requiresInteger ? "TYPE_EXTENDED" : "TYPE_NARROWED", { original: kind(original.requiresInteger), update: kind(update.requiresInteger) });
  }
}

/** Whether `a` is an exact multiple of `b`, in decimal (BigDecimal's remainder), not binary floats. */
function isMultiple(a: number, b: number): boolean {
  const [ma, sa] = decimal(a);
  const [mb, sb] = decimal(b);
  const scale = Math.max(sa, sb);
  const x = ma * 10n ** BigInt(scale - sa);
  const y = mb * 10n ** BigInt(scale - sb);
  return y !== 0n && x % y === 0n;
}

/** n as mantissa * 10^-scale. */
function decimal(n: number): [bigint, number] {
  const [digits = "0", exponent = "0"] = String(n).toLowerCase().split("e");
  const [int = "0", frac = ""] = digits.split(".");
  const scale = frac.length - Number(exponent);
  const mantissa = BigInt(int + frac);
  return scale >= 0 ? [mantissa, scale] : [mantissa * 10n ** BigInt(-scale), 0];
}

function containsAll(values: unknown[], of: unknown[]): boolean {
  return of.every((v) => values.some((w) => deepCompareStrict(v, w)));
}

export function compareEnum(ctx: Context, original: SchemaOf<"enum">, update: SchemaOf<"enum">): void {
  const o = original.values;
  const u = update.values;
  // Compared as sets, like everit's possible values.
  if (containsAll(o, u) && containsAll(u, o)) return;
  const values = { original: o, update: u };
  if (containsAll(u, o)) ctx.addAt("enum", "ENUM_ARRAY_EXTENDED", values);
  else if (containsAll(o, u)) ctx.addAt("enum", "ENUM_ARRAY_NARROWED", values);
  else ctx.addAt("enum", "ENUM_ARRAY_CHANGED", values);
}

export function compareConst(ctx: Context, original: SchemaOf<"const">, update: SchemaOf<"const">): void {
  if (!deepCompareStrict(original.value, update.value)) {
    ctx.addAt("const", "ENUM_ARRAY_CHANGED", { original: original.value, update: update.value });
  }
}

export function compareNot(ctx: Context, original: SchemaOf<"not">, update: SchemaOf<"not">): void {
  ctx.within(["not"], () => {
    // What must not match is compared the other way round.
    const sub = ctx.sub();
    compare(sub, update.mustNotMatch, original.mustNotMatch);
    ctx.add(sub.isCompatible() ? "NOT_TYPE_NARROWED" : "NOT_TYPE_EXTENDED");
  });
}
