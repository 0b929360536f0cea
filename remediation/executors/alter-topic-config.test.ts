import { describe, expect, it } from "vitest";
import { emptyCluster } from "../../ports/write/memory/cluster.ts";
import { alterTopicConfig } from "./alter-topic-config.ts";
import { action, addTopic, context, NOW } from "./topic-testing.ts";

const orders = () => {
  const cluster = emptyCluster([1, 2]);
  addTopic(cluster, "orders", [[1, [1, 2]]], { "cleanup.policy": "compact", "max.message.bytes": "2097152" });
  return cluster;
};

describe("alter_topic_config", () => {
  it("dry run: each key's dynamic value before and after, and the other dynamic configs named as untouched", async () => {
    const cluster = orders();
    const a = action("alter_topic_config", { topic: "orders", "max.message.bytes": 4194304, "min.insync.replicas": "2", delete: ["segment.ms"] });
    const prepared = await alterTopicConfig.dryRun(a, context(cluster));
    expect(prepared.output).toEqual({
      at: NOW.toISOString(),
      effect: ["topic orders: max.message.bytes 2097152 -> 4194304", "topic orders: min.insync.replicas (not set) -> 2"],
      warnings: ["incremental: the other dynamic config of topic orders stays as it is (cleanup.policy)", "already as asked, left alone: segment.ms removed"],
    });
    expect(prepared.precondition).toEqual({
      resource: { type: "topic", name: "orders" },
      values: { "max.message.bytes": "2097152", "min.insync.replicas": null, "segment.ms": null },
    });
    expect(cluster.topics.get("orders")?.configs).toEqual({ "cleanup.policy": "compact", "max.message.bytes": "2097152" });
  });

  it("apply changes only the keys named; verify reads them back; rollback restores the values before", async () => {
    const cluster = orders();
    const ctx = context(cluster);
    const a = action("alter_topic_config", { topic: "orders", "max.message.bytes": "4194304", "min.insync.replicas": "2" });
    const applied = await alterTopicConfig.apply(a, await alterTopicConfig.dryRun(a, ctx), ctx);
    expect(applied.output).toEqual(["topic orders: max.message.bytes 2097152 -> 4194304", "topic orders: min.insync.replicas (not set) -> 2"]);
    expect(cluster.topics.get("orders")?.configs).toEqual({ "cleanup.policy": "compact", "max.message.bytes": "4194304", "min.insync.replicas": "2" });
    expect(await alterTopicConfig.verify(a, applied, ctx)).toEqual({ ok: true, detail: "topic orders: max.message.bytes=4194304, min.insync.replicas=2 read back as set" });

    cluster.topics.get("orders")!.configs["min.insync.replicas"] = "1"; // someone else changed it since
    expect(await alterTopicConfig.verify(a, applied, ctx)).toEqual({ ok: false, detail: "topic orders: min.insync.replicas is 1, expected 2" });

    if (!alterTopicConfig.rollback.possible) throw new Error("alter_topic_config must have a rollback");
    expect(await alterTopicConfig.rollback.run(a, applied, ctx)).toEqual([
      "topic orders: max.message.bytes restored to 2097152",
      "topic orders: min.insync.replicas restored to (not set: the default applies)",
    ]);
    expect(cluster.topics.get("orders")?.configs).toEqual({ "cleanup.policy": "compact", "max.message.bytes": "2097152" });
  });

  it("changes broker-level configs, per broker or the cluster-wide default, through the same port", async () => {
    const cluster = orders();
    cluster.brokerConfigs.set("default", { "log.retention.check.interval.ms": "300000" });
    const ctx = context(cluster);
    const a = action("alter_topic_config", { broker: "default", "num.replica.fetchers": 4 });
    const prepared = await alterTopicConfig.dryRun(a, ctx);
    expect(prepared.output.effect).toEqual(["the cluster-wide broker default: num.replica.fetchers (not set) -> 4"]);
    expect(prepared.output.warnings).toEqual([
      "incremental: the other dynamic config of the cluster-wide broker default stays as it is (log.retention.check.interval.ms)",
      "a cluster-wide broker default applies to every broker that has no value of its own for the key",
    ]);
    await alterTopicConfig.apply(a, prepared, ctx);
    expect(cluster.brokerConfigs.get("default")).toEqual({ "log.retention.check.interval.ms": "300000", "num.replica.fetchers": "4" });
    const one = await alterTopicConfig.dryRun(action("alter_topic_config", { broker: 2, "log.cleaner.threads": "2" }), ctx);
    expect(one.output.warnings.at(-1)).toBe("applies to broker 2 only; the other brokers keep theirs");
    expect((await alterTopicConfig.dryRun(action("alter_topic_config", { broker: 9, "log.cleaner.threads": "2" }), ctx)).output.refusal).toBe(
      "cannot read the configs of broker 9: broker 9 is not in the cluster (brokers 1, 2)",
    );
  });

  it("refuses what would change nothing, a sensitive config, and a topic that does not exist", async () => {
    const cluster = orders();
    const ctx = context(cluster);
    expect((await alterTopicConfig.dryRun(action("alter_topic_config", { topic: "orders", "cleanup.policy": "compact" }), ctx)).output.refusal).toBe(
      "nothing to change: topic orders already has cleanup.policy=compact",
    );
    const topics = ctx.write.topics;
    ctx.write.topics = { ...topics, dynamicConfigs: async () => ({ "sasl.jaas.config": null }) };
    expect((await alterTopicConfig.dryRun(action("alter_topic_config", { broker: 1, "sasl.jaas.config": "x s3cr3t" }), ctx)).output.refusal).toBe(
      "sasl.jaas.config on broker 1 is sensitive (the broker does not disclose the value): change it by hand",
    );
    ctx.write.topics = topics;
    expect((await alterTopicConfig.dryRun(action("alter_topic_config", { topic: "gone", "retention.ms": "1" }), ctx)).output.refusal).toBe(
      "cannot read the configs of topic gone: UNKNOWN_TOPIC_OR_PARTITION: topic gone does not exist",
    );
  });

  it("refuses in the dry run what the broker's validation rejects, changing nothing", async () => {
    const cluster = orders();
    const ctx = context(cluster);
    const topics = ctx.write.topics;
    const asked: unknown[] = [];
    ctx.write.topics = {
      ...topics,
      incrementalAlterConfigs: async (r, changes, options) => {
        asked.push(options);
        throw new Error(`change configs of topic orders: INVALID_CONFIG: Unknown topic config name: ${changes[0]?.name}`);
      },
    };
    const prepared = await alterTopicConfig.dryRun(action("alter_topic_config", { topic: "orders", "retention.msx": "1" }), ctx);
    expect(prepared.output.refusal).toBe("the broker rejects the change: change configs of topic orders: INVALID_CONFIG: Unknown topic config name: retention.msx");
    expect(asked).toEqual([{ validateOnly: true }]);
    expect(cluster.topics.get("orders")?.configs).toEqual({ "cleanup.policy": "compact", "max.message.bytes": "2097152" });
  });

  it("rejects malformed actions with the param named", async () => {
    const ctx = context(orders());
    const bad = async (params: Record<string, string | number | string[]>) => alterTopicConfig.dryRun(action("alter_topic_config", params), ctx);
    await expect(bad({ "retention.ms": "1" })).rejects.toThrow("alter_topic_config: name exactly one resource, params.topic or params.broker");
    await expect(bad({ topic: "orders", broker: 1, "retention.ms": "1" })).rejects.toThrow("name exactly one resource");
    await expect(bad({ broker: "all", "retention.ms": "1" })).rejects.toThrow('params.broker must be a broker id or "default", got "all"');
    await expect(bad({ topic: "orders", "Retention MS": "1" })).rejects.toThrow("params.Retention MS is not a config name");
    await expect(bad({ topic: "orders", "retention.ms": ["1"] })).rejects.toThrow("params.retention.ms must be a single value");
    await expect(bad({ topic: "orders", "retention.ms": "1", delete: ["retention.ms"] })).rejects.toThrow("retention.ms is both set and deleted");
    await expect(bad({ topic: "orders" })).rejects.toThrow("no config to set or delete");
  });
});
