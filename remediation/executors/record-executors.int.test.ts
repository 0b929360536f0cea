// skip_poison_message and quarantine_messages against the REAL shared broker (devtools global setup),
// through the live write ports. A real kafkajs consumer is the group's active member; a test
// deployment port stops and starts it (the targets themselves are tested in ports/write/targets).
// Run: npm run test:integration -- remediation/executors/record-executors.int.test.ts
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { Kafka, logLevel, Partitioners, type Consumer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Settings } from "../../config/settings.ts";
import { kafkaHome, kafkaVersion } from "../../devtools/cluster/kafka.ts";
import { sleep } from "../../devtools/cluster/util.ts";
import { createPlatformaticAdmin } from "../../ports/write/live/platformatic-admin.ts";
import type { Action } from "../../contract/report.ts";
import type { DeploymentPort } from "../../ports/write/deployment.ts";
import { liveWritePorts } from "../../ports/write/live/index.ts";
import type { WritePorts } from "../../ports/write/ports.ts";
import type { ExecutionContext } from "./executor.ts";
import { quarantineMessages } from "./quarantine-messages.ts";
import { lastHeader } from "./record-headers.ts";
import { skipPoisonMessage } from "./skip-poison-message.ts";

const bootstrap = inject("bootstrap");
const suffix = `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
const topic = `it-skip-${suffix}`;
const group = `it-skip-billing-${suffix}`;
const dlq = `it-q-${suffix}.DLQ`;
const kafka = new Kafka({ clientId: `it-records-${suffix}`, brokers: [bootstrap], logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const settings = Settings.parse({ kafka: { bootstrap: [bootstrap], clientId: `it-exec-${suffix}` }, calls: { deadline: "15s", retries: 3, backoff: "200ms" } });
let write: WritePorts;
const ctx = (): ExecutionContext => ({ write, now: () => new Date(), settle: (ms) => new Promise((r) => setTimeout(r, ms)), redact: (s) => s });

/** A consumer of the group that reads and never commits (it is "stuck"); resolves once it has joined. */
async function startMember(seen: string[], onMessage: () => void = () => {}): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 200 });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic] });
  await consumer.run({ autoCommit: false, eachMessage: async ({ partition, message }) => {
    seen.push(`${partition}@${message.offset}`);
    onMessage();
  } });
  await joined;
  return consumer;
}

beforeAll(async () => {
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2, replicationFactor: 1 }, { topic: dlq, numPartitions: 1, replicationFactor: 1 }] });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ partition: 1, key: `p-${i}`, value: i === 5 ? "not json {" : `{"n":${i}}`, headers: { "x-trace": `t-${i}` } })) });
  await producer.send({ topic: dlq, messages: Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, headers: { "__connect.errors.exception.message": "Unknown magic byte!" } })) });
  await producer.disconnect();
  // The group is stuck at the poison record: committed 5 on partition 1.
  await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: "0" }, { partition: 1, offset: "5" }] });
  write = liveWritePorts(settings);
});

afterAll(async () => {
  await write?.close?.();
  await admin.deleteGroups([group, `kafka-ops-dlq.${dlq}`]).catch(() => {});
  await admin.deleteTopics({ topics: [topic, dlq, `${topic}.quarantine`, `${dlq}.quarantine`] }).catch(() => {});
  await admin.disconnect();
});

const skip: Action = { kind: "skip_poison_message", risk: "medium", requiresApproval: true, status: "approved", rationale: "it", params: { group, topic, partition: 1, offset: "5", stopTimeoutMs: 30_000 } };

describe("skip_poison_message on a real broker", () => {
  it("refuses while the group has an active member and no deployment target can stop it; stop -> move -> start when one can", async () => {
    const seen: string[] = [];
    let member: Consumer | undefined = await startMember(seen);
    try {
      expect(await write.groups.groupsReading(topic)).toEqual([group]);
      const described = await write.groups.describeGroup(group);
      expect(described.members).toHaveLength(1);
      expect(described.members[0]!.assignment).toEqual([{ topic, partitions: [0, 1] }]);

      const refused = await skipPoisonMessage.dryRun(skip, ctx());
      expect(refused.output.refusal).toMatch(
        new RegExp(`^group ${group} has 1 active member\\(s\\) \\(it-records-${suffix}@/[0-9.]+\\); the broker moves a group's offset only while it is empty, and no deployment target runs ${group} to stop it: stop its consumers, then dry-run again$`),
      );
      // Even tried directly, the broker (kafkajs' check of the group) refuses an offset change while the member is there.
      await expect(write.groups.setOffsets(group, topic, [{ partition: 1, offset: "6" }])).rejects.toThrow(/no running instances/);

      const calls: string[] = [];
      const resumed: string[] = [];
      let readPartition1!: () => void;
      const resumedOnPartition1 = new Promise<void>((resolve) => (readPartition1 = resolve));
      const deployments: DeploymentPort = {
        // Runs this group only: the KIP-848 test below relies on no target running its group.
        describe: async (g) => (g === group ? { target: "test consumer process", replicas: member ? 1 : 0, running: member !== undefined, config: {} } : null),
        scale: async () => {},
        setConfig: async () => {},
        stop: async () => {
          calls.push("stop");
          await member?.disconnect();
          member = undefined;
        },
        start: async () => {
          calls.push("start");
          member = await startMember(resumed, () => resumed.some((s) => s.startsWith("1@")) && readPartition1());
        },
      };
      write.deployments = deployments;
      const prepared = await skipPoisonMessage.dryRun(skip, ctx());
      expect(prepared.output.refusal).toBeUndefined();
      expect(prepared.output.effect.slice(1)).toEqual([
        "stop test consumer process (replicas 1 -> 0) and wait up to 30000 ms for group " + group + "'s 1 member(s) to leave",
        `group ${group} committed offset on ${topic}/1: 5 -> 6`,
        "start test consumer process again (replicas 0 -> 1), also if the offset change fails",
      ]);
      const applied = await skipPoisonMessage.apply(skip, prepared, ctx());
      expect(calls).toEqual(["stop", "start"]);
      expect(applied.output).toEqual([
        `quarantine topic ${topic}.quarantine: created`,
        `copied ${topic}/1/5 to ${topic}.quarantine/0/0`,
        `stopped the deployment of group ${group}`,
        `group ${group} committed ${topic}/1@6`,
        `started the deployment of group ${group} again`,
      ]);
      expect(await skipPoisonMessage.verify(skip, applied, ctx())).toEqual({
        ok: true,
        detail: `group ${group} committed 6 on ${topic}/1 (skipped ${topic}/1/5); the record is kept at ${topic}.quarantine/0/0`,
      });
      // The member stuck at 5 before; started again, it reads partition 1 from 6.
      expect(seen.find((s) => s.startsWith("1@"))).toBe("1@5");
      await resumedOnPartition1;
      expect(resumed.find((s) => s.startsWith("1@"))).toBe("1@6");
      const copy = await write.records.readRecord(`${topic}.quarantine`, 0, "0");
      expect(copy?.value?.toString()).toBe("not json {");
      expect(lastHeader(copy!, "x-trace")).toBe("t-5");
      expect(lastHeader(copy!, "kafka-ops-quarantine-group")).toBe(group);
    } finally {
      await member?.disconnect();
    }
  });
});

describe("quarantine_messages on a real broker", () => {
  const q: Action = { kind: "quarantine_messages", risk: "medium", requiresApproval: true, status: "approved", rationale: "it", params: { dlqTopic: dlq } };

  it("moves the DLQ's records into a created quarantine topic with their headers; rollback moves the reader group back", async () => {
    const prepared = await quarantineMessages.dryRun(q, ctx());
    expect(prepared.output.effect[0]).toBe(
      `create topic ${dlq}.quarantine (1 partition, 30 days retention); copy up to 5 record(s) of ${dlq} (partition 0 offsets 0..4) to ${dlq}.quarantine with their keys, values and headers, plus kafka-ops-quarantine-* headers (reason "fails on every attempt (dlq.poison): quarantined instead of replayed")`,
    );
    const applied = await quarantineMessages.apply(q, prepared, ctx());
    expect(applied.output).toEqual([
      `quarantine topic ${dlq}.quarantine: created`,
      `moved 5 records of ${dlq} (5 to ${dlq}.quarantine) in 1 transactions; 0 failed attempt(s) retried (their open transactions aborted: read_committed readers never see them)`,
      `reader group kafka-ops-dlq.${dlq} on ${dlq} now at partition 0 5`,
    ]);
    const v = await quarantineMessages.verify(q, applied, ctx());
    expect(v.ok).toBe(true);
    // 5 records and the transaction's commit marker: the high watermark is 6, the records 5.
    const copies = await write.records.readRange(`${dlq}.quarantine`, 0, "0", "10", 10);
    expect(copies.map((r) => r.value?.toString())).toEqual(["v0", "v1", "v2", "v3", "v4"]);
    expect(copies.map((r) => lastHeader(r, "kafka-ops-quarantine-source"))).toEqual([0, 1, 2, 3, 4].map((o) => `${dlq}/0/${o}`));
    expect(lastHeader(copies[0]!, "__connect.errors.exception.message")).toBe("Unknown magic byte!");
    expect((await quarantineMessages.dryRun(q, ctx())).output.refusal).toBe(`nothing to move: reader group kafka-ops-dlq.${dlq} is at the end of every partition of ${dlq}`);
    if (!quarantineMessages.rollback.possible) throw new Error("quarantine_messages has a rollback");
    expect(await quarantineMessages.rollback.run(q, applied, ctx())).toEqual([`reader group kafka-ops-dlq.${dlq} on ${dlq} set back to partition 0 0`]);
    expect(await write.groups.committedOffsets(`kafka-ops-dlq.${dlq}`, dlq)).toEqual([{ partition: 0, offset: "0" }]);
  });
});

describe("a consumer-protocol (KIP-848) group on a real broker", () => {
  it("is never taken for empty: skip sees its member and refuses, the port will not move its offsets while a Java consumer reads", async () => {
    const g848 = `it-skip-848-${suffix}`;
    // Kafka's own console consumer, on the new protocol (the classic DescribeGroups sees no member of it).
    const java = spawn("java", ["-Xmx128m", "-cp", `${join(kafkaHome(kafkaVersion()), "libs")}/*`, "org.apache.kafka.tools.consumer.ConsoleConsumer", "--bootstrap-server", bootstrap, "--topic", topic, "--group", g848, "--consumer-property", "group.protocol=consumer"], { stdio: "ignore" });
    const exited = new Promise<void>((resolve) => java.once("exit", () => resolve()));
    const pAdmin = createPlatformaticAdmin(settings);
    try {
      const deadline = Date.now() + 45_000;
      let state: string | undefined;
      while (state !== "STABLE" && state !== "Stable") {
        if (Date.now() > deadline) throw new Error(`the Java consumer did not make ${g848} Stable within 45 s (last state ${state ?? "none"})`);
        await sleep(300);
        state = (await pAdmin.listGroups({ types: ["consumer"] })).get(g848)?.state;
      }
      const action: Action = { ...skip, params: { ...skip.params, group: g848 } };
      const refused = await skipPoisonMessage.dryRun(action, ctx());
      // Described through ConsumerGroupDescribe: its member is seen, as a classic group's would be.
      expect(refused.output.refusal, JSON.stringify({ output: refused.output, listed: (await pAdmin.listGroups({ types: [] })).get(g848), described: await write.groups.describeGroup(g848).catch((e: Error) => e.message) })).toMatch(new RegExp(`^group ${g848} has 1 active member\\(s\\) .*no deployment target runs ${g848}`));
      await expect(write.groups.setOffsets(g848, topic, [{ partition: 1, offset: "6" }])).rejects.toThrow(new RegExp(`^group ${g848} \\(consumer group protocol, KIP-848\\) is Stable with 1 active member`));
    } finally {
      java.kill("SIGTERM");
      await exited;
      await pAdmin.close();
    }
  }, 90_000);
});
