/**
 * Arithmetic over offsets sampled in time. Offsets are int64 decimal strings; differences
 * between two offsets of one partition are small enough for a double.
 */

export function offsetDelta(later: string, earlier: string): number {
  return Number(BigInt(later) - BigInt(earlier));
}

export function secondsBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 1000;
}

/** Per-second rate of an offset series between its first and last sample; 0 over no time. */
export function ratePerSec(offsets: readonly string[], times: readonly string[]): number {
  if (offsets.length < 2) return 0;
  const seconds = secondsBetween(times[0]!, times[times.length - 1]!);
  return seconds > 0 ? offsetDelta(offsets[offsets.length - 1]!, offsets[0]!) / seconds : 0;
}

export const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
export const max = (xs: readonly number[]): number => xs.reduce((a, b) => Math.max(a, b), -Infinity);
/** Rounding safe for any magnitude (contract/numbers.ts: the naive x * 100 / 100 overflows near 1e308). */
export { round } from "../../contract/numbers.ts";

export function median(xs: readonly number[]): number {
  if (!xs.length) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Slope of the least-squares line through ys at x = 0, 1, 2, ...: the trend of a noisy series. */
export function leastSquaresSlope(ys: readonly number[]): number {
  const n = ys.length;
  const mx = (n - 1) / 2;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  });
  return den === 0 ? 0 : num / den;
}
