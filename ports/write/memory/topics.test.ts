import { describe, expect, it } from "vitest";
import { emptyCluster } from "./cluster.ts";
import { memoryTopics } from "./topics.ts";
import { addTopic } from "../../../remediation/executors/topic-testing.ts";

describe("in-memory topic admin", () => {
  it("adds partitions round-robin with the topic's replication factor, each led by its first replica", async () => {
    const cluster = emptyCluster([1, 2, 3]);
    addTopic(cluster, "orders", [[1, [1, 2]], [2, [2, 3]]]);
    const topics = memoryTopics(cluster);
    await topics.createPartitions("orders", 4);
    expect((await topics.describeTopic("orders"))?.partitions).toEqual([
      { partition: 0, leader: 1, replicas: [1, 2], isr: [1, 2] },
      { partition: 1, leader: 2, replicas: [2, 3], isr: [2, 3] },
      { partition: 2, leader: 3, replicas: [3, 1], isr: [3, 1] },
      { partition: 3, leader: 1, replicas: [1, 2], isr: [1, 2] },
    ]);
    expect(cluster.topics.get("orders")?.records).toEqual([[], [], [], []]);
  });

  it("validateOnly checks and changes nothing", async () => {
    const cluster = emptyCluster([1]);
    addTopic(cluster, "orders", [[1, [1]]], { "cleanup.policy": "compact" });
    const topics = memoryTopics(cluster);
    await topics.createPartitions("orders", 3, { validateOnly: true });
    await topics.incrementalAlterConfigs({ type: "topic", name: "orders" }, [{ name: "cleanup.policy", op: "delete" }], { validateOnly: true });
    expect(cluster.topics.get("orders")?.partitions).toHaveLength(1);
    expect(cluster.topics.get("orders")?.configs).toEqual({ "cleanup.policy": "compact" });
    await expect(topics.createPartitions("orders", 1, { validateOnly: true })).rejects.toThrow("INVALID_PARTITIONS");
  });

  it("refuses to reduce or keep the partition count, and a topic that does not exist", async () => {
    const cluster = emptyCluster([1]);
    addTopic(cluster, "orders", [[1, [1]], [1, [1]]]);
    const topics = memoryTopics(cluster);
    await expect(topics.createPartitions("orders", 1)).rejects.toThrow("INVALID_PARTITIONS: topic orders currently has 2 partitions, 1 would not add any (partitions are never reduced)");
    await expect(topics.createPartitions("orders", 2)).rejects.toThrow("currently has 2 partitions");
    await expect(topics.createPartitions("nope", 3)).rejects.toThrow("UNKNOWN_TOPIC_OR_PARTITION: topic nope does not exist");
    expect(cluster.topics.get("orders")?.partitions).toHaveLength(2);
  });

  it("changes only the configs named: an unrelated dynamic config survives a set and a delete", async () => {
    const cluster = emptyCluster([1, 2]);
    addTopic(cluster, "orders", [[1, [1]]], { "cleanup.policy": "compact", "retention.ms": "86400000" });
    const topics = memoryTopics(cluster);
    await topics.incrementalAlterConfigs({ type: "topic", name: "orders" }, [
      { name: "retention.ms", op: "set", value: "604800000" },
      { name: "segment.ms", op: "delete" },
    ]);
    expect(await topics.dynamicConfigs({ type: "topic", name: "orders" })).toEqual({ "cleanup.policy": "compact", "retention.ms": "604800000" });
    await topics.incrementalAlterConfigs({ type: "topic", name: "orders" }, [{ name: "retention.ms", op: "delete" }]);
    expect(await topics.dynamicConfigs({ type: "topic", name: "orders" })).toEqual({ "cleanup.policy": "compact" });
  });

  it("keeps broker configs per broker and for the cluster-wide default, and refuses an unknown broker", async () => {
    const cluster = emptyCluster([1, 2]);
    const topics = memoryTopics(cluster);
    await topics.incrementalAlterConfigs({ type: "broker", id: 2 }, [{ name: "log.cleaner.threads", op: "set", value: "2" }]);
    await topics.incrementalAlterConfigs({ type: "broker", id: "default" }, [{ name: "num.io.threads", op: "set", value: "16" }]);
    expect(await topics.dynamicConfigs({ type: "broker", id: 2 })).toEqual({ "log.cleaner.threads": "2" });
    expect(await topics.dynamicConfigs({ type: "broker", id: 1 })).toEqual({});
    expect(await topics.dynamicConfigs({ type: "broker", id: "default" })).toEqual({ "num.io.threads": "16" });
    await expect(topics.dynamicConfigs({ type: "broker", id: 7 })).rejects.toThrow("broker 7 is not in the cluster (brokers 1, 2)");
  });

  it("elects the preferred replica where it is in sync, and says why not elsewhere", async () => {
    const cluster = emptyCluster([1, 2, 3]);
    addTopic(cluster, "orders", [[2, [1, 2]], [2, [2, 3]], [3, [1, 3], [3]]]);
    const results = await memoryTopics(cluster).electPreferredLeaders([
      { topic: "orders", partition: 0 },
      { topic: "orders", partition: 1 },
      { topic: "orders", partition: 2 },
      { topic: "orders", partition: 9 },
    ]);
    expect(results).toEqual([
      { topic: "orders", partition: 0, outcome: "elected" },
      { topic: "orders", partition: 1, outcome: "not-needed", error: "ELECTION_NOT_NEEDED: the preferred replica already leads" },
      { topic: "orders", partition: 2, outcome: "failed", error: "PREFERRED_LEADER_NOT_AVAILABLE: replica 1 is not in sync" },
      { topic: "orders", partition: 9, outcome: "failed", error: "UNKNOWN_TOPIC_OR_PARTITION: no such partition" },
    ]);
    expect(cluster.topics.get("orders")?.partitions.map((p) => p.leader)).toEqual([1, 2, 3]);
  });

  it("creates a missing topic once", async () => {
    const cluster = emptyCluster([1, 2]);
    const topics = memoryTopics(cluster);
    expect(await topics.ensureTopic("orders.quarantine", { partitions: 2, replicationFactor: 2, configs: { "retention.ms": "-1" } })).toBe("created");
    expect(await topics.ensureTopic("orders.quarantine", { partitions: 5 })).toBe("exists");
    expect((await topics.describeTopic("orders.quarantine"))?.partitions.map((p) => p.replicas)).toEqual([[1, 2], [2, 1]]);
    expect(await topics.dynamicConfigs({ type: "topic", name: "orders.quarantine" })).toEqual({ "retention.ms": "-1" });
    await expect(topics.ensureTopic("wide", { partitions: 1, replicationFactor: 3 })).rejects.toThrow("INVALID_REPLICATION_FACTOR: 3 replicas asked, 2 brokers");
    expect((await topics.describeTopics()).map((t) => t.name)).toEqual(["orders.quarantine"]);
  });
});
