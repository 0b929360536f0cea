/** Data quality: when a topic's writes dropped, when a field turned null. */
import type { ThresholdSpec } from "./spec.ts";

export const QUALITY_THRESHOLDS = {
  // --- agents/quality/rules/volume-drop.ts ---
  "quality.volumeNormalMinPerSec": {
    default: 1,
    unit: "per-second",
    doc: "a topic normally flows when its median write rate before the fall was at least this; below, a quiet topic is idle, never a drop",
  },
  "quality.volumeDropMaxRatio": {
    default: 0.1,
    unit: "ratio",
    doc: "writes have dropped when every interval since the fall is at most this share of the median rate before it",
  },
  "quality.volumeDropMinSeconds": {
    default: 30,
    unit: "seconds",
    doc: "the stretch since the fall must span at least this long (a pause of a few seconds is batching, not an outage)",
  },
  "quality.volumeDropMinIntervals": {
    default: 2,
    unit: "samples",
    doc: "and contain at least this many sampling intervals, so one odd reading never declares a drop alone",
  },
  // --- agents/quality/rules/null-spike.ts ---
  "quality.nullSpikeMinRecords": {
    default: 10,
    unit: "records",
    doc: "JSON records that must have been sampled before a change in nulls counts as a trend",
  },
  "quality.nullSpikeMinRatio": {
    default: 0.3,
    unit: "ratio",
    doc: "a field is spiking when it is null or missing in at least this share of the newer sampled records",
  },
  "quality.nullSpikeMinRise": {
    default: 0.25,
    unit: "ratio",
    doc: "and its null share rose by at least this much over the older records (a field always half null is no spike)",
  },
} as const satisfies Record<string, ThresholdSpec>;
