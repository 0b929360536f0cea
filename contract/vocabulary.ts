/**
 * The shared vocabulary of the contract (kafka-incident/v1, kafka-investigation/v1):
 * diagnosis codes, action kinds with their risk, agents, decisions.
 * Every other module names these values through the enums here, never as loose strings.
 */
import { z } from "zod";

export const DiagnosisCode = z.enum([
  "lag.slow_consumer",
  "lag.partition_bound",
  "lag.hot_partition",
  "lag.poison_message",
  "lag.consumer_down",
  "lag.broker_saturated",
  "lag.recovering",
  "rebalance.storm",
  "replication.under_replicated",
  "replication.offline",
  "cluster.imbalance",
  "partition.under_provisioned",
  "dlq.transient",
  "dlq.schema_mismatch",
  "dlq.poison",
  "dlq.business_logic",
  "schema.incompatible_change",
  "quality.volume_drop",
  "quality.null_spike",
  "unknown",
  // Extension (the contract allows more codes): the evidence was read and shows nothing wrong.
  // Lets an alert that fired on an idle topic or a caught-up group end in `none` instead of `unknown`.
  "healthy",
]);
export type DiagnosisCode = z.infer<typeof DiagnosisCode>;

export const ActionKind = z.enum([
  "scale_consumers",
  "add_partitions",
  "reassign_partitions",
  "elect_preferred_leaders",
  "tune_consumer_config",
  "skip_poison_message",
  "replay_dlq",
  "quarantine_messages",
  "alter_topic_config",
]);
export type ActionKind = z.infer<typeof ActionKind>;

export const Risk = z.enum(["low", "medium", "high"]);
export type Risk = z.infer<typeof Risk>;

/** Risk of each action kind, as the contract's table fixes it. */
export const ACTION_RISK: Record<ActionKind, Risk> = {
  scale_consumers: "low",
  add_partitions: "high",
  reassign_partitions: "high",
  elect_preferred_leaders: "medium",
  tune_consumer_config: "medium",
  skip_poison_message: "medium",
  replay_dlq: "medium",
  quarantine_messages: "low",
  alter_topic_config: "medium",
};

/**
 * How far a tool or an executor reaches: `read-only` reads; `mutating` changes state without
 * taking data away (some of it cannot be undone, like added partitions); `destructive` takes
 * records out of a flow or deletes something, which only the quarantine path may do.
 */
export const Effect = z.enum(["read-only", "mutating", "destructive"]);
export type Effect = z.infer<typeof Effect>;

export const AgentName = z.enum(["streaming", "schema", "quality", "incident-debugging"]);
export type AgentName = z.infer<typeof AgentName>;

/** The agents triage can send work to; incident-debugging always runs after them. */
export const SPECIALISTS = ["streaming", "schema", "quality"] as const satisfies readonly AgentName[];
export type Specialist = (typeof SPECIALISTS)[number];

export const Decision = z.enum(["remediate", "escalate", "none"]);
export type Decision = z.infer<typeof Decision>;

export const Severity = z.enum(["sev1", "sev2", "sev3"]);
export type Severity = z.infer<typeof Severity>;

export const ActionStatus = z.enum(["proposed", "approved", "rejected", "applied", "failed", "dry-run"]);
export type ActionStatus = z.infer<typeof ActionStatus>;

export const AlertKind = z.enum([
  "consumer_lag",
  "rebalance",
  "dlq",
  "schema",
  "replication",
  "broker",
  "throughput",
  "quality",
  "other",
]);
export type AlertKind = z.infer<typeof AlertKind>;

export const GroupState = z.enum(["Stable", "PreparingRebalance", "CompletingRebalance", "Empty", "Dead", "Unknown"]);
export type GroupState = z.infer<typeof GroupState>;

/**
 * Extension: a group's type as ListGroups v5 reports it (Kafka 3.8+). `classic`: the JoinGroup /
 * SyncGroup protocol; `consumer`: the consumer group protocol of KIP-848 (`group.protocol=consumer`);
 * `streams` (KIP-1071) and `share` (KIP-932) are listed but not analysed.
 */
export const GroupType = z.enum(["classic", "consumer", "streams", "share"]);
export type GroupType = z.infer<typeof GroupType>;

/**
 * Extension: a group's state in its own protocol's names, kept beside `state` (which maps it onto
 * the classic names) for groups that are not classic: KIP-848 Stable, Assigning, Reconciling,
 * Empty, Dead; streams groups add NotReady. Unknown: a name this version does not know.
 */
export const ProtocolGroupState = z.enum(["Stable", "Assigning", "Reconciling", "Empty", "Dead", "NotReady", "Unknown"]);
export type ProtocolGroupState = z.infer<typeof ProtocolGroupState>;

/**
 * The platform a cluster runs on (config/flavors.ts says what each can do). Extension:
 * "msk-serverless" (MSK Serverless manages partitions and broker configs itself, unlike MSK
 * provisioned); documents without it stay valid.
 */
export const ClusterFlavor = z.enum(["apache", "confluent-cloud", "msk", "msk-serverless", "redpanda", "unknown"]);
export type ClusterFlavor = z.infer<typeof ClusterFlavor>;

export const CompatibilityLevel = z.enum([
  "BACKWARD",
  "BACKWARD_TRANSITIVE",
  "FORWARD",
  "FORWARD_TRANSITIVE",
  "FULL",
  "FULL_TRANSITIVE",
  "NONE",
]);
export type CompatibilityLevel = z.infer<typeof CompatibilityLevel>;

export const SchemaType = z.enum(["AVRO", "JSON", "PROTOBUF"]);
export type SchemaType = z.infer<typeof SchemaType>;
