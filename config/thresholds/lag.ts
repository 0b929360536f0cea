/** The partition window: when lag is noise, when a partition counts as stalled. */
import type { ThresholdSpec } from "./spec.ts";

export const LAG_THRESHOLDS = {
  // --- the partition window (agents/streaming/partition-window.ts) ---
  "lag.noiseFloorRecords": {
    default: 20,
    unit: "records",
    doc: "lag at or below this many records is noise (commit timing, in-flight batches): never growing, never stalled (Burrow's allowed lag)",
  },
  "lag.noiseFloorSeconds": {
    default: 15,
    unit: "seconds",
    doc: "lag that is at most this many seconds behind the log end is noise, however many records it is",
  },
  "lag.minShortfallShare": {
    default: 0.02,
    unit: "ratio",
    doc: "a consumer falling short of what was written by more than this share (and the records floor) is falling behind: its lag in seconds is not noise",
  },
  "stall.minIntervals": {
    default: 2,
    unit: "samples",
    doc: "sampling intervals the committed offset must stay unchanged, at the tail of the window, before a partition with unread records counts as stalled",
  },
  "stall.minSeconds": {
    default: 20,
    unit: "seconds",
    doc: "and the unchanged tail must also span at least this long (longer than a healthy auto-commit interval)",
  },
  "lag.growthPeakShare": {
    default: 0.9,
    unit: "ratio",
    doc: "growing lag must end at or above this share of its peak in the window (a lag that rose and fell back is not growing)",
  },
  "lag.growthShare": {
    default: 0.6,
    unit: "ratio",
    doc: "share of a group's written partitions whose lag must be growing before the group is called slow (lag.slow_consumer / lag.partition_bound)",
  },
  "lag.failureShare": {
    default: 0.1,
    unit: "ratio",
    doc: "failed records per consumed record at or above which growing lag is a failure, not slowness (left to the failure rules)",
  },
  "poison.maxPartitions": {
    default: 2,
    unit: "count",
    doc: "at most this many stalled partitions in a group can be blamed on poison records; more is a hung consumer or something else",
  },
  "recovery.horizonSeconds": {
    default: 3600,
    unit: "seconds",
    doc: "lag that clears within this time at the current rates is recovering on its own (lag.recovering, no action)",
  },
  "recovery.maxRemainingShare": {
    default: 0.7,
    unit: "ratio",
    doc: "and the lag must already have fallen to at most this share of its peak in the window",
  },
  "hot.minPartitions": {
    default: 3,
    unit: "count",
    doc: "key skew is judged only on groups reading at least this many written partitions",
  },
  "hot.topShare": {
    default: 0.2,
    unit: "ratio",
    doc: "the hottest share of a group's partitions examined for key skew",
  },
  "hot.lagShare": {
    default: 0.7,
    unit: "ratio",
    doc: "share of the group's lag that must sit on those partitions to call it key skew (lag.hot_partition)",
  },
  "hot.rateFactor": {
    default: 3,
    unit: "factor",
    doc: "and their write rate must be at least this many times the median of the other partitions",
  },
} as const satisfies Record<string, ThresholdSpec>;
