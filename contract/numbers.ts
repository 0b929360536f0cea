/**
 * Numbers as people read them, in one place: finding summaries, evidence, escalation reasons
 * and the rendered report. No text may show NaN or Infinity (a division by an empty window),
 * binary floating-point noise (35.769999999999996) or all seventeen digits of a huge metric
 * (1.7976931348623157e+308): rules and renderers format through these functions, and tools
 * round what they compute with `round` and clean what they pass through with `tidy`.
 */

/** From here on a double has no fractional digits left (2^53), and x * 10^digits may overflow. */
const EXACT = 2 ** 53;

/** x rounded to `digits` decimals, for any magnitude (the naive x * 100 / 100 is Infinity near 1e308). */
export function round(x: number, digits = 2): number {
  if (!Number.isFinite(x) || Math.abs(x) >= EXACT) return x;
  const f = 10 ** digits;
  const r = Math.round(x * f) / f;
  return r === 0 ? 0 : r; // no -0
}

/**
 * x without binary noise, keeping 12 significant digits: 35.769999999999996 -> 35.77, while a
 * recorded 0.0083 or 123456.789 stays exactly as recorded. Non-finite values are returned as is.
 */
export function tidy(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(12)) : x;
}

/** Mantissa without trailing zeros: 1.80e+308 -> 1.8e+308. */
function exponential(x: number, significant: number): string {
  const [mantissa, exponent] = x.toExponential(significant - 1).split("e") as [string, string];
  return `${mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa}e${exponent}`;
}

/**
 * A number for human text: at most `digits` decimals; three significant digits in exponent
 * form from 10^15 up (1.8e+308); two significant digits for a non-zero value too small for
 * `digits` decimals (0.0043 with 2), so it does not print as 0; "n/a" for NaN, "∞" for infinity.
 */
export function formatNumber(x: number, digits = 2): string {
  if (Number.isNaN(x)) return "n/a";
  if (!Number.isFinite(x)) return x > 0 ? "∞" : "-∞";
  if (Math.abs(x) >= 1e15) return exponential(x, 3);
  if (x !== 0 && round(x, digits) === 0) return String(Number(x.toPrecision(2)));
  return String(round(x, digits));
}

/** A ratio (0..1) as a percentage: 0.426 -> "43%". */
export const formatPercent = (ratio: number, digits = 0): string => (Number.isFinite(ratio) ? `${formatNumber(ratio * 100, digits)}%` : formatNumber(ratio));

/** A duration in milliseconds: "35.8 ms". */
export const formatMs = (ms: number): string => `${formatNumber(ms, 1)} ms`;

/** A per-second rate: "35.77/s". */
export const formatRate = (perSec: number, digits = 2): string => `${formatNumber(perSec, digits)}/s`;
