/**
 * Topic administration as the executors need it. Config changes are incremental only
 * (IncrementalAlterConfigs): a change names the keys it sets or deletes and leaves every other
 * dynamic config of the resource as it was. (kafkajs's AlterConfigs replaces the whole set.)
 *
 * Owned by the topic-side executors (add_partitions, alter_topic_config, elect_preferred_leaders).
 * Every method throws on failure with a message naming what failed (already redacted); nothing
 * here retries a write.
 */
export interface PartitionPlacement {
  partition: number;
  /** null while the partition has no leader. */
  leader: number | null;
  /** In assignment order: the first is the preferred leader. */
  replicas: number[];
  isr: number[];
}

export interface TopicDescription {
  name: string;
  partitions: PartitionPlacement[];
}

/** A topic's configs, a broker's own (by id), or the cluster-wide broker default ("default"). */
export type ConfigResource = { type: "topic"; name: string } | { type: "broker"; id: number | "default" };

export type ConfigChange = { name: string; op: "set"; value: string } | { name: string; op: "delete" };

/**
 * Dynamic configs by name. null: set, but the broker does not disclose the value (a sensitive
 * config such as a password): callers never print it and never change it.
 */
export type DynamicConfigs = Record<string, string | null>;

/** One partition's outcome of a preferred-leader election. */
export interface ElectionResult {
  topic: string;
  partition: number;
  /** "not-needed": the preferred replica already leads (Kafka's ELECTION_NOT_NEEDED). */
  outcome: "elected" | "not-needed" | "failed";
  /** The broker's error name and message, when it gave one. */
  error?: string;
}

/** A replica assignment to reach (`replicas`), or null: cancel the partition's reassignment in flight. */
export interface ReassignmentChange {
  topic: string;
  partition: number;
  replicas: number[] | null;
}

/** One partition's answer to an AlterPartitionReassignments request; `error` when the broker refused it. */
export interface ReassignmentResult {
  topic: string;
  partition: number;
  error?: string;
}

/** A reassignment in flight, as ListPartitionReassignments reports it. */
export interface OngoingReassignment {
  topic: string;
  partition: number;
  /** The replica set during the move: the target and the replicas being removed. */
  replicas: number[];
  adding: number[];
  removing: number[];
}

/** Bytes one broker holds of one partition (DescribeLogDirs, summed over its log dirs). */
export interface ReplicaSize {
  broker: number;
  topic: string;
  partition: number;
  bytes: number;
}

export interface WriteOptions {
  validateOnly?: boolean;
}

export interface TopicAdminPort {
  /** The topic as the cluster reports it now; null when it does not exist. */
  describeTopic(topic: string): Promise<TopicDescription | null>;
  /** Every topic the cluster reports (internal ones included: callers filter), with its placement. */
  describeTopics(): Promise<TopicDescription[]>;
  /** Ids of the brokers in the cluster now. */
  brokerIds(): Promise<number[]>;
  /** Dynamic (non-default) configs of a resource, as set now. Throws when the topic or broker does not exist. */
  dynamicConfigs(resource: ConfigResource): Promise<DynamicConfigs>;
  /**
   * Raises the partition count to `total` (the broker refuses to reduce it, and so does every adapter).
   * validateOnly: the broker checks the request and changes nothing (what a dry run asks).
   */
  createPartitions(topic: string, total: number, options?: WriteOptions): Promise<void>;
  /** validateOnly: the broker checks names and values and changes nothing (what a dry run asks). */
  incrementalAlterConfigs(resource: ConfigResource, changes: readonly ConfigChange[], options?: WriteOptions): Promise<void>;
  /** Preferred-leader election (ElectLeaders, type PREFERRED) for these partitions: one result per partition asked. */
  electPreferredLeaders(partitions: readonly { topic: string; partition: number }[]): Promise<ElectionResult[]>;
  /** Creates a topic if it is missing ("exists" otherwise); used for quarantine topics only. */
  ensureTopic(name: string, spec: { partitions: number; replicationFactor?: number; configs?: Record<string, string> }): Promise<"created" | "exists">;
  /**
   * Reassignment (issue 10; optional: an adapter without them cannot reassign, and the executor says so).
   * AlterPartitionReassignments: one result per partition asked, in the order asked.
   */
  alterPartitionReassignments?(changes: readonly ReassignmentChange[]): Promise<ReassignmentResult[]>;
  /** Every reassignment in flight in the cluster. */
  listPartitionReassignments?(): Promise<OngoingReassignment[]>;
  /** The brokers with their racks (broker.rack), for rack-aware placement. */
  brokerRacks?(): Promise<{ id: number; rack?: string }[]>;
  /** Replica sizes on every broker for these topics (every topic when absent). */
  replicaSizes?(topics?: readonly string[]): Promise<ReplicaSize[]>;
  close?(): Promise<void>;
}

/** "broker 1", "the cluster-wide broker default", "topic orders": for messages. */
export function resourceName(r: ConfigResource): string {
  if (r.type === "topic") return `topic ${r.name}`;
  return r.id === "default" ? "the cluster-wide broker default" : `broker ${r.id}`;
}
