/** Partition capacity: when a topic is written faster than its partitions can be consumed. */
import type { ThresholdSpec } from "./spec.ts";

export const CAPACITY_THRESHOLDS = {
  // --- agents/streaming/rules/under-provisioned.ts ---
  "capacity.perPartitionShare": {
    default: 0.9,
    unit: "ratio",
    doc: "a partition written at this share of what one consumer processes (or more) is at capacity; with a member per partition the group cannot scale out",
  },
} as const satisfies Record<string, ThresholdSpec>;
