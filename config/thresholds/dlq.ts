/** Dead-letter queues: when repeated failures make records poison, when one failure class dominates. */
import type { ThresholdSpec } from "./spec.ts";

export const DLQ_THRESHOLDS = {
  // --- agents/streaming/rules/dlq-failures.ts ---
  "dlq.poisonRepeatShare": {
    default: 0.3,
    unit: "ratio",
    doc: "the DLQ is poison when at least this share of its records are repeat failures of the same original records",
  },
  "dlq.poisonMinAttempts": {
    default: 3,
    unit: "count",
    doc: "or when one original record failed at least this many times, whatever its share",
  },
  "dlq.dominantClassShare": {
    default: 0.5,
    unit: "ratio",
    doc: "a failure class (transient, deserialization, business, poison) names the DLQ only when at least this share of its records have it",
  },
} as const satisfies Record<string, ThresholdSpec>;
