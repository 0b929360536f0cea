import { DEFAULT_THRESHOLDS, type ThresholdValues } from "../../../config/thresholds/index.ts";
import { evidence, finding, type Finding } from "../../finding.ts";
import { median, round, secondsBetween } from "../../../tools/lib/series.ts";
import type { TopicView } from "../../../tools/kafka/topic-partitions.ts";

/** Silence is surer than a trickle. */
const CONFIDENCE = { silent: 0.9, trickle: 0.8 } as const;

interface Interval {
  from: string;
  to: string;
  perSec: number;
  seconds: number;
}

/** The fall: the intervals since writes dropped (the present) and the median rate before them. */
export interface Fall {
  /** First interval of the present. */
  start: number;
  baseline: number;
  /** Highest rate since the fall. */
  recent: number;
  seconds: number;
  intervals: number;
}

/**
 * A topic that normally flows has stopped or nearly stopped receiving writes. The drop is read
 * at the tail: the longest trailing stretch in which every interval is at most
 * `quality.volumeDropMaxRatio` of the median rate *before* that stretch. So the baseline is what
 * the topic did before writes fell, however long the outage has lasted: observing the same
 * outage for longer only lengthens the present, never moves the baseline. The present must span
 * `quality.volumeDropMinSeconds` and `quality.volumeDropMinIntervals`, so one short or odd
 * reading (a sample taken a second after the previous one) never declares a drop. A topic that
 * was idle all along has no baseline to fall from: idle topics are safe here.
 */
export function volumeDrop(topic: TopicView, t: ThresholdValues = DEFAULT_THRESHOLDS): Finding | null {
  if (topic.internal) return null;
  const intervals = timed(topic.writeRateSeries);
  const fall = findFall(intervals, t);
  if (!fall) return null;
  const rates = topic.writeRateSeries.map((s) => s.perSec);
  return finding(
    "quality",
    "quality.volume_drop",
    fall.recent === 0 ? CONFIDENCE.silent : CONFIDENCE.trickle,
    `writes to ${topic.name} fell from a median of ${fall.baseline}/s to ${fall.recent}/s since ${intervals[fall.start]!.from} (${Math.round(fall.seconds)} s, ${fall.intervals} interval${fall.intervals === 1 ? "" : "s"})`,
    { topic: topic.name },
    [evidence("topic_partitions", `${topic.name} write rate per interval: ${rates.join(", ")} records/s`)],
  );
}

/** Intervals that span time: a zero-length one (two samples at one instant) says nothing about rates. */
function timed(series: TopicView["writeRateSeries"]): Interval[] {
  return series.map((s) => ({ ...s, seconds: secondsBetween(s.from, s.to) })).filter((s) => s.seconds > 0);
}

/** The earliest split whose whole tail is low against the median before it, if the tail is long enough. */
export function findFall(intervals: readonly Interval[], t: ThresholdValues): Fall | null {
  const minIntervals = Math.max(1, t["quality.volumeDropMinIntervals"]);
  // The earliest start wins: the present is everything since writes fell.
  for (let start = 1; start + minIntervals <= intervals.length; start++) {
    const before = intervals.slice(0, start).map((i) => i.perSec);
    const present = intervals.slice(start);
    const baseline = median(before);
    if (baseline <= 0 || baseline < t["quality.volumeNormalMinPerSec"]) continue;
    const recent = Math.max(...present.map((i) => i.perSec));
    if (recent > t["quality.volumeDropMaxRatio"] * baseline) continue;
    const seconds = present.reduce((a, i) => a + i.seconds, 0);
    if (seconds < t["quality.volumeDropMinSeconds"]) return null; // later starts are shorter still
    return { start, baseline: round(baseline), recent, seconds, intervals: present.length };
  }
  return null;
}
