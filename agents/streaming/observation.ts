/**
 * Everything the streaming rules know about one consumer group, gathered from the tools.
 * Rules read this and nothing else, so they stay pure and testable in a few lines.
 */
import type { ToolValue } from "../../tools/registry.ts";
import type { GroupLag, PartitionLag } from "../../tools/kafka/consumer-group-lag.ts";
import type { GroupView } from "../../tools/kafka/consumer-groups.ts";
import type { Alert, LogLine } from "../../contract/incident.ts";
import type { ThresholdValues } from "../../config/thresholds/index.ts";
import { memoByIdentity } from "../../tools/lib/memo.ts";
import { evaluatePartition, type PartitionStatus, type PartitionWindow } from "./partition-window.ts";

export interface GroupObservation {
  group: GroupView;
  lag: GroupLag;
  metrics: ToolValue<"client_metrics"> | undefined;
  /** Effective consumer settings (configured over Kafka defaults), when known. */
  config: Record<string, string> | undefined;
  /** Leader broker of each "topic-partition" in the latest sample. */
  leaders: ReadonlyMap<string, number>;
  brokers: ToolValue<"broker_metrics"> | undefined;
  logs: readonly LogLine[];
  /** The alert the investigation is about, if any: context that can corroborate a reading, never the reading itself. */
  alert: Alert | undefined;
  /** Thresholds in force for this group (per-topic values: `window(p)` applies them). */
  thresholds: ThresholdValues;
  /** The partition window verdict of one of `lag.partitions`, under its topic's thresholds. */
  window(p: PartitionLag): PartitionWindow;
}

/**
 * Builds the `window` lookup of an observation: each partition judged once, under its topic's
 * thresholds, knowing whether the group's other partitions commit at every sample (then a
 * partition whose offset stands still is not waiting for the next commit).
 */
export function windowsOf(lag: GroupLag, thresholdsFor: (topic: string) => ThresholdValues): (p: PartitionLag) => PartitionWindow {
  const times = lag.samples.map((at) => Date.parse(at));
  const tailIntervals = Math.max(...lag.partitions.map((p) => thresholdsFor(p.topic)["stall.minIntervals"]), 1);
  const everySample = new Set(lag.partitions.filter((p) => movedAtEverySample(p.committed, tailIntervals)));
  return memoByIdentity((p: PartitionLag) =>
    evaluatePartition(
      {
        times,
        committed: p.committed,
        end: p.end,
        lag: p.lag,
        lagSeconds: p.lagSeconds,
        owner: p.owner,
        peersCommitEverySample: [...everySample].some((q) => q !== p),
      },
      thresholdsFor(p.topic),
    ),
  );
}

/** Whether the committed offset moved forward at each of the last `intervals` intervals. */
function movedAtEverySample(committed: readonly (string | null)[], intervals: number): boolean {
  if (committed.length <= intervals) return false;
  for (let i = committed.length - intervals; i < committed.length; i++) {
    const [before, now] = [committed[i - 1], committed[i]];
    if (before == null || now == null || BigInt(now) <= BigInt(before)) return false;
  }
  return true;
}

/** Rules' shorthand: the status of a partition of the observed group. */
export const statusOf = (o: Pick<GroupObservation, "window">, p: PartitionLag): PartitionStatus => o.window(p).status;

/** How many partitions are in each status. */
export function countStatuses(o: Pick<GroupObservation, "window" | "lag">): Record<PartitionStatus, number> {
  const counts: Record<PartitionStatus, number> = { ok: 0, idle: 0, catching_up: 0, growing: 0, stalled: 0, stopped: 0, rewind: 0, no_offsets: 0 };
  for (const p of o.lag.partitions) counts[statusOf(o, p)]++;
  return counts;
}

/** The worst rate of failed records the group's clients reported over the window (0 when unknown). */
export function worstFailureRate(metrics: GroupObservation["metrics"]): number {
  return metrics ? Math.max(0, ...metrics.series.map((s) => s.metrics.recordsFailedPerSec ?? 0)) : 0;
}


/**
 * The topic a group-level finding is about, for a group that reads several: the one that holds
 * most of the partitions the finding rests on (`among`), then the one with more lag, then by name.
 * An action built from the finding (add partitions, replay) acts on this topic only.
 */
export function dominantTopic(among: readonly PartitionLag[]): string | undefined {
  const score = new Map<string, { n: number; lag: number }>();
  for (const p of among) {
    const s = score.get(p.topic) ?? { n: 0, lag: 0 };
    score.set(p.topic, { n: s.n + 1, lag: s.lag + (p.lagLatest ?? 0) });
  }
  return [...score].sort(([a, x], [b, y]) => y.n - x.n || y.lag - x.lag || (a < b ? -1 : 1))[0]?.[0];
}

/** The group's partitions of one topic. */
export const partitionsOf = (lag: GroupLag, topic: string): PartitionLag[] => lag.partitions.filter((p) => p.topic === topic);
