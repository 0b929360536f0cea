/**
 * The alert workers on the REAL broker.
 *
 * - Failover (PostgreSQL state, two `kafka-ops worker` processes in one group): one is killed
 *   with SIGKILL in the middle of an investigation; the other takes its partitions and its
 *   alert over, and every alert gets exactly one report, read with read_committed. Copies of
 *   alerts get no second report; a record that is not an alert goes to the workers' DLQ.
 *   `.ci/run` starts PostgreSQL and exports KAFKA_OPS_TEST_POSTGRES_URL; without it this test is
 *   skipped and says so.
 * - Poison alerts (in-process, SQLite state, the real broker): an alert whose investigation
 *   fails every attempt goes to the DLQ after --max-attempts with the error in its headers, and
 *   the alerts behind it on the same partition are still reported; the worker's metrics (its
 *   observer, scraped from /metrics) count the same.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { Admin, Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ALERT_FORMAT, type AlertWork } from "../alerts/message.ts";
import { ROOT } from "../cli/testing.ts";
import { redactor } from "../config/secret.ts";
import { Report } from "../contract/report.ts";
import { MemorySaver } from "@langchain/langgraph";
import { sqliteAlertLedger } from "../state/alert-ledger.ts";
import { Cleanup, idempotentProducer, uid, waitFor, workloadKafka } from "../test/live/helpers.ts";
import { fanOut } from "../watch/sinks/sink.ts";
import { ALERT_HEADERS } from "./headers.ts";
import { type WorkerProcess, alertValue, allConsumed as consumed, assignedTo, countBy, readCommitted as read, workerProcess } from "./testing.ts";
import { startWorker, type AlertInvestigator, type WorkerOptions, type WorkerObserver } from "./worker.ts";
import { serveMetrics } from "../metrics/server.ts";
import { samplesOf, scrapeMetrics } from "../metrics/testing.ts";
import { workerExporter } from "../metrics/worker-exporter.ts";

const bootstrap = inject("bootstrap");
const pgUrl = process.env.KAFKA_OPS_TEST_POSTGRES_URL;

let kafka: Kafka;
let admin: Admin;
const dir = mkdtempSync(join(tmpdir(), "kafka-ops-workers-"));
beforeAll(async () => {
  kafka = workloadKafka(bootstrap, `it-workers-${uid()}`);
  admin = kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await admin?.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

async function createTopics(cleanup: Cleanup, specs: { topic: string; partitions: number }[]): Promise<void> {
  for (const t of specs) cleanup.add(`delete topic ${t.topic}`, () => admin.deleteTopics({ topics: [t.topic], timeout: 10_000 }));
  await admin.createTopics({ topics: specs.map((t) => ({ topic: t.topic, numPartitions: t.partitions, replicationFactor: 1 })), waitForLeaders: false });
  await waitFor(
    "leaders of the workers' topics",
    () => admin.fetchTopicMetadata({ topics: specs.map((t) => t.topic) }),
    (m) => specs.every((t) => m.topics.find((x) => x.name === t.topic)?.partitions.filter((p) => p.leader >= 0).length === t.partitions),
  );
}

/** The alerts, reports and DLQ topics of one test (and its group's name), removed after it. */
async function workerTopics(cleanup: Cleanup, prefix: string, partitions: { alerts: number; reports: number }) {
  const names = { alerts: `${prefix}-alerts`, reports: `${prefix}-reports`, dlq: `${prefix}-dlq`, group: prefix };
  await createTopics(cleanup, [
    { topic: names.alerts, partitions: partitions.alerts },
    { topic: names.reports, partitions: partitions.reports },
    { topic: names.dlq, partitions: 1 },
  ]);
  cleanup.add(`delete group ${names.group}`, () => admin.deleteGroups([names.group]));
  return names;
}

/** A report for an alert, from a recorded incident's replay: the in-process tests are about delivery, not diagnosis. */
async function replayReport(work: AlertWork): Promise<Report> {
  const { investigate } = await import("../investigate.ts");
  const { readFileSync } = await import("node:fs");
  return investigate({ ...JSON.parse(readFileSync(join(ROOT, "fixtures/incidents/lag-slow-consumer-1.json"), "utf8")), id: work.id });
}

/** A worker in this process on `names`' topics, SQLite ledger, short leases; stopped by `cleanup`. */
async function inProcessWorker(cleanup: Cleanup, names: { alerts: string; reports: string; dlq: string; group: string }, o: Pick<WorkerOptions, "investigate" | "log" | "redact" | "concurrency"> & Partial<Pick<WorkerOptions, "observer">>) {
  const running = await startWorker({
    kafka,
    where: bootstrap,
    groupId: names.group,
    alertsTopic: names.alerts,
    reportsTopic: names.reports,
    dlqTopic: names.dlq,
    ledger: sqliteAlertLedger(new DatabaseSync(join(dir, `ledger-${names.group}.sqlite`))),
    checkpointer: new MemorySaver(),
    owner: "w1",
    maxAttempts: 3,
    leaseMs: 6000,
    sessionTimeoutMs: 6000,
    heartbeatIntervalMs: 1000,
    after: fanOut([], o.redact),
    ...o,
  });
  cleanup.add("stop the worker", () => running.stop());
  return running;
}

const readCommitted = (topic: string) => read(kafka, admin, topic);
const allConsumed = (groupId: string, topic: string) => consumed(admin, groupId, topic);

describe.skipIf(!pgUrl)("kafka-ops worker failover (real broker, PostgreSQL; needs KAFKA_OPS_TEST_POSTGRES_URL)", () => {
  it("two workers, one killed with SIGKILL mid-investigation: every alert gets exactly one report", { timeout: 300_000 }, async () => {
    const cleanup = new Cleanup();
    const id = uid();
    const procs: WorkerProcess[] = [];
    try {
      const names = await workerTopics(cleanup, `it-workers-${id}`, { alerts: 4, reports: 2 });
      const args = ["--bootstrap", bootstrap, "--alerts-topic", names.alerts, "--reports-topic", names.reports, "--dlq-topic", names.dlq, "--group", names.group, "--samples", "3", "--interval", "1s", "--session-timeout", "6s", "--lease", "6s"];
      const env = { KAFKA_OPS_POSTGRES_URL: pgUrl!, KAFKA_OPS_STATE_DIR: join(dir, "unused") };
      const a = workerProcess(`a-${id}`, args, env);
      const b = workerProcess(`b-${id}`, args, env);
      procs.push(a, b);
      cleanup.add("stop the workers", async () => {
        for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
      });
      // Alerts only once the group has settled on both: each worker holds two partitions.
      await waitFor("both workers assigned", () => [assignedTo(a.lines), assignedTo(b.lines)] as const, ([x, y]) => x.length === 2 && y.length === 2, { timeoutMs: 90_000 });

      const ids = Array.from({ length: 16 }, (_, i) => `alert-${id}-${i}`);
      const producer = await idempotentProducer(kafka);
      cleanup.add("disconnect producer", () => producer.disconnect());
      await producer.send({ topic: names.alerts, messages: ids.map((alertId, i) => ({ key: alertId, value: alertValue(alertId, `it-workers-g-${i}`) })) });
      // Copies of two alerts (a repeat, a retry) and a record that is no alert.
      await producer.send({ topic: names.alerts, messages: [ids[0]!, ids[5]!].map((alertId) => ({ key: alertId, value: alertValue(alertId, `it-workers-g-${ids.indexOf(alertId)}`) })) });
      await producer.send({ topic: names.alerts, messages: [{ key: "poison", value: "{this is not json" }] });

      // SIGKILL the first worker while it investigates (each takes a 3-sample window, 2 s at least),
      // once its run has a checkpoint past the start in PostgreSQL: the survivor continues from it.
      const killedLine = await waitFor("worker a investigating", () => a.lines.find((l) => / investigating \(attempt 1\)/.test(l)), (l) => l !== undefined, { timeoutMs: 60_000, intervalMs: 50 });
      const killedId = killedLine!.match(/: (alert-\S+): investigating/)![1]!;
      const { default: pg } = await import("pg");
      const db = new pg.Pool({ connectionString: pgUrl!, max: 1 });
      const checkpoints = async (thread: string) => Number(((await db.query("SELECT count(*) AS n FROM checkpoints WHERE thread_id = $1", [thread])).rows[0] as { n: string }).n);
      cleanup.add("close the PostgreSQL client", () => db.end());
      await waitFor("a checkpoint of the run past its start", () => checkpoints(`kafka-ops-worker:${killedId}`), (n) => n >= 2, { timeoutMs: 20_000, intervalMs: 50 });
      a.child.kill("SIGKILL");
      expect((await a.exited).signal).toBe("SIGKILL");
      expect(a.lines.some((l) => l.includes(`${killedId}: reported`))).toBe(false);

      await allConsumed(names.group, names.alerts);
      const reports = await readCommitted(names.reports);
      const counts = countBy(reports);
      const lost = ids.filter((x) => !counts.has(x));
      const duplicated = [...counts].filter(([, n]) => n > 1).map(([k]) => k);
      const takeover = b.lines.find((l) => l.includes(`${killedId}: investigating (attempt 2`));
      process.stdout.write(`workers failover: ${ids.length} alerts, ${reports.length} reports, lost ${lost.length}, duplicated ${duplicated.length}; killed mid-investigation: ${killedId}; survivor: ${takeover?.replace(/^.*?: investigating /, "").replace(/\) from .*$/, ")")}\n`);
      expect(lost).toEqual([]);
      expect(duplicated).toEqual([]);
      expect([...counts.keys()].sort()).toEqual([...ids].sort());
      for (const r of reports) {
        expect(Report.parse(JSON.parse(r.value)).incidentId).toBe(r.key);
        expect(r.headers[ALERT_HEADERS.alertId]).toBe(r.key);
      }
      // The killed alert was taken over by the survivor: a second attempt, reported once.
      const killed = reports.find((r) => r.key === killedId)!;
      expect(killed.headers[ALERT_HEADERS.attempts]).toBe("2");
      expect(takeover).toMatch(/investigating \(attempt 2, resuming its checkpoint at step \d+\)/);
      // Done, its checkpoints are removed: the state store does not grow with the alerts.
      expect(await checkpoints(`kafka-ops-worker:${killedId}`)).toBe(0);
      expect((await db.query("SELECT status, attempts FROM kafka_ops_alerts WHERE id = $1", [killedId])).rows[0]).toEqual({ status: "done", attempts: 2 });

      const dlq = await readCommitted(names.dlq);
      expect(dlq).toHaveLength(1);
      expect(dlq[0]).toMatchObject({ key: "poison", value: "{this is not json", headers: { [ALERT_HEADERS.errorClass]: "unparseable" } });
      expect(dlq[0]!.headers[ALERT_HEADERS.error]).toMatch(/^the value is not JSON/);

      b.child.kill("SIGTERM");
      expect(await b.exited).toEqual({ code: 0, signal: null });
      expect(b.lines.at(-1)).toMatch(/stopped: \d+ reported/);
    } finally {
      await cleanup.run();
    }
  });
});

describe("kafka-ops worker poison alerts (real broker, SQLite state)", () => {
  it("an alert failing every attempt goes to the DLQ with the error in headers; the partition goes on", { timeout: 120_000 }, async () => {
    const cleanup = new Cleanup();
    const id = uid();
    try {
      const names = await workerTopics(cleanup, `it-workers-p-${id}`, { alerts: 1, reports: 1 });
      const failing = `alert-${id}-fails`;
      const attempts = new Map<string, number>();
      const investigate: AlertInvestigator = async (work) => {
        attempts.set(work.id, (attempts.get(work.id) ?? 0) + 1);
        if (work.id === failing) throw new Error("registry answered 503 with password=hunter2-secret");
        return replayReport(work);
      };
      const { Secret } = await import("../config/secret.ts");
      const redact = redactor([new Secret("hunter2-secret")]);
      const logs: string[] = [];
      // The Prometheus exporter, and what the worker told it per alert.
      const exporter = workerExporter();
      const told = { attempts: new Map<string, number[]>(), assigned: [] as number[][] };
      const observer: WorkerObserver = {
        ...exporter,
        assigned: (p) => (told.assigned.push([...p]), exporter.assigned(p)),
        attemptStarted: (alertId, attempt) => (told.attempts.set(alertId, [...(told.attempts.get(alertId) ?? []), attempt]), exporter.attemptStarted(alertId, attempt)),
      };
      const metrics = await serveMetrics(exporter.registry, { port: 0 });
      cleanup.add("close the metrics server", () => metrics.close());
      const running = await inProcessWorker(cleanup, names, { investigate, concurrency: 1, redact, log: (l) => logs.push(l), observer });
      const producer = await idempotentProducer(kafka);
      cleanup.add("disconnect producer", () => producer.disconnect());
      const after = [`alert-${id}-next-1`, `alert-${id}-next-2`];
      await producer.send({ topic: names.alerts, messages: [failing, ...after].map((x) => ({ key: x, value: alertValue(x, "payments") })) });
      // Alertmanager's webhook payload, as a bridge puts it on the topic: one report per firing alert.
      const firing = (fp: string) => ({ status: "firing", fingerprint: fp, startsAt: "2026-12-02T03:00:00Z", labels: { alertname: "KafkaConsumerGroupLag", consumergroup: "payments" }, annotations: { summary: "lag" } });
      await producer.send({ topic: names.alerts, messages: [{ value: JSON.stringify({ version: "4", status: "firing", alerts: [firing(`f1${id}`), { ...firing(`f2${id}`), status: "resolved" }, firing(`f3${id}`)] }) }] });
      const fromAlertmanager = [`f1${id}`, `f3${id}`].map((fp) => `am-${fp.replace(/[^A-Za-z0-9._:@-]/g, "")}-${Date.parse("2026-12-02T03:00:00Z")}`);

      await allConsumed(names.group, names.alerts);
      const dlq = await readCommitted(names.dlq);
      expect(dlq).toHaveLength(1);
      expect(dlq[0]!.key).toBe(failing);
      expect(dlq[0]!.headers).toMatchObject({ [ALERT_HEADERS.errorClass]: "failing", [ALERT_HEADERS.attempts]: "3", [ALERT_HEADERS.alertId]: failing, [ALERT_HEADERS.source]: `${names.alerts}/0/0` });
      expect(dlq[0]!.headers[ALERT_HEADERS.error]).toContain("registry answered 503");
      expect(JSON.stringify(dlq[0])).not.toContain("hunter2-secret");
      // The DLQ copy is a replayable kafka-ops alert under the same id.
      expect(JSON.parse(dlq[0]!.value)).toMatchObject({ format: ALERT_FORMAT, id: failing, alert: { kind: "consumer_lag" } });
      expect(attempts.get(failing)).toBe(3);
      const reports = countBy(await readCommitted(names.reports));
      expect([...reports]).toEqual([...after, ...fromAlertmanager].map((x) => [x, 1]));
      expect(logs.join("\n")).not.toContain("hunter2-secret");

      // Stopped (after what it had in hand), its metrics say what the topics say.
      await running.stop();
      expect(running.counts).toMatchObject({ reported: 4, deadLettered: 1 });
      const { families } = await scrapeMetrics(metrics.url);
      const value = (name: string, labels: Record<string, string> = {}) =>
        samplesOf(families, name)
          .filter((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v))
          .map((x) => Number(x.value));
      expect(value("kafka_ops_worker_alerts_total", { outcome: "reported" })).toEqual([4]);
      expect(value("kafka_ops_worker_alerts_total", { outcome: "dead_lettered", error_class: "failing" })).toEqual([1]);
      expect(value("kafka_ops_worker_alerts_total", { outcome: "dead_lettered", error_class: "unparseable" })).toEqual([0]);
      expect(value("kafka_ops_worker_alerts_total", { outcome: "ignored" })).toEqual([1]); // f2, resolved
      expect(value("kafka_ops_worker_alerts_total", { outcome: "already_done" })).toEqual([0]);
      // 3 for the failing alert, 1 for each of the 4 reported; every failure was one of the failing alert's.
      expect(told.attempts.get(failing)).toEqual([1, 2, 3]);
      expect([...told.attempts].filter(([x]) => x !== failing).map(([, a]) => a)).toEqual([[1], [1], [1], [1]]);
      expect(value("kafka_ops_worker_investigation_attempts_total")).toEqual([7]);
      expect(value("kafka_ops_worker_investigation_failures_total")).toEqual([3]);
      expect(samplesOf(families, "kafka_ops_worker_investigation_duration_seconds").map((x) => x.count)).toEqual(["4"]);
      expect(value("kafka_ops_worker_takeovers_total")).toEqual([0]);
      // One transaction per alerts record: three alerts and one Alertmanager payload.
      expect(value("kafka_ops_worker_transactions_total", { result: "committed" })).toEqual([4]);
      expect(value("kafka_ops_worker_transactions_total", { result: "fenced" })).toEqual([0]);
      expect(value("kafka_ops_worker_transactions_total", { result: "failed" })).toEqual([0]);
      expect(value("kafka_ops_worker_investigations_in_flight")).toEqual([0]);
      // It held the one alerts partition, and holds none once stopped.
      expect(new Set(told.assigned.slice(0, -1).map(String))).toEqual(new Set(["0"]));
      expect(told.assigned.at(-1)).toEqual([]);
      expect(value("kafka_ops_worker_partitions_assigned")).toEqual([0]);
    } finally {
      await cleanup.run();
    }
  });
});

describe("kafka-ops worker, copies of one alert on two partitions of one worker (real broker, SQLite state)", () => {
  it("investigates it once: the second copy waits for the first, then is committed past", { timeout: 120_000 }, async () => {
    const cleanup = new Cleanup();
    const id = uid();
    try {
      const names = await workerTopics(cleanup, `it-workers-c-${id}`, { alerts: 2, reports: 1 });
      const alertId = `alert-${id}-twice`;
      const logs: string[] = [];
      let calls = 0;
      const investigate: AlertInvestigator = async (work) => {
        calls++;
        // Hold the first copy until the second is seen waiting for it (a second call here would be the bug).
        await waitFor("the second copy waiting", () => logs.some((l) => l.includes(`${alertId}: a copy of it is being handled`)) || calls > 1, (ok) => ok, { timeoutMs: 60_000, intervalMs: 50 });
        return replayReport(work);
      };
      const redact = redactor([]);
      const running = await inProcessWorker(cleanup, names, { investigate, concurrency: 2, redact, log: (l) => logs.push(l) });
      const producer = await idempotentProducer(kafka);
      cleanup.add("disconnect producer", () => producer.disconnect());
      await producer.send({ topic: names.alerts, messages: [0, 1].map((partition) => ({ partition, key: alertId, value: alertValue(alertId, "payments") })) });
      await allConsumed(names.group, names.alerts);
      expect(calls).toBe(1);
      expect([...countBy(await readCommitted(names.reports))]).toEqual([[alertId, 1]]);
      expect(running.counts).toMatchObject({ reported: 1, skipped: 1 });
    } finally {
      await cleanup.run();
    }
  });
});

describe("kafka-ops worker set-up (real broker)", () => {
  it("refuses topics the cluster does not have: one line, exit 2, nothing created", async () => {
    const { runCli } = await import("../cli/testing.ts");
    const missing = `it-workers-missing-${uid()}`;
    const r = await runCli(["worker", "--bootstrap", bootstrap, "--alerts-topic", missing, "--reports-topic", `${missing}-reports`, "--dlq-topic", `${missing}-dlq`], { env: { KAFKA_OPS_STATE_DIR: join(dir, "setup"), KAFKA_OPS_POSTGRES_URL: undefined } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`kafka-ops: worker: no topic ${missing}, ${missing}-reports on ${bootstrap} (the worker creates neither the alerts nor the reports topic: create them, or name others)\n`);
    expect((await admin.listTopics()).filter((t) => t.startsWith(missing))).toEqual([]);
  });

  it("creates its own DLQ topic when it is missing, as Kafka Connect does", { timeout: 60_000 }, async () => {
    const { runCli } = await import("../cli/testing.ts");
    const cleanup = new Cleanup();
    const prefix = `it-workers-dlq-${uid()}`;
    try {
      await createTopics(cleanup, [
        { topic: `${prefix}-alerts`, partitions: 1 },
        { topic: `${prefix}-reports`, partitions: 1 },
      ]);
      cleanup.add("delete the DLQ topic", () => admin.deleteTopics({ topics: [`${prefix}-alerts.dlq`], timeout: 10_000 }));
      cleanup.add("delete the group", () => admin.deleteGroups([prefix]));
      const r = await runCli(["worker", "--bootstrap", bootstrap, "--alerts-topic", `${prefix}-alerts`, "--reports-topic", `${prefix}-reports`, "--group", prefix, "--duration", "2s"], {
        env: { KAFKA_OPS_STATE_DIR: join(dir, "setup-dlq"), KAFKA_OPS_POSTGRES_URL: undefined },
      });
      expect([r.code, r.stderr]).toEqual([0, expect.stringContaining(`created the DLQ topic ${prefix}-alerts.dlq (1 partition, replication factor 1)`)]);
      const meta = await admin.fetchTopicMetadata({ topics: [`${prefix}-alerts.dlq`] });
      expect(meta.topics[0]!.partitions).toHaveLength(1);
    } finally {
      await cleanup.run();
    }
  });
});
