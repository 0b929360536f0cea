/** The watch's debounce and hysteresis: when an unhealthy entity opens an investigation, when it has cleared. */
import type { ThresholdSpec } from "./spec.ts";

export const WATCH_THRESHOLDS = {
  // --- the per-entity state machine (watch/debounce.ts) ---
  "watch.raiseAfterSamples": {
    default: 2,
    unit: "samples",
    doc: "consecutive samples an entity must be judged unhealthy before the watch opens an investigation: a consumer that has just stopped looks like lag growth for one sample before its frozen offset shows",
  },
  "watch.clearAfterSamples": {
    default: 6,
    unit: "samples",
    doc: "consecutive healthy samples before an entity with an open investigation counts as cleared: a partition that flaps within this stays open instead of paging again",
  },
  "watch.changeAfterSamples": {
    default: 2,
    unit: "samples",
    doc: "consecutive samples a different diagnosis must hold on an open entity before the watch opens a new investigation for it",
  },
} as const satisfies Record<string, ThresholdSpec>;
