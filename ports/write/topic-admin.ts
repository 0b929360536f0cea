/**
 * Topic administration as the executors need it. Config changes are incremental only
 * (IncrementalAlterConfigs): a change names the keys it sets or deletes and leaves every other
 * dynamic config of the resource as it was. (kafkajs's AlterConfigs replaces the whole set.)
 *
 * Owned by the topic-side executors (add_partitions, alter_topic_config, elect_preferred_leaders).
 */
export interface PartitionPlacement {
  partition: number;
  leader: number | null;
  replicas: number[];
  isr: number[];
}

export interface TopicDescription {
  name: string;
  partitions: PartitionPlacement[];
}

export type ConfigResource = { type: "topic"; name: string } | { type: "broker"; id: number | "default" };

export type ConfigChange = { name: string; op: "set"; value: string } | { name: string; op: "delete" };

export interface TopicAdminPort {
  /** The topic as the cluster reports it now; null when it does not exist. */
  describeTopic(topic: string): Promise<TopicDescription | null>;
  /** Dynamic (non-default) configs of a resource, as set now. */
  dynamicConfigs(resource: ConfigResource): Promise<Record<string, string>>;
  /** Raises the partition count to `total` (the broker refuses to reduce it). */
  createPartitions(topic: string, total: number): Promise<void>;
  incrementalAlterConfigs(resource: ConfigResource, changes: readonly ConfigChange[]): Promise<void>;
  /** Preferred-leader election for these partitions; per partition, the error the broker gave, if any. */
  electPreferredLeaders(partitions: readonly { topic: string; partition: number }[]): Promise<{ topic: string; partition: number; error?: string }[]>;
  /** Creates a topic if it is missing ("exists" otherwise); used for quarantine topics only. */
  ensureTopic(name: string, spec: { partitions: number; replicationFactor?: number; configs?: Record<string, string> }): Promise<"created" | "exists">;
}
