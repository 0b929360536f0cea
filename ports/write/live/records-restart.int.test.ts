// replay_dlq through the live record mover against its OWN Kafka broker (ports 28192/28193, not the
// shared dev broker), restarted in the middle of the replay: a read_committed consumer then counts
// every DLQ record exactly once across the source and quarantine topics (0 lost, 0 duplicated).
// Run: npm run test:integration -- ports/write/live/records-restart.int.test.ts
import { Kafka, logLevel, Partitioners, type KafkaMessage } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Settings } from "../../../config/settings.ts";
import { redactor } from "../../../config/secret.ts";
import { callPolicy } from "../../live/call.ts";
import { startKafka, type RunningKafka } from "../../../devtools/cluster/kafka.ts";
import { portOpen, sleep } from "../../../devtools/cluster/util.ts";
import { replayDlq } from "../../../remediation/executors/replay-dlq.ts";
import type { ExecutionContext } from "../../../remediation/executors/executor.ts";
import type { WritePorts } from "../ports.ts";
import type { MoveProgress } from "../record-mover.ts";
import { liveGroups } from "./groups.ts";
import { liveRecords } from "./records.ts";

const PORT = 28192;
const CONTROLLER_PORT = 28193;
const bootstrap = `127.0.0.1:${PORT}`;
const RECORDS = 3000;
/** Every 100th record was replayed 3 times already: the loop guard sends it to quarantine. */
const LOOPING = RECORDS / 100;
/** The broker is restarted once this many records are committed. */
const RESTART_AT = 600;

let broker: RunningKafka;
const kafka = new Kafka({ clientId: "it-restart", brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 300 } });

beforeAll(async () => {
  broker = await startKafka({ port: PORT, controllerPort: CONTROLLER_PORT });
}, 180_000);

/** `<prefix>` (3 partitions, the source), `<prefix>.DLQ` (2 partitions) holding RECORDS dead letters, `<prefix>.DLQ.quarantine`. */
async function seed(prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: prefix, numPartitions: 3, replicationFactor: 1 },
      { topic: `${prefix}.DLQ`, numPartitions: 2, replicationFactor: 1 },
      { topic: `${prefix}.DLQ.quarantine`, numPartitions: 1, replicationFactor: 1 },
    ],
  });
  await admin.disconnect();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  for (let start = 0; start < RECORDS; start += 500) {
    await producer.send({
      topic: `${prefix}.DLQ`,
      messages: Array.from({ length: 500 }, (_, j) => {
        const i = start + j;
        return {
          partition: i % 2,
          key: `order-${i}`,
          value: JSON.stringify({ id: i }),
          headers: {
            "kafka_dlt-original-topic": prefix,
            "kafka_dlt-exception-fqcn": "java.net.SocketTimeoutException",
            "kafka_dlt-exception-message": "Read timed out calling payments",
            "x-trace": `trace-${i}`,
            ...(i % 100 === 0 && { "kafka-ops-replay-count": "3" }),
          },
        };
      }),
    });
  }
  await producer.disconnect();
}

afterAll(async () => {
  await broker?.stop();
}, 60_000);

/** Every record of a topic up to its end, with the given isolation: the ids in the values, in read order. */
async function readAll(topic: string, readUncommitted: boolean): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
  await admin.disconnect();
  const ids: number[] = [];
  const consumer = kafka.consumer({ groupId: `it-count-${topic}-${readUncommitted}-${Date.now()}`, readUncommitted, maxWaitTimeInMs: 200 });
  const reached = new Map<number, bigint>();
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const progress = (partition: number, lastOffset: string) => {
    reached.set(partition, BigInt(lastOffset) + 1n);
    if ([...ends].every(([p, end]) => end === 0n || (reached.get(p) ?? 0n) >= end)) done();
  };
  if ([...ends.values()].every((e) => e === 0n)) return [];
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => progress(e.payload.partition, (e.payload as unknown as { lastOffset: string }).lastOffset));
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages as KafkaMessage[]) ids.push(JSON.parse(m.value!.toString()).id as number);
    },
  });
  await finished;
  await consumer.disconnect();
  return ids;
}

/** Graceful: SIGTERM, the broker shuts down cleanly, then starts again on its data. */
async function restartGracefully(): Promise<void> {
  await broker.stop();
  broker = await startKafka({ port: PORT, controllerPort: CONTROLLER_PORT, keepData: true });
}

/** A crash: SIGKILL to the broker's process group (no shutdown), then a start on the data it left. */
async function crashAndStart(): Promise<void> {
  process.kill(-broker.pid, "SIGKILL");
  await broker.exited;
  // The JVM's sockets close when the kernel has reaped it, a moment after its watchdog shell exits.
  const deadline = Date.now() + 30_000;
  while ((await portOpen(PORT)) || (await portOpen(CONTROLLER_PORT))) {
    if (Date.now() > deadline) throw new Error(`ports ${PORT}/${CONTROLLER_PORT} still open 30 s after SIGKILL`);
    await sleep(100);
  }
  broker = await startKafka({ port: PORT, controllerPort: CONTROLLER_PORT, keepData: true });
}

async function replayAcrossRestart(prefix: string, restartBroker: () => Promise<void>): Promise<void> {
  await seed(prefix);
  const dlq = `${prefix}.DLQ`;
  const quarantine = `${dlq}.quarantine`;
  const settings = Settings.parse({ kafka: { bootstrap: [bootstrap], clientId: "it-replay" }, calls: { deadline: "10s", retries: 5, backoff: "300ms" } });
  const redact = redactor([]);
  const live = { settings, redact, policy: callPolicy(settings, redact), log: () => {} };
  const records = liveRecords(live);
  const groups = liveGroups(live);
  const progress: MoveProgress[] = [];
  let restart: Promise<void> | undefined;
  const write: WritePorts = {
    topics: {} as WritePorts["topics"],
    groups,
    deployments: {} as WritePorts["deployments"],
    describe: () => `live ${bootstrap}`,
    records: {
      ...records,
      // Watches the move's progress to restart the broker at a chosen point (no timing guess).
      move: (spec) =>
        records.move({
          ...spec,
          onProgress: (p) => {
            progress.push(p);
            if (!restart && p.moved >= RESTART_AT) restart = restartBroker();
          },
        }),
    },
  };
  const ctx: ExecutionContext = { write, now: () => new Date(), settle: async () => {}, redact };
  const action = { kind: "replay_dlq" as const, risk: "medium" as const, requiresApproval: true, status: "approved" as const, rationale: "it", params: { dlqTopic: dlq, targetTopic: prefix, backoffMs: 500, batchSize: 50, maxPerSecond: 400, stallTimeoutMs: 150_000 } };
  try {
    const prepared = await replayDlq.dryRun(action, ctx);
    expect(prepared.output.refusal).toBeUndefined();
    expect(prepared.output.effect[0]).toBe(
      `replay up to 3000 record(s) of ${dlq} (partition 0 offsets 0..1499, partition 1 offsets 0..1499) to ${prefix}: original keys and values, DLQ error headers removed, kafka-ops-replay-count raised by one; of the 3000 read now, 2970 go to ${prefix}`,
    );
    const t0 = Date.now();
    const applied = await replayDlq.apply(action, prepared, ctx).catch(async (error: unknown) => {
      await restart; // a failed restart is the cause worth reporting
      throw error;
    });
    const seconds = (Date.now() - t0) / 1000;
    await restart;
    const retried = progress.filter((p) => p.lastError !== undefined);
    console.log(`[replay ${prefix}] ${applied.output.join(" | ")} | ${seconds.toFixed(1)} s | broker restarted after ${RESTART_AT} committed | failed attempts: ${retried.length} (first: ${retried[0]?.lastError ?? "none"})`);
    expect(restart).toBeDefined();
    expect(retried.length).toBeGreaterThan(0);

    const target = await readAll(prefix, false);
    const quarantined = await readAll(quarantine, false);
    const all = [...target, ...quarantined];
    const distinct = new Set(all);
    const lost = RECORDS - distinct.size;
    const duplicated = all.length - distinct.size;
    const uncommitted = (await readAll(prefix, true)).length;
    console.log(`[replay ${prefix}] read_committed: ${target.length} in ${prefix} + ${quarantined.length} in ${quarantine} = ${all.length}; distinct ${distinct.size}; lost ${lost}; duplicated ${duplicated}; read_uncommitted sees ${uncommitted} in ${prefix} (aborted writes included)`);
    expect(lost).toBe(0);
    expect(duplicated).toBe(0);
    expect(target).toHaveLength(RECORDS - LOOPING);
    expect(quarantined.sort((a, b) => a - b)).toEqual(Array.from({ length: LOOPING }, (_, i) => i * 100));
    expect(await groups.committedOffsets(`kafka-ops-dlq.${dlq}`, dlq)).toEqual([{ partition: 0, offset: "1500" }, { partition: 1, offset: "1500" }]);
    const v = await replayDlq.verify(action, applied, ctx);
    expect(v.ok).toBe(true);
    expect(v.detail).toMatch(new RegExp(`^reader group kafka-ops-dlq\\.${prefix}\\.DLQ is at or past ${prefix}\\.DLQ/0@1500, ${prefix}\\.DLQ/1@1500; none of the replayed records came back`));
  } finally {
    await records.close();
    await groups.close();
  }
}

describe("replay_dlq across a broker restart (own broker)", () => {
  it("graceful restart mid-replay: 0 lost, 0 duplicated (counted read_committed)", () => replayAcrossRestart("orders", restartGracefully), 240_000);
  it("broker killed (SIGKILL) mid-replay and started again: 0 lost, 0 duplicated", () => replayAcrossRestart("refunds", crashAndStart), 240_000);
});
