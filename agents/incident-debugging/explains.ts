/**
 * Which finding explains which: the runbook knowledge that turns a pile of symptoms into one
 * root cause. `scope` says what the two findings must share for the link to hold.
 */
import type { DiagnosisCode } from "../../contract/vocabulary.ts";
import type { Finding } from "../finding.ts";

type Scope = "group" | "topic" | "cluster";

const LAG_SYMPTOMS: DiagnosisCode[] = ["lag.slow_consumer", "lag.partition_bound", "lag.hot_partition", "lag.recovering", "partition.under_provisioned"];

export const EXPLAINS: { cause: DiagnosisCode; effects: DiagnosisCode[]; scope: Scope }[] = [
  // Leaderless partitions come with the under-replication and lag that the same broker loss causes.
  { cause: "replication.offline", effects: ["replication.under_replicated", "cluster.imbalance"], scope: "cluster" },
  // Consumers cannot fetch from leaderless partitions: their offsets freeze as if they were hung.
  { cause: "replication.offline", effects: [...LAG_SYMPTOMS, "lag.poison_message", "lag.consumer_down", "lag.broker_saturated", "quality.volume_drop"], scope: "cluster" },
  { cause: "replication.under_replicated", effects: ["cluster.imbalance"], scope: "cluster" },
  // A schema change explains the deserialization failures, stuck consumers and nulls downstream of it.
  { cause: "schema.incompatible_change", effects: ["dlq.schema_mismatch", "dlq.poison", "lag.poison_message", "quality.null_spike"], scope: "topic" },
  { cause: "schema.incompatible_change", effects: ["dlq.schema_mismatch"], scope: "cluster" },
  { cause: "lag.broker_saturated", effects: LAG_SYMPTOMS, scope: "cluster" },
  // Members blocked past their session or poll interval are evicted: until then they look hung.
  { cause: "rebalance.storm", effects: [...LAG_SYMPTOMS, "lag.poison_message", "lag.consumer_down"], scope: "group" },
  { cause: "lag.consumer_down", effects: LAG_SYMPTOMS, scope: "group" },
  { cause: "lag.poison_message", effects: LAG_SYMPTOMS, scope: "group" },
  { cause: "lag.poison_message", effects: ["dlq.poison"], scope: "topic" },
  { cause: "lag.hot_partition", effects: ["lag.slow_consumer", "lag.partition_bound", "partition.under_provisioned"], scope: "group" },
  { cause: "lag.partition_bound", effects: ["partition.under_provisioned"], scope: "group" },
  // A producer that stopped writing explains a consumer group that looks idle or recovering.
  { cause: "quality.volume_drop", effects: ["lag.recovering"], scope: "topic" },
];

function share(a: Finding, b: Finding, scope: Scope): boolean {
  if (scope === "cluster") return true;
  const key = scope === "group" ? "group" : "topic";
  const av = a.entities[key];
  const bv = b.entities[key];
  if (av === undefined || bv === undefined) return false;
  // A DLQ finding's topic is the source topic it dead-letters for.
  return av === bv || (scope === "topic" && (a.entities.dlqTopic === bv || b.entities.dlqTopic === av));
}

/** True when `cause` explains `effect` under the table above. */
export function explains(cause: Finding, effect: Finding): boolean {
  return EXPLAINS.some((e) => e.cause === cause.code && e.effects.includes(effect.code) && share(cause, effect, e.scope));
}
