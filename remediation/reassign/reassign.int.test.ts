/**
 * Reassignment on a REAL multi-broker cluster of its own (devtools/cluster/multi.ts on ports
 * 28300-28399; the shared dev broker is never touched): three brokers with data, a fourth added
 * empty, then every path a reassignment can end by, each shown to leave no throttle behind:
 *
 *   success    rebalance onto the added broker while a producer keeps writing (--throttle auto)
 *   failure    a move the broker refuses after the throttles were set
 *   killed     `kafka-ops reassign execute` SIGKILLed mid-move: its throttles stay while the move
 *              runs (status says so), and running the plan again finishes it and removes them
 *   cancel     `kafka-ops reassign cancel` from another process while `execute` runs, and
 *              SIGTERM to `execute` itself
 *
 * Throttles and placement are read back through a separate kafkajs admin and the port's own
 * DescribeConfigs, not only through what the executor says.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Admin, Kafka, Producer } from "kafkajs";
import { startCluster, type MultiCluster } from "../../devtools/cluster/multi.ts";
import { redactor } from "../../config/secret.ts";
import { callPolicy } from "../../ports/live/call.ts";
import { liveTopics } from "../../ports/write/live/topics.ts";
import type { TopicAdminPort } from "../../ports/write/topic-admin.ts";
import { idempotentProducer, liveSettings, uid, waitFor, workloadKafka } from "../../test/live/helpers.ts";
import { readClusterState } from "./cluster-state.ts";
import { abortableSleep, executePlan, verifyPlacement, type ReassignDeps } from "./execute.ts";
import type { ReassignPlan } from "./plan-format.ts";
import { planReassignment } from "./planner.ts";
import { fileLedger, throttlesInPlace, type ThrottleRecord } from "./throttles.ts";

const BASE_PORT = 28300;
const run = uid();
const CLI = new URL("../../cli/main.ts", import.meta.url).pathname;

describe("reassignment on a real multi-broker cluster", () => {
  let cluster: MultiCluster;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let topics: TopicAdminPort;
  let stateDir: string;
  let bootstrap: string;
  const target = () => `live cluster ${bootstrap}`;
  const allBrokers = () => cluster.brokers().map((b) => b.id);

  /** A topic placed by hand on brokers 1-3, with `mb` MB per partition (10 kB records). */
  const seeded = async (name: string, assignment: number[][], mb: number) => {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: name, replicaAssignment: assignment.map((replicas, partition) => ({ partition, replicas })) }] });
    const value = "x".repeat(10_000);
    for (let p = 0; p < assignment.length; p++) {
      for (let sent = 0; sent < mb * 100; sent += 50) await producer.send({ topic: name, acks: -1, messages: Array.from({ length: 50 }, (_, i) => ({ partition: p, key: `k${sent + i}`, value })) });
    }
  };
  const planFor = async (topic: string, goal: Parameters<typeof planReassignment>[0]["goal"]): Promise<ReassignPlan> => {
    const state = await readClusterState(topics);
    return planReassignment({ partitions: state.partitions, brokers: state.brokers, goal, topics: topic, source: target() });
  };
  const throttles = (topic: string) => throttlesInPlace(topics, allBrokers(), [topic]);
  const ledgerRecords = (): ThrottleRecord[] => {
    try {
      return (JSON.parse(readFileSync(join(stateDir, "reassign-throttles.json"), "utf8")) as { records: ThrottleRecord[] }).records;
    } catch {
      return [];
    }
  };
  const replicasOf = async (topic: string) => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions.sort((a, b) => a.partitionId - b.partitionId).map((p) => [...p.replicas]);
  const inFlight = async () => (await topics.listPartitionReassignments!()).length;
  /**
   * Distinct records of a topic (seeded ones by partition and key, written ones by their unique
   * value), read from the start until `expected` distinct ones were seen or `timeoutMs` passed
   * (a deadline for a record that never comes: the count then says how many are missing).
   */
  const distinctRecords = async (topic: string, expected: number, timeoutMs = 30_000): Promise<{ distinct: number; read: number; perPartition: Record<number, number>; seen: Set<string> }> => {
    const consumer = kafka.consumer({ groupId: `h9-count-${uid()}` });
    const seen = new Set<string>();
    const perPartition: Record<number, number> = {};
    let read = 0;
    await consumer.connect();
    let timer: NodeJS.Timeout | undefined;
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        void consumer.run({
          eachMessage: async ({ partition, message }) => {
            const value = message.value?.toString() ?? "";
            seen.add(value.startsWith("{") ? value : `${partition}:${message.key?.toString()}`);
            read++;
            perPartition[partition] = (perPartition[partition] ?? 0) + 1;
            if (seen.size >= expected) resolve();
          },
        });
      });
    } finally {
      clearTimeout(timer);
      await consumer.disconnect();
    }
    return { distinct: seen.size, read, perPartition, seen };
  };
  /** Writes 3 records at a time to one partition after another (records `{"i":N,...}`, partition N % count) until stopped. */
  const partitionWriter = (p: Producer, topic: string, count: number) => {
    let running = true;
    let produced = 0;
    const done = (async () => {
      for (let i = 0; running && i < 100_000; ) {
        const partition = (i / 3) % count;
        await p.send({ topic, acks: -1, messages: [0, 1, 2].map((k) => ({ partition, key: `w${i + k}`, value: JSON.stringify({ i: i + k, pad: "x".repeat(40) }) })) });
        produced += 3;
        i += 3;
        await new Promise((r) => setTimeout(r, 15)); // pacing the load, not synchronisation
      }
    })();
    done.catch(() => {});
    return {
      get produced() {
        return produced;
      },
      done,
      stop: async () => {
        running = false;
        await done.catch(() => {});
      },
    };
  };
  const deps = (): ReassignDeps => ({ topics, ledger: fileLedger(stateDir), target: target(), now: () => new Date(), sleep: abortableSleep, redact: (t) => t });

  const cli = (args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> } => {
    const child = spawn(process.execPath, [CLI, ...args, "--bootstrap", bootstrap], {
      env: { ...process.env, KAFKA_OPS_STATE_DIR: stateDir, KAFKA_OPS_AUDIT_LOG: join(stateDir, "audit.jsonl"), KAFKA_OPS_POLICY: undefined, KAFKA_OPS_CONFIG: undefined },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
    return { child, done };
  };

  beforeAll(async () => {
    cluster = await startCluster({ basePort: BASE_PORT, brokers: 3 });
    bootstrap = cluster.anyRunning();
    kafka = workloadKafka(bootstrap, "h9-reassign");
    admin = kafka.admin();
    await admin.connect();
    producer = await idempotentProducer(kafka);
    const settings = liveSettings({ bootstrap, calls: { deadline: "15s" } });
    const redact = redactor([]);
    topics = liveTopics({ settings, redact, policy: callPolicy(settings, redact) });
    stateDir = mkdtempSync(join(tmpdir(), "h9-reassign-"));
    await cluster.addBroker();
  }, 300_000);

  afterAll(async () => {
    await producer?.disconnect().catch(() => {});
    await topics?.close?.();
    await admin?.disconnect().catch(() => {});
    await cluster?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  }, 120_000);

  it("rebalances onto the added broker while a producer keeps writing: placement and ISR as planned, no record lost, no throttle left", async () => {
    const topic = `h9-flow-${run}`;
    await seeded(topic, [[1, 2], [2, 3], [3, 1], [1, 3], [2, 1], [3, 2]], 1);
    const before = await admin.fetchTopicOffsets(topic);
    const seededCount = before.reduce((n, p) => n + Number(p.high), 0);
    const plan = await planFor(topic, { kind: "add-broker", brokers: [4] });
    const moves = plan.batches.flatMap((b) => b.moves);
    expect(plan.summary.replicaSpreadAfter).toBeLessThanOrEqual(1);
    expect(moves.length).toBe(plan.summary.replicaMoves);
    expect(moves.length).toBeGreaterThanOrEqual(3);

    // One partition per send: with kafkajs's steadyWriter (one send spanning all six partitions), a
    // leader moving mid-send once left 3 acknowledged records of partition 0 missing and 3 records of
    // partition 2 duplicated (kafkajs 2.2.4, idempotent); sends to one partition each did not.
    const writer = partitionWriter(producer, topic, 6);
    let during: string[] | undefined;
    const watched: ReassignDeps = {
      ...deps(),
      // What is set while batch 1 moves: read from the brokers at the first wait between two polls
      // (250 ms; the auto throttle's sampling waits before anything is set).
      sleep: async (ms, signal) => {
        if (ms === 250) during ??= await throttles(topic);
        await abortableSleep(ms, signal);
      },
    };
    const started = performance.now();
    const outcome = await executePlan(plan, watched, { throttle: { kind: "auto", sampleMs: 1_000 }, pollMs: 250 });
    const seconds = (performance.now() - started) / 1000;
    await writer.stop();
    const writerEnd = await writer.done.then(() => "ran to its stop", (e: unknown) => `failed: ${String(e)}`);
    console.log(`h9 writer ${writerEnd}`);
    console.log(`h9 success path: ${moves.length} moves in ${plan.batches.length} batches, ${(plan.summary.bytes / 1e6).toFixed(1)} MB, ${seconds.toFixed(1)} s, ${writer.produced} records written meanwhile; ${outcome.lines.join(" | ")}`);

    expect(outcome.status).toBe("done");
    expect(await verifyPlacement(moves, topics)).toEqual([]);
    // Throttled while it ran: only on brokers batch 1 involves, with the rate auto chose.
    expect(during!.length).toBeGreaterThan(0);
    const throttledBrokers = [...new Set(during!.filter((l) => l.startsWith("broker ")).map((l) => Number(l.split(":")[0]!.slice(7))))].sort();
    expect(throttledBrokers.every((b) => plan.batches[0]!.brokers.includes(b))).toBe(true);
    expect(await throttles(topic)).toEqual([]);
    expect(ledgerRecords()).toEqual([]);
    expect((await replicasOf(topic)).flat().filter((b) => b === 4).length).toBeGreaterThanOrEqual(3);
    // Every acknowledged record is in the log: seeded + written during the move, read back one by one.
    const expected = seededCount + writer.produced;
    const counted = await distinctRecords(topic, expected);
    console.log(`h9 success path: ${counted.distinct} distinct records read back of ${expected} acknowledged (${seededCount} seeded + ${writer.produced} written during the move; ${counted.read} read)`);
    if (counted.distinct !== expected) {
      const fresh = workloadKafka(bootstrap, "h9-offsets").admin();
      await fresh.connect();
      const ends = await fresh.fetchTopicOffsets(topic);
      await fresh.disconnect();
      const missing = Array.from({ length: writer.produced }, (_, i) => i).filter((i) => ![...counted.seen].some((v) => v.startsWith(`{"i":${i},`)));
      console.log(`h9 DIAG read per partition ${JSON.stringify(counted.perPartition)}; log ends ${JSON.stringify(ends.map((e) => [e.partition, e.high]))}; writer records missing ${JSON.stringify(missing)}`);
    }
    expect(counted.distinct).toBe(expected);
  }, 180_000);

  it("a move the broker refuses after the throttles were set: the batch fails, nothing moves, no throttle left", async () => {
    const topic = `h9-fail-${run}`;
    await seeded(topic, [[1, 2], [2, 3]], 0.5);
    const plan: ReassignPlan = {
      ...(await planFor(topic, { kind: "balance" })),
      batches: [{ moves: [{ topic, partition: 0, from: [1, 2], to: [4, 2], bytes: 0 }, { topic, partition: 1, from: [2, 3], to: [4, 4], bytes: 0 }], bytes: 0, brokers: [1, 2, 3, 4] }],
    };
    const outcome = await executePlan(plan, deps(), { throttle: { kind: "rate", bytesPerSec: 1_000_000 }, pollMs: 250 });
    expect(outcome.status).toBe("failed");
    expect(outcome.lines.some((l) => l.startsWith(`batch 1/1: ${topic}-1 refused: INVALID_REPLICA_ASSIGNMENT`))).toBe(true);
    expect(outcome.lines).toContain("batch 1/1: throttle 1.0 MB/s set on brokers 1, 2, 3, 4 and on the moving replicas of 1 topics");
    expect(outcome.lines).toContain("replica order put back on 1 partitions after the cancel (the preferred leader they had)");
    await waitFor("nothing in flight", inFlight, (n) => n === 0);
    expect(await waitFor("replicas in their order before", () => replicasOf(topic), (r) => JSON.stringify(r) === "[[1,2],[2,3]]")).toEqual([[1, 2], [2, 3]]);
    expect(await throttles(topic)).toEqual([]);
    expect(ledgerRecords()).toEqual([]);
  }, 120_000);

  it("execute killed mid-move: status keeps the throttle while the move runs; the same plan run again finishes and removes it", async () => {
    const topic = `h9-kill-${run}`;
    await seeded(topic, [[1, 2], [2, 3], [3, 1]], 3);
    const plan = await planFor(topic, { kind: "add-broker", brokers: [4] });
    const moves = plan.batches.flatMap((b) => b.moves);
    expect(moves.length).toBeGreaterThanOrEqual(1);
    const file = join(stateDir, `kill-${run}.json`);
    writeFileSync(file, JSON.stringify(plan));

    // 100 kB/s against 3 MB partitions: each move takes half a minute, time enough to kill it mid-way.
    const slow = cli(["reassign", "execute", file, "--by", "h9-test", "--throttle", "100kB/s"]);
    await waitFor("the move in flight and its throttle recorded", async () => ({ flying: await inFlight(), records: ledgerRecords().length }), (s) => s.flying > 0 && s.records > 0, { timeoutMs: 60_000 });
    slow.child.kill("SIGKILL");
    const killed = await slow.done;
    expect(killed.signal).toBe("SIGKILL");
    const left = await throttles(topic);
    expect(left.length).toBeGreaterThan(0);
    expect(left.some((l) => l.endsWith("=100000"))).toBe(true);

    const status = await cli(["reassign", "status"]).done;
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`(pid ${slow.child.pid} on `);
    expect(status.stdout).toContain("gone) left");
    expect(await throttles(topic)).toEqual(left);

    const again = await cli(["reassign", "execute", file, "--by", "h9-test", "--throttle", "50MB/s"]).done;
    console.log(`h9 killed path: resumed run exit ${again.code}; ${again.stdout.trim().split("\n").slice(-6).join(" | ")}`);
    expect(again.code, `the resumed run printed:\n${again.stdout}${again.stderr}`).toBe(0);
    expect(again.stdout).toContain(`left behind by reassign-`);
    expect(again.stdout).toContain("verified: ok: all");
    expect(await verifyPlacement(moves, topics)).toEqual([]);
    expect(await throttles(topic)).toEqual([]);
    expect(ledgerRecords()).toEqual([]);
  }, 180_000);

  it("cancel from another process while execute runs: the move stops, replicas stay where they were, no throttle left", async () => {
    const topic = `h9-cancel-${run}`;
    await seeded(topic, [[1, 2], [2, 3], [3, 1]], 3);
    const before = await replicasOf(topic);
    const plan = await planFor(topic, { kind: "add-broker", brokers: [4] });
    const file = join(stateDir, `cancel-${run}.json`);
    writeFileSync(file, JSON.stringify(plan));
    const slow = cli(["reassign", "execute", file, "--by", "h9-test", "--throttle", "100kB/s"]);
    await waitFor("the move in flight", inFlight, (n) => n > 0, { timeoutMs: 60_000 });
    expect((await throttles(topic)).length).toBeGreaterThan(0);

    const cancel = await cli(["reassign", "cancel"]).done;
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toMatch(/^\d+ reassignments cancelled$/m);
    const ended = await slow.done;
    expect(ended.code).toBe(3);
    expect(ended.stdout).toMatch(/batch 1\/1: cancelled elsewhere: \d+ partitions are back on their replicas before the move/);
    expect(await inFlight()).toBe(0);
    expect(await replicasOf(topic)).toEqual(before);
    expect(await throttles(topic)).toEqual([]);
    expect(ledgerRecords()).toEqual([]);
  }, 180_000);

  it("SIGTERM to execute (a deployment stopping it, Ctrl-C): it cancels the batch in flight and removes its throttles before it exits", async () => {
    const topic = `h9-term-${run}`;
    await seeded(topic, [[1, 2], [2, 3], [3, 1]], 3);
    const before = await replicasOf(topic);
    const plan = await planFor(topic, { kind: "add-broker", brokers: [4] });
    const file = join(stateDir, `term-${run}.json`);
    writeFileSync(file, JSON.stringify(plan));
    const slow = cli(["reassign", "execute", file, "--by", "h9-test", "--throttle", "100kB/s"]);
    await waitFor("the move in flight", inFlight, (n) => n > 0, { timeoutMs: 60_000 });
    slow.child.kill("SIGTERM");
    const ended = await slow.done;
    expect(ended.code).toBe(3);
    expect(ended.stderr).toContain("kafka-ops: cancelling the batch in flight and removing its throttles...");
    expect(ended.stdout).toMatch(/batch 1\/1: cancelled: \d+ moves in flight stopped/);
    expect(await inFlight()).toBe(0);
    expect(await replicasOf(topic)).toEqual(before);
    expect(await throttles(topic)).toEqual([]);
    expect(ledgerRecords()).toEqual([]);
  }, 180_000);
});
