/**
 * In-memory TopicAdminPort over a MemoryCluster. It refuses what a broker refuses, with the
 * broker's reason (reducing partitions, a missing topic or broker, an election whose preferred
 * replica is out of sync), so an executor tested here meets the same refusals it meets live.
 */
import type { ConfigChange, ConfigResource, DynamicConfigs, ElectionResult, PartitionPlacement, TopicAdminPort, TopicDescription } from "../topic-admin.ts";
import type { MemoryCluster, MemoryTopic } from "./cluster.ts";
import { memoryReassignments } from "./reassignments.ts";

export function memoryTopics(cluster: MemoryCluster): TopicAdminPort {
  const topicOf = (name: string): MemoryTopic => {
    const t = cluster.topics.get(name);
    if (!t) throw new Error(`UNKNOWN_TOPIC_OR_PARTITION: topic ${name} does not exist`);
    return t;
  };
  const brokerKey = (id: number | "default"): string => {
    if (id !== "default" && !cluster.brokers.some((b) => b.id === id)) throw new Error(`broker ${id} is not in the cluster (brokers ${cluster.brokers.map((b) => b.id).join(", ")})`);
    return String(id);
  };
  const configsOf = (r: ConfigResource): Record<string, string> => {
    if (r.type === "topic") return topicOf(r.name).configs;
    const key = brokerKey(r.id);
    const existing = cluster.brokerConfigs.get(key);
    if (existing) return existing;
    const fresh: Record<string, string> = {};
    cluster.brokerConfigs.set(key, fresh);
    return fresh;
  };
  const describe = (name: string, t: MemoryTopic): TopicDescription => ({ name, partitions: structuredClone(t.partitions) });

  return {
    ...memoryReassignments(cluster),
    async describeTopic(topic) {
      const t = cluster.topics.get(topic);
      return t ? describe(topic, t) : null;
    },
    async describeTopics() {
      return [...cluster.topics].map(([name, t]) => describe(name, t));
    },
    async brokerIds() {
      return cluster.brokers.map((b) => b.id);
    },
    async dynamicConfigs(resource) {
      const out: DynamicConfigs = { ...configsOf(resource) };
      return out;
    },
    async createPartitions(topic, total, options) {
      const t = topicOf(topic);
      const current = t.partitions.length;
      if (!Number.isInteger(total) || total <= current) {
        throw new Error(`INVALID_PARTITIONS: topic ${topic} currently has ${current} partitions, ${total} would not add any (partitions are never reduced)`);
      }
      if (options?.validateOnly) return;
      const factor = t.partitions[0]?.replicas.length ?? 1;
      for (let p = current; p < total; p++) {
        const replicas = placement(cluster, p, factor);
        t.partitions.push({ partition: p, leader: replicas[0] ?? null, replicas, isr: [...replicas] });
        t.records.push([]);
        t.logStart.push(0);
      }
    },
    async incrementalAlterConfigs(resource, changes, options) {
      const configs = configsOf(resource);
      // Memory cannot know which names and values a broker accepts: only the resource is checked.
      if (options?.validateOnly) return;
      for (const c of changes) apply(configs, c);
    },
    async electPreferredLeaders(partitions) {
      return partitions.map(({ topic, partition }): ElectionResult => {
        const p = cluster.topics.get(topic)?.partitions.find((x) => x.partition === partition);
        if (!p) return { topic, partition, outcome: "failed", error: "UNKNOWN_TOPIC_OR_PARTITION: no such partition" };
        const preferred = p.replicas[0];
        if (preferred === undefined) return { topic, partition, outcome: "failed", error: "no replicas" };
        if (p.leader === preferred) return { topic, partition, outcome: "not-needed", error: "ELECTION_NOT_NEEDED: the preferred replica already leads" };
        if (!p.isr.includes(preferred)) return { topic, partition, outcome: "failed", error: `PREFERRED_LEADER_NOT_AVAILABLE: replica ${preferred} is not in sync` };
        p.leader = preferred;
        return { topic, partition, outcome: "elected" };
      });
    },
    async ensureTopic(name, spec) {
      if (cluster.topics.has(name)) return "exists";
      const factor = spec.replicationFactor ?? 1;
      if (factor > cluster.brokers.length) throw new Error(`INVALID_REPLICATION_FACTOR: ${factor} replicas asked, ${cluster.brokers.length} brokers`);
      const partitions: PartitionPlacement[] = Array.from({ length: spec.partitions }, (_, p) => {
        const replicas = placement(cluster, p, factor);
        return { partition: p, leader: replicas[0] ?? null, replicas, isr: [...replicas] };
      });
      cluster.topics.set(name, {
        partitions,
        records: partitions.map(() => []),
        logStart: partitions.map(() => 0),
        configs: { ...(spec.configs ?? {}) },
      });
      return "created";
    },
  };
}

function apply(configs: Record<string, string>, c: ConfigChange): void {
  if (c.op === "set") configs[c.name] = c.value;
  else delete configs[c.name];
}

/** Round-robin replica placement starting at the partition's index, as Kafka's default assignor roughly does. */
function placement(cluster: MemoryCluster, partition: number, factor: number): number[] {
  const ids = cluster.brokers.map((b) => b.id);
  return Array.from({ length: Math.min(factor, ids.length) }, (_, r) => ids[(partition + r) % ids.length]!);
}
