/**
 * The topic side against the REAL broker: the live TopicAdminPort (kafkajs + @platformatic/kafka)
 * and the add_partitions, alter_topic_config and elect_preferred_leaders executors through it.
 * What each test shows is read back with a separate kafkajs admin, not through the port under test.
 *
 * Names carry a random suffix (other suites share the broker). Broker-level changes use only
 * log-cleaner settings, set to values that change nothing for anyone else, and are removed after.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ConfigResourceTypes } from "kafkajs";
import type { DescribeConfigResponse } from "kafkajs";
import { action } from "../../../remediation/executors/topic-testing.ts";
import { addPartitions } from "../../../remediation/executors/add-partitions.ts";
import { alterTopicConfig } from "../../../remediation/executors/alter-topic-config.ts";
import { electPreferredLeaders } from "../../../remediation/executors/elect-preferred-leaders.ts";
import type { ExecutionContext } from "../../../remediation/executors/executor.ts";
import { redactor } from "../../../config/secret.ts";
import { callPolicy } from "../../live/call.ts";
import { Cleanup, createTopic, liveSettings, uid, waitFor, workloadKafka } from "../../../test/live/helpers.ts";
import type { GroupAdminPort } from "../group-admin.ts";
import type { DeploymentPort } from "../deployment.ts";
import type { WritePorts } from "../ports.ts";
import type { TopicAdminPort } from "../topic-admin.ts";
import { liveTopics } from "./topics.ts";

const bootstrap = inject("bootstrap");
const id = uid();
const topicName = (what: string) => `h1-topics-${id}-${what}`;

describe("topic side on the real broker", () => {
  const kafka = workloadKafka(bootstrap, `h1-topics-${id}`);
  const admin = kafka.admin();
  const cleanup = new Cleanup();
  const settings = liveSettings({ bootstrap, calls: { deadline: "10s" } });
  const redact = redactor([]);
  let topics: TopicAdminPort;
  /** Groups reading each topic, as the (separately owned) group port would list them. */
  const readers: Record<string, string[]> = {};
  let ctx: ExecutionContext;

  beforeAll(async () => {
    await admin.connect();
    cleanup.add("disconnect workload admin", () => admin.disconnect());
    topics = liveTopics({ settings, redact, policy: callPolicy(settings, redact) });
    cleanup.add("close live topic port", () => topics.close!());
    const groups = { groupsReading: async (t: string) => readers[t] ?? [] } as unknown as GroupAdminPort;
    const deployments = { describe: async () => null } as unknown as DeploymentPort;
    const write = { topics, groups, deployments, records: {} as WritePorts["records"], describe: () => `live cluster ${bootstrap}` } satisfies WritePorts;
    ctx = { write, now: () => new Date(), settle: async () => {}, redact, clientConfigs: {} };
  });

  afterAll(async () => {
    const failures = await cleanup.run();
    expect(failures).toEqual([]);
  });

  /** Dynamic topic configs as kafkajs reads them (DescribeConfigs, config source DYNAMIC_TOPIC_CONFIG = 1). */
  const topicConfigs = async (topic: string): Promise<Record<string, string>> => {
    const r: DescribeConfigResponse = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
    return Object.fromEntries((r.resources[0]?.configEntries ?? []).filter((c) => c.configSource === 1).map((c) => [c.configName, c.configValue]));
  };

  it("alter_topic_config is incremental: a dynamic config set first survives the change, and rollback restores the value before", async () => {
    const topic = topicName("config");
    await createTopic(admin, topic, 1);
    cleanup.add(`delete ${topic}`, () => admin.deleteTopics({ topics: [topic] }));
    // The unrelated dynamic config, set first by someone else (kafkajs, not the port under test).
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: "max.message.bytes", value: "2097152" }] }] });
    await waitFor("max.message.bytes set", () => topicConfigs(topic), (c) => c["max.message.bytes"] === "2097152");

    const a = action("alter_topic_config", { topic, "retention.ms": "172800000", "segment.bytes": 536870912 });
    const prepared = await alterTopicConfig.dryRun(a, ctx);
    expect(prepared.output.effect).toEqual([`topic ${topic}: retention.ms (not set) -> 172800000`, `topic ${topic}: segment.bytes (not set) -> 536870912`]);
    expect(prepared.output.warnings).toEqual([`incremental: the other dynamic config of topic ${topic} stays as it is (max.message.bytes)`]);
    const applied = await alterTopicConfig.apply(a, prepared, ctx);
    await waitFor("retention.ms set", () => topicConfigs(topic), (c) => c["retention.ms"] === "172800000");
    expect(await topicConfigs(topic)).toEqual({ "max.message.bytes": "2097152", "retention.ms": "172800000", "segment.bytes": "536870912" });
    expect(await alterTopicConfig.verify(a, applied, ctx)).toEqual({ ok: true, detail: `topic ${topic}: retention.ms=172800000, segment.bytes=536870912 read back as set` });

    if (!alterTopicConfig.rollback.possible) throw new Error("alter_topic_config must have a rollback");
    await alterTopicConfig.rollback.run(a, applied, ctx);
    await waitFor("retention.ms removed", () => topicConfigs(topic), (c) => !("retention.ms" in c));
    expect(await topicConfigs(topic)).toEqual({ "max.message.bytes": "2097152" });
  });

  it("alter_topic_config's dry run asks the broker to validate: an unknown name and a bad value are refused, nothing changes", async () => {
    const topic = topicName("validate");
    await createTopic(admin, topic, 1);
    cleanup.add(`delete ${topic}`, () => admin.deleteTopics({ topics: [topic] }));
    const unknown = await alterTopicConfig.dryRun(action("alter_topic_config", { topic, "retention.msx": "1000" }), ctx);
    expect(unknown.output.refusal).toBe(
      `the broker rejects the change: validate config change of topic ${topic}: Incrementally altering configs failed. (INVALID_CONFIG: Unknown topic config name: retention.msx)`,
    );
    const bad = await alterTopicConfig.dryRun(action("alter_topic_config", { topic, "retention.ms": "soon" }), ctx);
    expect(bad.output.refusal).toBe(
      `the broker rejects the change: validate config change of topic ${topic}: Incrementally altering configs failed. (INVALID_CONFIG: Invalid value soon for configuration retention.ms: Not a number of type LONG)`,
    );
    const fine = await alterTopicConfig.dryRun(action("alter_topic_config", { topic, "retention.ms": "172800000" }), ctx);
    expect(fine.output.refusal).toBeUndefined();
    expect(await topicConfigs(topic)).toEqual({});
  });

  it("alter_topic_config on a broker and on the cluster-wide broker default: only the keys named change", async () => {
    const [broker] = await topics.brokerIds();
    expect(broker).toBeTypeOf("number");
    const perBroker = { type: "broker", id: broker! } as const;
    const clusterDefault = { type: "broker", id: "default" } as const;
    cleanup.add("remove the broker-level test configs", async () => {
      await topics.incrementalAlterConfigs(perBroker, [{ name: "log.cleaner.backoff.ms", op: "delete" }, { name: "log.cleaner.io.buffer.load.factor", op: "delete" }]);
      await topics.incrementalAlterConfigs(clusterDefault, [{ name: "log.cleaner.backoff.ms", op: "delete" }]);
    });
    // Unrelated, set first: the broker's default value, so nothing behaves differently for anyone.
    await topics.incrementalAlterConfigs(perBroker, [{ name: "log.cleaner.io.buffer.load.factor", op: "set", value: "0.9" }]);
    await waitFor("load factor set", () => topics.dynamicConfigs(perBroker), (c) => c["log.cleaner.io.buffer.load.factor"] === "0.9");

    const a = action("alter_topic_config", { broker: broker!, "log.cleaner.backoff.ms": "15000" });
    const prepared = await alterTopicConfig.dryRun(a, ctx);
    expect(prepared.output.effect).toEqual([`broker ${broker}: log.cleaner.backoff.ms (not set) -> 15000`]);
    const applied = await alterTopicConfig.apply(a, prepared, ctx);
    await waitFor("backoff set", () => topics.dynamicConfigs(perBroker), (c) => c["log.cleaner.backoff.ms"] === "15000");
    const own = await topics.dynamicConfigs(perBroker);
    expect([own["log.cleaner.io.buffer.load.factor"], own["log.cleaner.backoff.ms"]]).toEqual(["0.9", "15000"]);
    expect((await alterTopicConfig.verify(a, applied, ctx)).ok).toBe(true);

    const d = action("alter_topic_config", { broker: "default", "log.cleaner.backoff.ms": "15000" });
    const onDefault = await alterTopicConfig.apply(d, await alterTopicConfig.dryRun(d, ctx), ctx);
    await waitFor("default set", () => topics.dynamicConfigs(clusterDefault), (c) => c["log.cleaner.backoff.ms"] === "15000");
    expect((await alterTopicConfig.verify(d, onDefault, ctx)).ok).toBe(true);
    // The per-broker set is not the default's: the broker's own keys are not listed there.
    expect("log.cleaner.io.buffer.load.factor" in (await topics.dynamicConfigs(clusterDefault))).toBe(false);
  });

  it("add_partitions raises the count to the target, verify reads the new partitions back with leaders, never reduces", async () => {
    const topic = topicName("grow");
    await createTopic(admin, topic, 2);
    cleanup.add(`delete ${topic}`, () => admin.deleteTopics({ topics: [topic] }));
    readers[topic] = [`h1-topics-${id}-reader`];
    ctx.clientConfigs = { [`h1-topics-${id}-reader`]: { "auto.offset.reset": "latest" } };

    const a = action("add_partitions", { topic, from: 2, to: 5, producedPerSec: 900, consumerCapacityPerSec: 300 });
    const prepared = await addPartitions.dryRun(a, ctx);
    expect(prepared.output.refusal).toBeUndefined();
    expect(prepared.output.effect).toEqual([
      `topic ${topic}: partitions 2 -> 5 (adds partitions 2..4; replicas placed by the brokers, replication factor 1)`,
      "per-partition write rate 450/s -> 180/s at the measured 900/s",
    ]);
    expect(prepared.output.warnings.slice(1)).toEqual([
      `groups reading ${topic}: h1-topics-${id}-reader (auto.offset.reset=latest, from settings clientConfigs)`,
      `h1-topics-${id}-reader: a consumer with auto.offset.reset=latest that is assigned a new partition after producers wrote to it starts at its end and skips those records; set auto.offset.reset=earliest on it before adding partitions`,
    ]);
    expect(prepared.precondition).toEqual({ topic, partitions: 2 });

    const applied = await addPartitions.apply(a, prepared, ctx);
    const meta = await waitFor("5 partitions with leaders", () => admin.fetchTopicMetadata({ topics: [topic] }), (m) => m.topics[0]?.partitions.length === 5 && m.topics[0].partitions.every((p) => p.leader >= 0));
    expect(meta.topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(await addPartitions.verify(a, applied, ctx)).toEqual({ ok: true, detail: `topic ${topic} has 5 partitions, each new one with a leader` });

    expect((await addPartitions.dryRun(a, ctx)).output.refusal).toBe(`topic ${topic} already has 5 partitions (target 5): nothing to add, and partitions are never reduced`);
    await expect(topics.createPartitions(topic, 3)).rejects.toThrow(`add partitions to ${topic}: topic ${topic} has 5 partitions; 3 would not add any (partitions are never reduced)`);
    expect((await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions).toHaveLength(5);
  });

  it("elect_preferred_leaders goes through ElectLeaders: on one broker every partition is already led by its preferred replica", async () => {
    const topic = topicName("elect");
    await createTopic(admin, topic, 3);
    cleanup.add(`delete ${topic}`, () => admin.deleteTopics({ topics: [topic] }));

    // The real round trip: request encoded, broker's per-partition answers decoded.
    const results = await topics.electPreferredLeaders([
      { topic, partition: 0 },
      { topic, partition: 2 },
      { topic, partition: 99 },
    ]);
    expect(results.map((r) => [r.partition, r.outcome, r.error?.split(":")[0]])).toEqual([
      [0, "not-needed", "ELECTION_NOT_NEEDED"],
      [2, "not-needed", "ELECTION_NOT_NEEDED"],
      [99, "failed", "UNKNOWN_TOPIC_OR_PARTITION"],
    ]);

    const prepared = await electPreferredLeaders.dryRun(action("elect_preferred_leaders", { topic }), ctx);
    expect(prepared.output.refusal).toBe("every partition in scope is led by its preferred replica");
    const described = await topics.describeTopic(topic);
    expect(described?.partitions.map((p) => [p.partition, p.leader === p.replicas[0]])).toEqual([[0, true], [1, true], [2, true]]);
  });

  it("ensureTopic creates a quarantine topic once, with its configs", async () => {
    const topic = topicName("quarantine");
    cleanup.add(`delete ${topic}`, () => admin.deleteTopics({ topics: [topic] }));
    expect(await topics.ensureTopic(topic, { partitions: 2, replicationFactor: 1, configs: { "retention.ms": "1209600000" } })).toBe("created");
    expect(await topics.ensureTopic(topic, { partitions: 7 })).toBe("exists");
    expect((await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions).toHaveLength(2);
    expect(await topicConfigs(topic)).toEqual({ "retention.ms": "1209600000" });
  });

  it("describes a missing topic as null without creating it", async () => {
    const missing = topicName("missing");
    expect(await topics.describeTopic(missing)).toBeNull();
    expect((await admin.listTopics()).includes(missing)).toBe(false);
    await expect(topics.dynamicConfigs({ type: "topic", name: missing })).rejects.toThrow(`describe configs of topic ${missing}`);
  });
});
