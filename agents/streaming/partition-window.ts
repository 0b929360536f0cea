/**
 * The partition window: one verdict per consumer-group partition over the sampled window, the
 * judgement every lag rule builds on. Burrow's evaluator (core/internal/evaluator/caching.go)
 * is the reference; `partition-window.burrow.test.ts` ports its case table and
 * docs/partition-window.md lists where this deliberately differs:
 *
 * - Noise has a floor in records AND in time: lag at or below `lag.noiseFloorRecords`, or at
 *   most `lag.noiseFloorSeconds` behind the log end, is never growing and never stalled
 *   (commit timing leaves a busy, healthy consumer a few records behind at every sample).
 * - Stopped / stalled is read from the TAIL of the window: the committed offset unchanged over
 *   the last `stall.minIntervals` intervals spanning `stall.minSeconds`, with unread records
 *   above the floor, whatever happened before. A consumer that stops part-way is stalled
 *   within two samples, not "growing".
 * - Idle means nothing unread (lag within the floor) on a log nobody wrote to; a backlog on a
 *   quiet topic that nobody reads is stalled, not idle.
 * - A rewind that recovered (the committed offset got back past where it was) is judged on the
 *   samples after it; an unrecovered one is its own status.
 * - Lag that is flat above the floor while the consumer advances is keeping up ("ok"); Burrow
 *   warns on it. Growth needs a real rise, not a run of equal readings.
 */
import { DEFAULT_THRESHOLDS, type ThresholdValues } from "../../config/thresholds/index.ts";
import { leastSquaresSlope } from "../../tools/lib/series.ts";

/** A trend needs two readings; a frozen tail is at least two samples with the same offset. */
const MIN_TREND_SAMPLES = 2;
const MIN_TAIL_SAMPLES = 2;

export type PartitionStatus =
  | "ok" // keeping up: lag within the floor on a written log, or flat with the consumer advancing
  | "idle" // nothing unread and nothing written: not an alarm whatever the committed offset does
  | "catching_up" // lag above the floor and shrinking
  | "growing" // lag above the floor and rising over the window (Burrow WARN)
  | "stalled" // committed offset frozen at the tail with unread records; the partition has an owner (Burrow STALL)
  | "stopped" // same, with no member owning it (Burrow STOP)
  | "rewind" // committed offset went backwards and has not got back (Burrow REWIND)
  | "no_offsets"; // the group never committed for this partition

export const PARTITION_STATUSES: readonly PartitionStatus[] = ["ok", "idle", "catching_up", "growing", "stalled", "stopped", "rewind", "no_offsets"];

/** One partition's series as the window sampled it (oldest first, same length everywhere). */
export interface PartitionSeries {
  /** Sample times, epoch milliseconds. */
  times: readonly number[];
  /** Committed offset per sample; null when none was read. */
  committed: readonly (string | null)[];
  /** Log end offset per sample; null when that sample lacks the partition. */
  end: readonly (string | null)[];
  /** Lag in records per sample; null when either offset is unknown. */
  lag: readonly (number | null)[];
  /** Lag in seconds behind the log end per sample, when it could be estimated. */
  lagSeconds?: readonly (number | null)[];
  /** Member that owns the partition in the latest sample. */
  owner: string | null;
  /** The group's other partitions moved their committed offsets at every sample of the window's tail. */
  peersCommitEverySample?: boolean;
}

export interface FrozenTail {
  /** Index of the first sample of the unchanged tail. */
  from: number;
  /** Samples in it and the time they span. */
  samples: number;
  seconds: number;
  offset: string;
  /** Records the log grew by during the tail. */
  logGrowth: number;
}

export interface Rewind {
  /** Sample index at which the committed offset was lower than before. */
  at: number;
  from: string;
  to: string;
  recovered: boolean;
}

export interface PartitionWindow {
  status: PartitionStatus;
  /** The latest known lag, in records and seconds. */
  lag: number | null;
  lagSeconds: number | null;
  /** Whether the latest lag is within the noise floor. */
  withinFloor: boolean;
  /** Whether the log grew at all over the window. */
  written: boolean;
  /** Present when the committed offset did not change over the last samples (however short). */
  frozenTail: FrozenTail | null;
  rewind: Rewind | null;
  /** Lag change over the judged stretch (after a recovered rewind), in records. */
  lagChange: number;
}

export function evaluatePartition(s: PartitionSeries, th: ThresholdValues = DEFAULT_THRESHOLDS): PartitionWindow {
  const n = s.times.length;
  const known = indices(n, (i) => s.committed[i] !== null && s.committed[i] !== undefined);
  const lastLag = lastKnown(s.lag);
  const lastLagSec = s.lagSeconds ? lastKnown(s.lagSeconds) : null;
  const ends = s.end.filter((e): e is string => e !== null);
  const written = ends.length > 1 && BigInt(ends.at(-1)!) > BigInt(ends[0]!);
  if (known.length === 0) {
    return { status: "no_offsets", lag: lastLag, lagSeconds: lastLagSec, withinFloor: false, written, frozenTail: null, rewind: null, lagChange: 0 };
  }

  const rewind = findRewind(s.committed, known);
  const frozenTail = tailOf(s, known, th);
  const from = rewind?.recovered ? rewind.at : 0;
  const judgedAt = indices(n, (i) => i >= from && s.lag[i] !== null && s.lag[i] !== undefined);
  const judged = judgedAt.map((i) => s.lag[i]!);
  const lagChange = judged.length > 1 ? judged.at(-1)! - judged[0]! : 0;
  const frozen = frozenTail !== null && frozenTail.samples - 1 >= th["stall.minIntervals"];
  const keepsPace = !frozen && !fallingBehind(s, judgedAt, th);
  const withinFloor = lastLag !== null && (lastLag <= th["lag.noiseFloorRecords"] || (lastLagSec !== null && lastLagSec <= th["lag.noiseFloorSeconds"] && keepsPace));
  const out = { lag: lastLag, lagSeconds: lastLagSec, withinFloor, written, frozenTail, rewind, lagChange };

  if (withinFloor || lastLag === null) return { ...out, status: written ? "ok" : "idle" };
  if (rewind && !rewind.recovered) return { ...out, status: "rewind" };
  if (frozen && stalledLongEnough(s, frozenTail, lastLagSec, th)) return { ...out, status: s.owner ? "stalled" : "stopped" };
  // Frozen for too short a time to call stalled: not "growing" either, since a consumer that
  // has just stopped is not a slow one. The next sample or two decide.
  if (frozenTail && lagChange > 0) return { ...out, status: "ok" };
  return { ...out, status: trend(judged, th) };
}

/**
 * Seconds behind are noise only for a consumer that keeps pace. One that falls further behind
 * (its lag's fitted rise over the stretch, which a commit caught mid-batch barely moves, is above
 * the records floor and `lag.minShortfallShare` of what was written) is slow however few seconds
 * it is behind yet.
 */
function fallingBehind(s: PartitionSeries, judgedAt: readonly number[], th: ThresholdValues): boolean {
  const at = judgedAt.filter((i) => s.end[i] !== null && s.committed[i] !== null);
  if (at.length < MIN_TREND_SAMPLES) return false;
  const [first, last] = [at[0]!, at.at(-1)!];
  const produced = Number(BigInt(s.end[last]!) - BigInt(s.end[first]!));
  const shortfall = fittedChange(at.map((i) => s.lag[i]!));
  return produced > 0 && shortfall > th["lag.noiseFloorRecords"] && shortfall > th["lag.minShortfallShare"] * produced;
}

/** How much a series changed over its length along its least-squares line: one noisy end sample barely moves it. */
function fittedChange(ys: readonly number[]): number {
  return leastSquaresSlope(ys) * (ys.length - 1);
}

/**
 * Frozen long enough to be a stall rather than commit timing: the unchanged stretch, or the
 * time records have waited behind it (lag in seconds), spans `stall.minSeconds`; or nothing
 * else can explain the freeze: no member owns the partition, or the group's other partitions
 * move their offsets at every sample, so its commits come faster than the sampling interval.
 */
function stalledLongEnough(s: PartitionSeries, tail: FrozenTail, lagSeconds: number | null, th: ThresholdValues): boolean {
  if (!s.owner || s.peersCommitEverySample) return true;
  return Math.max(tail.seconds, lagSeconds ?? 0) >= th["stall.minSeconds"];
}

/**
 * Growing: lag rose by more than the floor along its least-squares line over the stretch and
 * ends near its peak, so one noisy sample neither makes nor breaks it. Shrinking mirrors it.
 */
function trend(lags: readonly number[], th: ThresholdValues): PartitionStatus {
  if (lags.length < MIN_TREND_SAMPLES) return "ok";
  const floor = th["lag.noiseFloorRecords"];
  const change = fittedChange(lags);
  const peak = Math.max(...lags);
  if (change > floor && lags.at(-1)! >= th["lag.growthPeakShare"] * peak) return "growing";
  if (-change > floor) return "catching_up";
  return "ok";
}

/** The last rewind (a committed offset below the one before it) and whether it got back. */
function findRewind(committed: readonly (string | null)[], known: readonly number[]): Rewind | null {
  let found: Rewind | null = null;
  for (let k = 1; k < known.length; k++) {
    const before = BigInt(committed[known[k - 1]!]!);
    const now = BigInt(committed[known[k]!]!);
    if (now < before) found = { at: known[k]!, from: String(before), to: String(now), recovered: false };
  }
  if (!found) return null;
  const mark = BigInt(found.from);
  found.recovered = known.some((i) => i > found!.at && BigInt(committed[i]!) >= mark);
  return found;
}

/**
 * The run of equal committed offsets at the end of the window (samples without a reading are
 * skipped), counted from when records were last waiting for it: a consumer that was caught up
 * when the stretch began has only been "not reading" since records arrived (Burrow's
 * recent-lag-zero check, done on the window's own samples).
 */
function tailOf(s: PartitionSeries, known: readonly number[], th: ThresholdValues): FrozenTail | null {
  const last = known.at(-1)!;
  const offset = s.committed[last]!;
  let k = known.length - 1;
  while (k > 0 && s.committed[known[k - 1]!] === offset) k--;
  for (let j = known.length - 1; j > k; j--) {
    const lag = s.lag[known[j]!];
    if (lag !== null && lag !== undefined && lag <= th["lag.noiseFloorRecords"]) {
      k = j;
      break;
    }
  }
  const from = known[k]!;
  const samples = known.length - k;
  if (samples < MIN_TAIL_SAMPLES) return null;
  const endFrom = firstKnownFrom(s.end, from);
  const endTo = lastKnown(s.end);
  const logGrowth = endFrom !== null && endTo !== null ? Number(BigInt(endTo) - BigInt(endFrom)) : 0;
  return { from, samples, seconds: (s.times[last]! - s.times[from]!) / 1000, offset, logGrowth };
}

function indices(n: number, keep: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep(i)) out.push(i);
  return out;
}

function lastKnown<T>(xs: readonly (T | null | undefined)[]): T | null {
  for (let i = xs.length - 1; i >= 0; i--) if (xs[i] !== null && xs[i] !== undefined) return xs[i] as T;
  return null;
}

function firstKnownFrom<T>(xs: readonly (T | null | undefined)[], from: number): T | null {
  for (let i = from; i < xs.length; i++) if (xs[i] !== null && xs[i] !== undefined) return xs[i] as T;
  return null;
}
