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
} as const satisfies Record<string, ThresholdSpec>;
