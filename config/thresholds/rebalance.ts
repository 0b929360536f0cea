/** Rebalance storms: how much churn is a storm rather than one deployment's rolling restart. */
import type { ThresholdSpec } from "./spec.ts";

export const REBALANCE_THRESHOLDS = {
  // --- agents/streaming/rules/rebalance-storm.ts ---
  "rebalance.minRebalancingSamples": {
    default: 2,
    unit: "samples",
    doc: "samples that caught the group in PreparingRebalance or CompletingRebalance for that to count as a signal",
  },
  "rebalance.minMembershipChanges": {
    default: 2,
    unit: "count",
    doc: "changes of the member set between samples for that to count as a signal (one is a rolling restart)",
  },
  "rebalance.memberIdChurnFactor": {
    default: 1.5,
    unit: "factor",
    doc: "distinct member ids seen, as a multiple of the peak member count, that count as churn (evicted members rejoin under new ids)",
  },
  "rebalance.minExtraMemberIds": {
    default: 2,
    unit: "count",
    doc: "and at least this many more ids than members (so a group of one member rejoining once is not churn)",
  },
  "rebalance.ratePerHour": {
    default: 6,
    unit: "per-hour",
    doc: "rebalances per hour reported by the clients that count as a signal",
  },
  "rebalance.ratePerHourAlone": {
    default: 20,
    unit: "per-hour",
    doc: "rebalances per hour that are a storm on their own, without a second signal",
  },
  "rebalance.minSignals": {
    default: 2,
    unit: "count",
    doc: "independent signals (state churn, membership churn, id churn, client rate) needed to call a storm",
  },
} as const satisfies Record<string, ThresholdSpec>;
