/**
 * The watch on the REAL broker, through the live sampler, the library's live investigation and
 * the reports topic. A consumer that stops while the watch runs opens exactly one investigation
 * within 2 sampling intervals; an idle topic and a healthy busy group open none, in real time
 * and over 10 minutes of simulated time. /metrics agrees with `kafka-ops lag --json`.
 *
 * The broker is shared: topics and groups are unique per run, and the watch pages only for
 * this run's entities (other files' leftovers are none of this test's business).
 */
import { execFile } from "node:child_process";
import type { Admin, Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { BIN, ROOT } from "../cli/testing.ts";
import { redactor } from "../config/secret.ts";
import { defaultThresholds } from "../config/thresholds/index.ts";
import { Report } from "../contract/report.ts";
import { watchExporter } from "../metrics/exporter.ts";
import { serveMetrics, type MetricsServer } from "../metrics/server.ts";
import { samplesOf, scrapeMetrics } from "../metrics/testing.ts";
import { openLive, type LiveSession } from "../ports/live/live-ports.ts";
import { Cleanup, committedOffsets, endOffsets, idempotentProducer, liveSettings, startConsumer, steadyWriter, uid, waitFor, workloadKafka, type RunningConsumer } from "../test/live/helpers.ts";
import { fakeClock } from "../test/watch/simulated-cluster.ts";
import { systemClock } from "./clock.ts";
import { liveInvestigator } from "./investigation.ts";
import { liveSampler, type Sampler } from "./sampler.ts";
import { fanOut, type Delivery } from "./sinks/sink.ts";
import { topicSink } from "./sinks/topic.ts";
import { memoryStore, type SavedWatch } from "./state-store.ts";
import { Watch } from "./watch.ts";

const bootstrap = inject("bootstrap");
const INTERVAL = 2000;

let kafka: Kafka;
let admin: Admin;
let session: LiveSession;
beforeAll(async () => {
  kafka = workloadKafka(bootstrap, `it-watch-${uid()}`);
  admin = kafka.admin();
  await admin.connect();
  session = openLive(liveSettings({ bootstrap, calls: { deadline: "5s" } }));
});
afterAll(async () => {
  await session?.close();
  await admin?.disconnect();
});

/** Counts samples as they start: "the first sample after the stop" is the first one started after it. */
function counting(sampler: Sampler): Sampler & { started: number } {
  const c = {
    started: 0,
    sample: () => {
      c.started++;
      return sampler.sample();
    },
  };
  return c;
}

function lagJson(group: string): Promise<{ groups: { group: string; partitions: { topic: string; partition: number; currentOffset: string | null; lag: number | null }[] }[] }> {
  return new Promise((resolve, reject) =>
    execFile(BIN, ["lag", "--bootstrap", bootstrap, "--group", group, "--json"], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}: ${stderr}`)) : resolve(JSON.parse(stdout)),
    ),
  );
}

/**
 * Topics created, then their leaders waited for by polling the metadata (kafkajs's own
 * waitForLeaders gives up on the UNKNOWN_TOPIC_OR_PARTITION a just-created topic can answer).
 */
async function createTopics(specs: { topic: string; partitions: number }[]): Promise<void> {
  await admin.createTopics({ topics: specs.map((t) => ({ topic: t.topic, numPartitions: t.partitions, replicationFactor: 1 })), waitForLeaders: false });
  await waitFor(
    `leaders of ${specs.map((t) => t.topic).join(", ")}`,
    () => admin.fetchTopicMetadata({ topics: specs.map((t) => t.topic) }),
    (m) => specs.every((t) => m.topics.find((x) => x.name === t.topic)?.partitions.filter((p) => p.leader >= 0).length === t.partitions),
  );
}

const caughtUp = async (group: string, topic: string) => {
  const [committed, ends] = await Promise.all([committedOffsets(admin, group, topic), endOffsets(admin, topic)]);
  return [...ends].every(([p, end]) => committed.get(p) === end);
};

describe("kafka-ops watch (real broker)", () => {
  it("a consumer that stops opens exactly one investigation within 2 samples; an idle topic and a busy group none; metrics agree with kafka-ops lag", { timeout: 180_000 }, async () => {
    const cleanup = new Cleanup();
    const id = uid();
    const names = { stopTopic: `it-watch-stop-${id}`, stopGroup: `it-watch-stop-g-${id}`, idleTopic: `it-watch-idle-${id}`, idleGroup: `it-watch-idle-g-${id}`, busyTopic: `it-watch-busy-${id}`, busyGroup: `it-watch-busy-g-${id}`, reports: `it-watch-reports-${id}` };
    let server: MetricsServer | undefined;
    const controller = new AbortController();
    let running: Promise<void> | undefined;
    try {
      for (const t of [names.stopTopic, names.idleTopic, names.busyTopic, names.reports]) {
        cleanup.add(`delete topic ${t}`, () => admin.deleteTopics({ topics: [t], timeout: 10_000 }));
      }
      await createTopics([
        { topic: names.stopTopic, partitions: 3 },
        { topic: names.idleTopic, partitions: 2 },
        { topic: names.busyTopic, partitions: 3 },
        { topic: names.reports, partitions: 1 },
      ]);
      const producer = await idempotentProducer(kafka);
      cleanup.add("disconnect producer", () => producer.disconnect());
      // The idle topic: written once, read to its end, never written again.
      await producer.send({ topic: names.idleTopic, messages: Array.from({ length: 20 }, (_, i) => ({ partition: i % 2, value: `once ${i}` })) });
      const stopWriter = steadyWriter(producer, names.stopTopic, { ratePerSec: 60, partitions: [0, 1, 2], maxDurationMs: 150_000 });
      const busyWriter = steadyWriter(producer, names.busyTopic, { ratePerSec: 150, partitions: [0, 1, 2], maxDurationMs: 150_000 });
      cleanup.add("stop writers", () => Promise.all([stopWriter.stop(), busyWriter.stop()]));

      const consumers: Record<"stop" | "idle" | "busy", RunningConsumer> = {} as never;
      for (const [key, group, topic] of [["stop", names.stopGroup, names.stopTopic], ["idle", names.idleGroup, names.idleTopic], ["busy", names.busyGroup, names.busyTopic]] as const) {
        cleanup.add(`delete group ${group}`, () => admin.deleteGroups([group]));
        consumers[key] = await startConsumer(kafka, topic, { groupId: group, sessionTimeout: 10_000, heartbeatInterval: 1000, retry: { retries: 10 } }, async () => {});
        cleanup.add(`disconnect ${group}`, () => consumers[key].consumer.disconnect());
      }
      await waitFor("every group caught up", async () => (await Promise.all([caughtUp(names.idleGroup, names.idleTopic), caughtUp(names.stopGroup, names.stopTopic), caughtUp(names.busyGroup, names.busyTopic)])).every(Boolean), (ok) => ok, { timeoutMs: 60_000, intervalMs: 500 });

      const mine = new Set([names.stopGroup, names.idleGroup, names.busyGroup, names.stopTopic, names.idleTopic, names.busyTopic]);
      const delivered: Delivery[] = [];
      const opened: { key: string; code: string; sample: number }[] = [];
      const sampler = counting(liveSampler(session.kafka, session.policy));
      const exporter = watchExporter();
      server = await serveMetrics(exporter.registry, { port: 0 });
      const reportsSink = topicSink(session.kafka, names.reports);
      cleanup.add("close the reports sink", () => reportsSink.close());
      const watch = new Watch({
        sampler,
        clock: systemClock,
        intervalMs: INTERVAL,
        windowSize: 10,
        thresholds: defaultThresholds,
        store: memoryStore(),
        sinks: fanOut([{ name: "test", deliver: async (d) => void delivered.push(d), close: async () => {} }, reportsSink], redactor([])),
        investigate: liveInvestigator(session.ports, { thresholds: defaultThresholds, secrets: [] }),
        include: (e) => mine.has(e.name),
        observer: { ...exporter, opened: (entity, code, reason) => (opened.push({ key: entity.key, code, sample: sampler.started }), exporter.opened(entity, code, reason)) },
      });
      running = watch.run(controller.signal);

      // Four healthy samples first: nothing opens while everyone keeps up.
      await waitFor("4 samples", () => sampler.started, (n) => n >= 5, { timeoutMs: 30_000 });
      expect(opened).toEqual([]);

      await consumers.stop.consumer.disconnect();
      const stoppedAt = sampler.started;
      const stoppedMs = performance.now();
      await waitFor("the stopped group's report", () => delivered.filter((d) => d.kind === "report"), (r) => r.length >= 1, { timeoutMs: 60_000 });
      console.info(`watch figures: opened at sample ${opened[0]?.sample} (stop after sample ${stoppedAt}); report delivered ${Math.round(performance.now() - stoppedMs)} ms after the stop; interval ${INTERVAL} ms`);
      expect(opened.map((o) => [o.key, o.code])).toEqual([[`group:${names.stopGroup}`, "lag.consumer_down"]]);
      expect(opened[0]!.sample - stoppedAt).toBeLessThanOrEqual(2);
      const report = delivered[0]!.kind === "report" ? delivered[0]!.report : undefined;
      expect([report?.primary, report?.decision]).toEqual(["lag.consumer_down", "escalate"]);
      expect(report?.diagnoses[0]?.entities).toMatchObject({ group: names.stopGroup, topic: names.stopTopic });

      // The report is in the reports topic, keyed by the investigation id.
      const key = delivered[0]!.key;
      const reader = kafka.consumer({ groupId: `it-watch-reader-${id}` });
      cleanup.add("delete the reader group", () => admin.deleteGroups([`it-watch-reader-${id}`]));
      cleanup.add("disconnect the reader", () => reader.disconnect());
      const read: { key: string; value: string }[] = [];
      await reader.connect();
      await reader.subscribe({ topic: names.reports, fromBeginning: true });
      await reader.run({ eachMessage: async ({ message }) => void read.push({ key: message.key!.toString(), value: message.value!.toString() }) });
      await waitFor("the report in the reports topic", () => read, (r) => r.length >= 1, { timeoutMs: 30_000 });
      expect(read.map((r) => r.key)).toEqual([key]);
      expect(Report.parse(JSON.parse(read[0]!.value)).incidentId).toBe(key);

      // Static state for the comparison: nothing written, nothing read; two more samples see it.
      await stopWriter.stop();
      const after = sampler.started;
      await waitFor("3 samples after the writer stopped", () => sampler.started, (n) => n >= after + 3, { timeoutMs: 30_000 });
      const { families } = await scrapeMetrics(server.url);
      const lag = await lagJson(names.stopGroup);
      const metric = (name: string) =>
        Object.fromEntries(samplesOf(families, name).filter((m) => m.labels?.group === names.stopGroup).map((m) => [m.labels!.partition, Number(m.value)]));
      const rows = lag.groups[0]!.partitions;
      expect(rows.map((p) => p.partition)).toEqual([0, 1, 2]);
      expect(rows.every((p) => (p.lag ?? 0) > 0)).toBe(true);
      expect(metric("kafka_ops_group_lag")).toEqual(Object.fromEntries(rows.map((p) => [String(p.partition), p.lag])));
      expect(metric("kafka_ops_group_offset")).toEqual(Object.fromEntries(rows.map((p) => [String(p.partition), Number(p.currentOffset)])));
      expect(metric("kafka_ops_partition_status")).toEqual({ "0": 4, "1": 4, "2": 4 }); // Burrow STOP: frozen, nobody owns it
      const groupStatus = samplesOf(families, "kafka_ops_group_status").find((m) => m.labels?.group === names.stopGroup);
      expect(Number(groupStatus?.value)).toBe(3); // Burrow ERR
      expect(Object.keys(metric("kafka_ops_group_lag_seconds")).sort()).toEqual(["0", "1", "2"]);

      // Still exactly one: the open entity stays open, the idle and the busy group never opened.
      controller.abort();
      await running;
      expect(opened.map((o) => o.key)).toEqual([`group:${names.stopGroup}`]);
      expect(delivered.map((d) => d.kind)).toEqual(["report"]);
    } finally {
      controller.abort();
      await running?.catch(() => {});
      await server?.close();
      const failures = await cleanup.run();
      if (failures.length) console.warn(`cleanup: ${failures.join("; ")}`);
    }
  });

  it("a healthy busy group over 10 minutes of simulated time (20 samples 30 s apart on the simulated clock) opens nothing", { timeout: 180_000 }, async () => {
    const cleanup = new Cleanup();
    const id = uid();
    const topic = `it-watch-sim-${id}`;
    const group = `it-watch-sim-g-${id}`;
    try {
      cleanup.add(`delete topic ${topic}`, () => admin.deleteTopics({ topics: [topic], timeout: 10_000 }));
      await createTopics([{ topic, partitions: 3 }]);
      const producer = await idempotentProducer(kafka);
      cleanup.add("disconnect producer", () => producer.disconnect());
      const writer = steadyWriter(producer, topic, { ratePerSec: 150, partitions: [0, 1, 2], maxDurationMs: 150_000 });
      cleanup.add("stop writer", () => writer.stop());
      cleanup.add(`delete group ${group}`, () => admin.deleteGroups([group]));
      const consumer = await startConsumer(kafka, topic, { groupId: group, sessionTimeout: 10_000, heartbeatInterval: 1000 }, async () => {});
      cleanup.add("disconnect consumer", () => consumer.consumer.disconnect());
      await waitFor("the group caught up", () => caughtUp(group, topic), (ok) => ok, { timeoutMs: 60_000, intervalMs: 300 });

      // The real cluster, stamped with the simulated clock's time.
      const clock = fakeClock(Date.now());
      const real = liveSampler(session.kafka, session.policy);
      const sampler: Sampler = {
        async sample() {
          const o = await real.sample();
          return o.kind === "ok" ? { ...o, sample: { ...o.sample, snapshot: { ...o.sample.snapshot, at: new Date(clock.now()).toISOString() } } } : o;
        },
      };
      const requests: string[] = [];
      const watch = new Watch({
        sampler,
        clock,
        intervalMs: 30_000,
        windowSize: 10,
        thresholds: defaultThresholds,
        store: memoryStore(),
        sinks: fanOut([], redactor([])),
        investigate: async (r) => (requests.push(r.entity.key), Promise.reject(new Error("no investigation expected"))),
        include: (e) => e.name === group || e.name === topic,
      });
      const sum = async () => [...(await committedOffsets(admin, group, topic)).values()].reduce((a, b) => a + b, 0);
      for (let i = 0; i < 20; i++) {
        // Between samples the consumer really moves on (a real event, not a timer): as it would in 30 s.
        const before = await sum();
        await waitFor("the group committed again", sum, (n) => n > before, { timeoutMs: 20_000, intervalMs: 100 });
        if (i) clock.advance(30_000);
        const r = await watch.tick();
        expect(r.kind).toBe("ok");
      }
      await watch.settled();
      expect(watch.window.snapshots.at(-1)!.at).toBe(new Date(clock.now()).toISOString());
      expect(requests).toEqual([]);
      expect(watch.openEntities()).toEqual([]);
    } finally {
      const failures = await cleanup.run();
      if (failures.length) console.warn(`cleanup: ${failures.join("; ")}`);
    }
  });
});

const postgresUrl = process.env.KAFKA_OPS_TEST_POSTGRES_URL;

describe.skipIf(!postgresUrl)("the watch's state in PostgreSQL (needs KAFKA_OPS_TEST_POSTGRES_URL: devtools/postgres.sh)", () => {
  it("one row per watch, rewritten in place; the next process reads what the last one saved", async () => {
    const { openState } = await import("../state/open.ts");
    const { Secret } = await import("../config/secret.ts");
    const { checkpointStore, SAVED_FORMAT } = await import("./state-store.ts");
    const name = `it-watch-pg-${uid()}`;
    const state = await openState({ postgres: { url: new Secret(postgresUrl!) } });
    try {
      const store = checkpointStore(state.checkpointer, name, state.describe);
      // A client id with a NUL and a quote: the packed state is safe for a jsonb column.
      const saved = (n: number): SavedWatch => ({ format: SAVED_FORMAT, savedAt: new Date(1_800_000_000_000 + n).toISOString(), window: { clusterId: "c\u0000\"x", snapshots: [], brokers: [] }, entities: [] });
      for (let i = 0; i < 3; i++) await store.save(saved(i));
      const again = await openState({ postgres: { url: new Secret(postgresUrl!) } });
      try {
        expect(await checkpointStore(again.checkpointer, name, again.describe).load()).toEqual(saved(2));
      } finally {
        await again.close();
      }
      const rows: unknown[] = [];
      for await (const t of state.checkpointer.list({ configurable: { thread_id: `kafka-ops-watch:${name}` } })) rows.push(t.config.configurable?.checkpoint_id);
      expect(rows).toEqual(["watch-state"]);
      await state.checkpointer.deleteThread(`kafka-ops-watch:${name}`);
    } finally {
      await state.close();
    }
  });
});
