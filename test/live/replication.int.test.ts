// Replication and placement on a REAL 4-broker cluster of its own (racks a,a,b,b; controller on
// 28210, brokers on 28211-28215; the shared dev broker is never touched), started once for the
// file. Each scenario puts the cluster into a real state (a broker stopped, a rack that went
// away and came back, an empty broker joining), reads that state with a separate kafkajs admin,
// then runs `investigate` on the live cluster and asserts its verdict. Every scenario leaves all
// brokers up with full ISRs for the next.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { Admin as PlatformaticAdmin } from "@platformatic/kafka";
import { Kafka, logLevel, type Admin } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureKafka } from "../../devtools/cluster/kafka.ts";
import { startCluster, type MultiCluster } from "../../devtools/cluster/multi.ts";
import { Settings } from "../../config/settings.ts";
import { redactor } from "../../config/secret.ts";
import { callPolicy } from "../../ports/live/call.ts";
import { liveTopics } from "../../ports/write/live/topics.ts";
import type { TopicAdminPort } from "../../ports/write/topic-admin.ts";
import type { WritePorts } from "../../ports/write/ports.ts";
import { electPreferredLeaders } from "../../remediation/executors/elect-preferred-leaders.ts";
import { reassignPartitions } from "../../remediation/executors/reassign-partitions.ts";
import { memoryLedger } from "../../remediation/reassign/throttles.ts";
import type { ExecutionContext } from "../../remediation/executors/executor.ts";
import { idempotentProducer, uid, waitFor } from "./helpers.ts";
import { explain, investigateLive } from "./live-investigate.ts";

const id = uid();
/** RF 2, every partition on both racks (a: brokers 1, 2; b: brokers 3, 4), preferred leaders 1,2,3,4,1,2,3,4. */
const ORDERS = { topic: `orders-${id}`, assignment: [[1, 3], [2, 4], [3, 1], [4, 2], [1, 4], [2, 3], [3, 2], [4, 1]] };
/** RF 1 on brokers 1-3 (none on broker 4): broker 3 stopping takes audit-2 offline, broker 4 stopping takes nothing offline. */
const AUDIT = { topic: `audit-${id}`, assignment: [[1], [2], [3]] };

const exec = promisify(execFile);
/** `kafka-topics --describe --unavailable-partitions` from the Maven jars: one line per leaderless partition. */
async function unavailablePartitions(bootstrap: string, topic: string): Promise<string[]> {
  const { libs } = await ensureKafka();
  const { stdout } = await exec("java", ["-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", `${libs}/*`, "org.apache.kafka.tools.TopicCommand", "--bootstrap-server", bootstrap, "--describe", "--unavailable-partitions", "--topic", topic]);
  return stdout.split("\n").map((l) => l.trim()).filter(Boolean);
}

interface PartitionView {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

describe("replication on a real 4-broker cluster", () => {
  let cluster: MultiCluster;
  let admin: Admin;
  let topics: TopicAdminPort;
  /** Seeded with every broker, as an operator's client is: it must cope with one being down. */
  const client = (clientId: string) => new Kafka({ clientId, brokers: cluster.bootstrap.split(","), logLevel: logLevel.NOTHING, connectionTimeout: 3000, requestTimeout: 10_000 });
  const settings = () =>
    Settings.parse({ kafka: { bootstrap: cluster.bootstrap.split(",") }, sampling: { samples: 3, interval: "1s" }, calls: { deadline: "5s" } });
  /**
   * Every partition of both topics, read with @platformatic/kafka: not through the ports under test.
   */
  let reader: PlatformaticAdmin;
  const partitions = async (names = [ORDERS.topic, AUDIT.topic]): Promise<PartitionView[]> => {
    const m = await reader.metadata({ topics: names, forceUpdate: true });
    return [...m.topics]
      .flatMap(([topic, t]) => t.partitions.map((p, partition) => ({ topic, partition, leader: p.leader, replicas: p.replicas, isr: [...p.isr].sort() })))
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  };
  const fullIsr = (ps: PartitionView[]) => ps.length === 11 && ps.every((p) => p.leader >= 0 && p.isr.length === p.replicas.length);
  const allBack = () => waitFor("every replica back in sync", partitions, fullIsr, { timeoutMs: 60_000 });
  const ledBy = (ps: PartitionView[]) => {
    const count = new Map<number, number>();
    for (const p of ps) count.set(p.leader, (count.get(p.leader) ?? 0) + 1);
    return Object.fromEntries([...count].sort((a, b) => a[0] - b[0]));
  };

  beforeAll(async () => {
    cluster = await startCluster({ basePort: 28210, brokers: 4, racks: ["a", "a", "b", "b"] });
    admin = client("it-replication").admin();
    await admin.connect();
    reader = new PlatformaticAdmin({ clientId: "it-replication-reader", bootstrapBrokers: cluster.bootstrap.split(","), retries: 0, connectTimeout: 2000, timeout: 5000 });
    const s = settings();
    const redact = redactor([]);
    topics = liveTopics({ settings: s, redact, policy: callPolicy(s, redact) });
    // Not kafkajs' waitForLeaders: it gives up when a broker has not seen the new topic yet.
    await admin.createTopics({
      waitForLeaders: false,
      topics: [ORDERS, AUDIT].map(({ topic, assignment }) => ({ topic, replicaAssignment: assignment.map((replicas, partition) => ({ partition, replicas })) })),
    });
    await allBack();
    // Real data on every partition, so followers have a log to catch up on after a restart.
    const producer = await idempotentProducer(client("it-replication-writer"));
    try {
      for (const { topic, assignment } of [ORDERS, AUDIT]) {
        await producer.send({ topic, acks: -1, messages: assignment.flatMap((_, partition) => Array.from({ length: 50 }, (_, i) => ({ partition, key: `k${i}`, value: `v${i}` }))) });
      }
    } finally {
      await producer.disconnect();
    }
    await allBack();
  }, 240_000);

  afterAll(async () => {
    await topics?.close?.();
    await admin?.disconnect().catch(() => {});
    await reader?.close().catch(() => {});
    await cluster?.stop();
  }, 60_000);

  it("broker 4 stopped: the RF 2 partitions it held are under-replicated, escalated sev2 naming broker 4", async () => {
    await cluster.stopBroker(4);
    try {
      const ps = await waitFor("broker 4 out of every ISR", partitions, (v) => v.every((p) => !p.isr.includes(4)));
      expect(ps.filter((p) => p.isr.length < p.replicas.length).map((p) => `${p.topic}-${p.partition}`)).toEqual([1, 3, 4, 7].map((p) => `${ORDERS.topic}-${p}`));

      const run = await investigateLive(settings(), { id: "broker-stopped" });
      const { report } = run;
      expect(report.primary, explain(run)).toBe("replication.under_replicated");
      expect(report.decision).toBe("escalate");
      expect(report.escalation).toMatchObject({ severity: "sev2", owner: "kafka-platform on-call" });
      expect(report.diagnoses.map((d) => d.code)).toEqual(["replication.under_replicated"]);
      const urp = report.diagnoses[0]!;
      expect(urp.entities).toEqual({ topic: ORDERS.topic, broker: 4 });
      expect(urp.summary).toBe(
        `4 partitions are under-replicated (${[1, 3, 4, 7].map((p) => `${ORDERS.topic}-${p}`).join(", ")}); out of sync: broker 4 on 4; 4 are down to one in-sync replica`,
      );
      expect(report.actions).toEqual([]);
    } finally {
      await cluster.startBroker(4);
    }
    await allBack();
  }, 120_000);

  // kafkajs alone refused the whole Metadata answer here (LEADER_NOT_AVAILABLE on one partition)
  // and the sampler read nothing: ports/live/kafkajs-leaderless.ts.
  it("broker 3 stopped: its RF 1 partition is offline, escalated sev1", async () => {
    await cluster.stopBroker(3);
    try {
      // Kafka's own tool says which partition is offline.
      expect(await unavailablePartitions(cluster.anyRunning(), AUDIT.topic)).toEqual([`Topic: ${AUDIT.topic}\tPartition: 2\tLeader: none\tReplicas: 3\tIsr: \tElr: 3\tLastKnownElr: 3`]);
      const run = await investigateLive(settings(), { id: "broker-stopped-offline" });
      const { report } = run;
      expect(report.primary, explain(run)).toBe("replication.offline");
      expect(report.escalation).toMatchObject({ severity: "sev1", owner: "kafka-platform on-call" });
      const offline = report.diagnoses.find((d) => d.code === "replication.offline");
      expect(offline?.entities).toEqual({ topic: AUDIT.topic, partition: 2, broker: 3 });
      expect(report.diagnoses.map((d) => d.code).sort()).toEqual(["replication.offline", "replication.under_replicated"]);
    } finally {
      await cluster.startBroker(3);
    }
    await allBack();
  }, 120_000);

  it("rack b went away and came back: leadership stays on rack a, cluster.imbalance proposes elect_preferred_leaders, which restores it", async () => {
    await Promise.all([cluster.stopBroker(3), cluster.stopBroker(4)]);
    await Promise.all([cluster.startBroker(3), cluster.startBroker(4)]);
    const drifted = await allBack();
    // Each partition that prefers broker 3 or 4 failed over to its rack-a replica and stayed there.
    expect(ledBy(drifted)).toEqual({ 1: 5, 2: 5, 3: 1 });

    const run = await investigateLive(settings(), { id: "leadership-skew" });
    const { report } = run;
    expect(report.primary, explain(run)).toBe("cluster.imbalance");
    expect(report.decision).toBe("remediate");
    expect(report.diagnoses.map((d) => d.code)).toEqual(["cluster.imbalance"]);
    expect(report.diagnoses[0]!.entities).toEqual({ broker: 1, fix: "elect" });
    expect(report.diagnoses[0]!.summary).toBe("4 of 11 partitions are not led by their preferred replica; leadership is concentrated (5 leaders on one broker against a mean of 3)");
    expect(report.actions.map((a) => a.kind)).toEqual(["elect_preferred_leaders"]);

    // The proposed action, through its executor, on the same cluster: leadership back to preferred.
    const write = { topics, describe: () => `live cluster ${cluster.bootstrap}` } as unknown as WritePorts;
    const ctx: ExecutionContext = { write, now: () => new Date(), settle: async () => {}, redact: redactor([]) };
    const action = report.actions[0]!;
    const prepared = await electPreferredLeaders.dryRun(action, ctx);
    expect(prepared.output.refusal).toBeUndefined();
    const applied = await electPreferredLeaders.apply(action, prepared, ctx);
    expect(applied.output).toEqual(["preferred-leader election on 4 partitions: 4 elected, 0 already preferred, 0 failed"]);
    const after = await waitFor("preferred leaders again", partitions, (ps) => ps.every((p) => p.leader === p.replicas[0]));
    expect(ledBy(after)).toEqual({ 1: 3, 2: 3, 3: 3, 4: 2 });

    const again = await investigateLive(settings(), { id: "after-election" });
    expect(again.report.primary, explain(again)).toBe("healthy");
    expect(again.report.actions).toEqual([]);
  }, 150_000);

  it("an empty broker 5 joins: cluster.imbalance names it and proposes reassign_partitions, whose executor balances the cluster", async () => {
    const added = await cluster.addBroker({ rack: "c" });
    expect(added).toMatchObject({ id: 5, port: 28215, rack: "c", running: true });
    const described = await waitFor("broker 5 in the cluster", () => admin.describeCluster(), (c) => c.brokers.length === 5);
    expect(described.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3, 4, 5]);

    const run = await investigateLive(settings(), { id: "empty-broker" });
    const { report } = run;
    expect(report.primary, explain(run)).toBe("cluster.imbalance");
    expect(report.decision).toBe("remediate");
    expect(report.diagnoses.map((d) => d.code)).toEqual(["cluster.imbalance"]);
    expect(report.diagnoses[0]!.entities).toEqual({ broker: 5, fix: "reassign" });
    // 8 x RF 2 + 3 x RF 1 = 19 replicas over brokers 1-4: 4.75 each, said as 5.
    expect(report.diagnoses[0]!.summary).toBe("broker 5 hosts no replicas while the others carry 5 each: partitions were never reassigned onto it");
    expect(report.actions.map((a) => ({ kind: a.kind, params: a.params }))).toEqual([{ kind: "reassign_partitions", params: { brokers: "5", throttleBytesPerSec: 50_000_000 } }]);

    // The drafted action (no plan in it) through its executor on the same cluster: the dry run
    // plans the balance from the placement now, apply runs it throttled, verify reads it back.
    const ledger = memoryLedger();
    const write = { topics, describe: () => `live cluster ${cluster.bootstrap}` } as unknown as WritePorts;
    const ctx: ExecutionContext = { write, now: () => new Date(), settle: async () => {}, redact: redactor([]), reassign: { ledger, pollMs: 250 } };
    const action = report.actions[0]!;
    const prepared = await reassignPartitions.dryRun(action, ctx);
    expect(prepared.output.refusal).toBeUndefined();
    expect(prepared.output.effect.some((e) => e.includes("-> [") && e.includes("5"))).toBe(true);
    const applied = await reassignPartitions.apply(action, prepared, ctx);
    const verified = await reassignPartitions.verify(action, applied, ctx);
    expect(verified, applied.output.join("\n")).toMatchObject({ ok: true });
    expect(await ledger.list()).toEqual([]);
    // 19 replicas over 5 brokers: 3 or 4 each; no partition with both replicas on one rack.
    const placed = await allBack();
    const perBroker = [1, 2, 3, 4, 5].map((b) => placed.flatMap((p) => p.replicas).filter((r) => r === b).length);
    expect(Math.max(...perBroker) - Math.min(...perBroker), JSON.stringify(perBroker)).toBeLessThanOrEqual(1);
    const rack = (b: number) => ({ 1: "a", 2: "a", 3: "b", 4: "b", 5: "c" })[b];
    expect(placed.filter((p) => p.replicas.length === 2 && rack(p.replicas[0]!) === rack(p.replicas[1]!))).toEqual([]);

    const again = await investigateLive(settings(), { id: "after-reassign" });
    expect(again.report.diagnoses.filter((d) => d.code === "cluster.imbalance" && d.entities.fix === "reassign"), explain(again)).toEqual([]);
  }, 180_000);
});
