/** Broker saturation and cluster balance: when a broker is overloaded, when a spread is skewed. */
import type { ThresholdSpec } from "./spec.ts";

export const CLUSTER_THRESHOLDS = {
  // --- broker saturation (agents/streaming/rules/broker-saturated.ts) ---
  "broker.cpuSaturated": {
    default: 0.9,
    unit: "ratio",
    doc: "a broker whose CPU use reached this share in the window is saturated",
  },
  "broker.requestHandlerIdleMin": {
    default: 0.1,
    unit: "ratio",
    doc: "a broker whose request handler threads were idle at most this share of the time is saturated (Kafka's RequestHandlerAvgIdlePercent)",
  },
  "broker.networkSaturated": {
    default: 0.9,
    unit: "ratio",
    doc: "a broker whose network in or out reached this share of its capacity is saturated",
  },
  "broker.diskUsedSaturated": {
    default: 0.95,
    unit: "ratio",
    doc: "a broker whose log disks are this full is saturated",
  },
  "broker.laggingLedShare": {
    default: 0.5,
    unit: "ratio",
    doc: "share of a group's lagging partitions that must be led by saturated brokers before the lag is blamed on the brokers",
  },
  // --- balance (agents/streaming/rules/imbalance.ts) ---
  "imbalance.replicaMaxFactor": {
    default: 1.5,
    unit: "factor",
    doc: "replicas are skewed when the busiest online broker holds more than this multiple of the mean",
  },
  "imbalance.replicaMinFactor": {
    default: 0.5,
    unit: "factor",
    doc: "replicas are skewed when the least loaded online broker holds less than this multiple of the mean",
  },
  "imbalance.leaderMaxFactor": {
    default: 1.5,
    unit: "factor",
    doc: "leadership is skewed when one broker leads more than this multiple of the mean number of leaders",
  },
  "imbalance.preferredLeaderMismatchShare": {
    default: 0.2,
    unit: "ratio",
    doc: "and at least this share of partitions is not led by its preferred replica (else a preferred-leader election has nothing to fix)",
  },
} as const satisfies Record<string, ThresholdSpec>;
