/**
 * The one lag computation: a consumer group's lag per partition over a window of samples, used
 * by the `consumer_group_lag` tool and by `kafka-ops lag`. Pure, and it loads no LangChain.
 *
 * Policy (the same for every caller):
 * - A sample that lacks a partition's metadata (topic unread, or not yet created) has no log
 *   end or log start for it: `end` is null there and so is `lag`. Nothing is borrowed
 *   from another sample.
 * - A partition the group never committed for has lag null in every sample and `lagLatest`
 *   null: it is "not consuming", which is not the same as "N records behind".
 * - A committed offset ahead of the log end (the log was truncated or recreated under the
 *   group) counts as lag 0, never negative; `committedAheadOfLogEnd` says so, for the latest
 *   sample where both offsets are known.
 * - Lag in time follows kafka-lag-exporter: for the committed offset c of sample i, the time at
 *   which the log end was at c is read off the log-end history of samples 0..i (linear
 *   interpolation between the two surrounding points; the latest such crossing); lag in time
 *   is sample i's time minus that. Older than the oldest point: extrapolated with the produce
 *   rate over the known points, and marked. Caught up: 0. Fewer than two known log-end points,
 *   or a log end that did not move while lag > 0: null (time cannot be estimated). Clamped at
 *   0 and rounded to 0.1 s.
 * - Rates come from the first and last samples where the value is known; numbers are rounded
 *   to 2 decimals and never NaN or Infinity.
 */
import { z } from "zod";
import type { Group, Topic } from "../../contract/incident.ts";
import type { Sampled } from "../../ports/ports.ts";
import { groupIndex, partitionIndex } from "./indexes.ts";
import { round, secondsBetween } from "./series.ts";

const PerSampleOffset = z.array(z.string().nullable());

export const PartitionLag = z.object({
  topic: z.string().describe("topic name"),
  partition: z.number().describe("partition number"),
  owner: z.string().nullable().describe("member id assigned this partition in the latest sample in which the group was read; null when unassigned"),
  owners: z.array(z.string().nullable()).describe("member id assigned this partition per sample; null when unassigned or the group was not read in that sample"),
  committed: PerSampleOffset.describe("committed offset (next offset to read) per sample; null when the group has none or was not read"),
  end: PerSampleOffset.describe("log end offset per sample; null when that sample lacks the partition's metadata"),
  lag: z.array(z.number().nullable()).describe("records behind per sample: end - committed, 0 when the commit is ahead of the log end; null unless both are known"),
  lagLatest: z.number().nullable().describe("lag in the latest sample where both offsets are known; null when the group never committed for this partition"),
  lagSeconds: z.array(z.number().nullable()).describe("seconds behind the log end per sample, interpolated from the window's log-end history; null when it cannot be estimated"),
  lagSecondsLatest: z.number().nullable().describe("seconds behind in the sample of lagLatest; null when unknown"),
  lagSecondsExtrapolated: z.boolean().describe("lagSecondsLatest was extrapolated: the committed offset is older than the window's oldest log end"),
  consumeRatePerSec: z.number().describe("committed records per second between the first and last samples with a commit"),
  produceRatePerSec: z.number().describe("written records per second between the first and last samples with a known log end"),
  timeToCatchUpSec: z.number().nullable().describe("seconds to reach the log end at current rates; 0 when caught up; null when lag is unknown or not shrinking"),
  belowLogStart: z.boolean().describe("committed offset below the log start in the latest sample: retention deleted records the group had not read"),
  deletedUnread: z.number().describe("records between the committed offset and the log start that retention deleted unread, in the latest sample; 0 otherwise"),
  committedAheadOfLogEnd: z.boolean().describe("committed offset beyond the log end in the latest sample (lag is then counted as 0)"),
});
export type PartitionLag = z.infer<typeof PartitionLag>;

export const GroupLag = z.object({
  group: z.string().describe("consumer group id"),
  samples: z.array(z.string()).describe("sample times, oldest first"),
  windowSec: z.number().describe("seconds between the first and last sample"),
  partitions: z.array(PartitionLag).describe("per partition the group is assigned or has committed for, by topic and partition"),
  totalLag: z.array(z.number()).describe("sum of the known lags per sample"),
  consumeRatePerSec: z.number().describe("sum of the partitions' consume rates"),
  produceRatePerSec: z.number().describe("sum of the partitions' produce rates"),
  timeToCatchUpSec: z.number().nullable().describe("seconds to drain the latest total lag at current rates; null when not shrinking"),
  totalLagSeconds: z.number().nullable().describe("the largest lagSecondsLatest over the partitions; null when none is known"),
});
export type GroupLag = z.infer<typeof GroupLag>;

export interface LagOptions {
  /**
   * Per sample, topics whose offsets could not be read (a live sample kept despite the gap):
   * their partitions exist there, with end and start unknown.
   */
  unreadTopics?: readonly ReadonlySet<string>[];
}

/** Lag of one group per partition and sample; undefined when the group is in no sample. */
export function computeGroupLag(groupId: string, groups: Sampled<Group[]>[], topics: Sampled<Topic[]>[], options: LagOptions = {}): GroupLag | undefined {
  const perSample = groupIndex(groups).map((index) => index.get(groupId));
  if (!perSample.some((g) => g !== undefined)) return undefined;
  const times = groups.map((s) => s.at);
  const windowSec = times.length > 1 ? secondsBetween(times[0]!, times.at(-1)!) : 0;
  const at = times.map((t) => Date.parse(t) / 1000);
  const ownersBySample = perSample.map((g) => (g ? ownerIndex(g) : undefined));
  const latestRead = ownersBySample.findLast((o) => o !== undefined)!;
  const metaIndex = partitionIndex(topics);

  // Every partition the group was assigned or committed for in any sample. (Loops without
  // destructuring or callbacks: `kafka-ops lag` runs this once per group, in cold code.)
  const keys = new Map<string, { topic: string; partition: number }>();
  for (const g of perSample) {
    if (!g) continue;
    for (const m of g.members) {
      for (const topic in m.assignment) for (const p of m.assignment[topic]!) keys.set(`${topic}\u0000${p}`, { topic, partition: p });
    }
    for (const topic in g.offsets) for (const p in g.offsets[topic]) keys.set(`${topic}\u0000${p}`, { topic, partition: Number(p) });
  }
  const ordered = [...keys.keys()].sort((a, b) => {
    const x = keys.get(a)!;
    const y = keys.get(b)!;
    return compareText(x.topic, y.topic) || x.partition - y.partition;
  });

  const n = times.length;
  const partitions: PartitionLag[] = [];
  for (const key of ordered) {
    const { topic, partition } = keys.get(key)!;
    const owners: (string | null)[] = [];
    const committed: (string | null)[] = [];
    const end: (string | null)[] = [];
    const start: (string | null)[] = [];
    let listed = false;
    for (let i = 0; i < n; i++) {
      const g = perSample[i];
      owners.push(ownersBySample[i]?.get(key) ?? null);
      committed.push(g?.offsets[topic]?.[String(partition)] ?? null);
      const meta = metaIndex[i]?.get(topic)?.get(partition);
      if (meta) listed = true;
      const known = meta && !options.unreadTopics?.[i]?.has(topic) ? meta : undefined;
      end.push(known?.endOffset ?? null);
      start.push(known?.startOffset ?? null);
    }
    if (!listed) continue; // offsets of a topic that no longer exists
    partitions.push(partitionLag({ topic, partition, at, owners, owner: latestRead.get(key) ?? null, committed, end, start }));
  }

  const totalLag = new Array<number>(n).fill(0);
  let consume = 0;
  let produce = 0;
  let latestLag = 0;
  let totalLagSeconds: number | null = null;
  for (const x of partitions) {
    for (let i = 0; i < n; i++) totalLag[i]! += x.lag[i] ?? 0;
    consume += x.consumeRatePerSec;
    produce += x.produceRatePerSec;
    latestLag += x.lagLatest ?? 0;
    if (x.lagSecondsLatest !== null && (totalLagSeconds === null || x.lagSecondsLatest > totalLagSeconds)) totalLagSeconds = x.lagSecondsLatest;
  }
  return {
    group: groupId,
    samples: times,
    windowSec,
    partitions,
    totalLag,
    consumeRatePerSec: round(consume),
    produceRatePerSec: round(produce),
    timeToCatchUpSec: catchUp(latestLag, consume, produce),
    totalLagSeconds,
  };
}

interface PartitionSeries {
  topic: string;
  partition: number;
  /** Sample times, epoch seconds. */
  at: readonly number[];
  owners: (string | null)[];
  owner: string | null;
  committed: (string | null)[];
  end: (string | null)[];
  start: (string | null)[];
}

/** One partition's lag over the window, from its per-sample offsets (exported for tests). */
export function partitionLag(s: PartitionSeries): PartitionLag {
  const { committed, end, start, at } = s;
  const n = committed.length;
  // Offsets parsed once; plain loops, since `kafka-ops lag` runs this for every partition of
  // every group once, before the engine has optimized anything.
  const c: (bigint | null)[] = [];
  const e: (bigint | null)[] = [];
  const lag: (number | null)[] = [];
  const lagSeconds: (number | null)[] = [];
  let latest = -1;
  let extrapolated = false;
  for (let i = 0; i < n; i++) {
    const ci = toOffset(committed[i] ?? null);
    const ei = toOffset(end[i] ?? null);
    c.push(ci);
    e.push(ei);
    if (ci === null || ei === null) {
      lag.push(null);
      lagSeconds.push(null);
      continue;
    }
    lag.push(ci >= ei ? 0 : Number(ei - ci));
    const t = lagInTime(ci, i, e, at);
    lagSeconds.push(t.seconds);
    latest = i;
    extrapolated = t.seconds !== null && t.extrapolated;
  }
  const lagLatest = latest >= 0 ? lag[latest]! : null;
  const cLatest = latest >= 0 ? c[latest]! : null;
  const logStart = latest >= 0 ? toOffset(start[latest] ?? null) : null;
  const deletedUnread = cLatest !== null && logStart !== null && cLatest < logStart ? Number(logStart - cLatest) : 0;
  const consume = rateOf(c, at);
  const produce = rateOf(e, at);
  return {
    topic: s.topic,
    partition: s.partition,
    owner: s.owner,
    owners: s.owners,
    committed,
    end,
    lag,
    lagLatest,
    lagSeconds,
    lagSecondsLatest: latest >= 0 ? lagSeconds[latest]! : null,
    lagSecondsExtrapolated: latest >= 0 && extrapolated,
    consumeRatePerSec: round(consume),
    produceRatePerSec: round(produce),
    timeToCatchUpSec: lagLatest === null ? null : catchUp(lagLatest, consume, produce),
    belowLogStart: deletedUnread > 0,
    deletedUnread,
    committedAheadOfLogEnd: cLatest !== null && cLatest > e[latest]!,
  };
}

const toOffset = (o: string | null): bigint | null => (o === null ? null : BigInt(o));

const UNKNOWN = Object.freeze({ seconds: null, extrapolated: false });

/**
 * Seconds the committed offset `c` of sample `i` is behind the log end, from the log-end
 * history `end` of samples 0..i taken at `at` (epoch seconds); see the module comment.
 */
export function lagInTime(c: bigint, i: number, end: readonly (bigint | null)[], at: readonly number[]): { seconds: number | null; extrapolated: boolean } {
  // The known points of the history, oldest first (most windows have every point).
  const known: number[] = [];
  for (let j = 0; j <= i; j++) if (end[j] !== null && end[j] !== undefined) known.push(j);
  if (known.length < 2) return UNKNOWN;
  const endAt = (k: number) => end[known[k]!]!;
  const timeAt = (k: number) => at[known[k]!]!;
  const last = known.length - 1;
  if (c >= endAt(last)) return { seconds: 0, extrapolated: false };
  // The latest crossing: the log end was at or below c at point k and past it at k + 1.
  for (let k = last - 1; k >= 0; k--) {
    const a = endAt(k);
    const b = endAt(k + 1);
    if (a <= c && c < b) {
      const when = timeAt(k) + (Number(c - a) * (timeAt(k + 1) - timeAt(k))) / Number(b - a);
      return { seconds: seconds(timeAt(last) - when), extrapolated: false };
    }
  }
  const rate = Number(endAt(last) - endAt(0)) / (timeAt(last) - timeAt(0));
  if (!(rate > 0) || !Number.isFinite(rate)) return UNKNOWN; // nothing written: no clock to read
  const when = timeAt(0) - Number(endAt(0) - c) / rate;
  return { seconds: seconds(timeAt(last) - when), extrapolated: true };
}

const seconds = (x: number): number | null => (Number.isFinite(x) ? round(Math.max(0, x), 1) : null);

/** Member id per "topic\0partition" in one sample of a group. */
function ownerIndex(g: Group): Map<string, string> {
  const owners = new Map<string, string>();
  for (const m of g.members) for (const [topic, parts] of Object.entries(m.assignment)) for (const p of parts) owners.set(`${topic}\u0000${p}`, m.memberId);
  return owners;
}

/** Per-second change of an offset series between its first and last known values; 0 without two. */
function rateOf(offsets: readonly (bigint | null)[], at: readonly number[]): number {
  let first = -1;
  let last = -1;
  for (let i = 0; i < offsets.length; i++) {
    if (offsets[i] === null) continue;
    if (first < 0) first = i;
    last = i;
  }
  if (first < 0 || last <= first) return 0;
  const secs = at[last]! - at[first]!;
  const r = secs > 0 ? Number(offsets[last]! - offsets[first]!) / secs : 0;
  return Number.isFinite(r) ? r : 0;
}

function catchUp(lag: number, consume: number, produce: number): number | null {
  if (lag === 0) return 0;
  const drain = consume - produce;
  const t = drain > 0 ? lag / drain : NaN;
  return Number.isFinite(t) ? round(t) : null;
}

/** Code-unit order, the same on every machine (localeCompare is not). */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
