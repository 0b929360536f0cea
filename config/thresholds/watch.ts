/** The watch's debounce and hysteresis: when an unhealthy entity opens an investigation, when it has cleared. */
import type { ThresholdSpec } from "./spec.ts";

export const WATCH_THRESHOLDS = {
  // --- the per-entity state machine (watch/debounce.ts) ---
  "watch.raiseAfterSamples": {
    default: 1,
    unit: "samples",
    doc: "consecutive samples an entity must be judged unhealthy before the watch opens an investigation (the partition window already waits stall.minIntervals)",
  },
  "watch.clearAfterSamples": {
    default: 3,
    unit: "samples",
    doc: "consecutive healthy samples before an entity with an open investigation counts as cleared; fewer, and a flapping partition stays open instead of paging again",
  },
  "watch.changeAfterSamples": {
    default: 2,
    unit: "samples",
    doc: "consecutive samples a different diagnosis must hold on an open entity before the watch opens a new investigation for it",
  },
} as const satisfies Record<string, ThresholdSpec>;
