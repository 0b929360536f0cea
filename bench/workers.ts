/**
 * Benchmark of the alert workers' scale-out, on the local broker:
 *
 *   node bench/workers.ts [--bootstrap 127.0.0.1:19092] [--alerts 40] [--partitions 4]
 *                         [--samples 2] [--interval 500ms] [--postgres URL]
 *
 * The same load twice, side by side: --alerts alerts on an alerts topic of --partitions
 * partitions, investigated by one `kafka-ops worker` process, then by two in one group (each
 * run on topics and a group of its own). A run's clock starts when its workers hold every
 * partition and the alerts are produced, and stops when the group has committed past the last
 * alert, which is when the last report's transaction committed. Every run also counts, from the
 * reports topic read with read_committed, the alerts without a report (lost) and the reports
 * beyond one per alert (duplicates).
 *
 * Each investigation is live (its own sampling window of --samples samples --interval apart,
 * then the graph), as in production. The state is PostgreSQL when --postgres, KAFKA_OPS_POSTGRES_URL
 * or KAFKA_OPS_TEST_POSTGRES_URL gives one, else a SQLite file the processes share.
 * Starts Kafka through devtools when nothing answers at the default address (and stops only that).
 * Prints a table, then, as the last line, one JSON object.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Kafka, logLevel, Partitioners, type Admin } from "kafkajs";
import { kafkaAnswers, startKafka, type RunningKafka } from "../devtools/cluster/kafka.ts";
import { uid, waitFor } from "../test/live/helpers.ts";
import { alertValue, allConsumed, assignedTo, countBy, readCommitted, workerProcess, type WorkerProcess } from "../worker/testing.ts";
import { table, verdict } from "./report-table.ts";

const DEFAULT_BOOTSTRAP = "127.0.0.1:19092";
/** Two workers should do clearly more than one; none lost, none duplicated. */
const TARGETS = { scaleRatio: 1.3, duplicates: 0, lost: 0 };

const { values: args } = parseArgs({
  options: {
    bootstrap: { type: "string", default: DEFAULT_BOOTSTRAP },
    alerts: { type: "string", default: "40" },
    partitions: { type: "string", default: "4" },
    samples: { type: "string", default: "2" },
    interval: { type: "string", default: "500ms" },
    postgres: { type: "string" },
  },
});
const alerts = Number(args.alerts);
const partitions = Number(args.partitions);
const log = (line: string) => process.stderr.write(`[bench:workers] ${line}\n`);

interface Run {
  workers: number;
  seconds: number;
  rps: number;
  reports: number;
  lost: number;
  duplicates: number;
}

async function run(kafka: Kafka, admin: Admin, workers: number, env: Record<string, string>): Promise<Run> {
  const id = uid();
  const names = { alerts: `bench-workers-alerts-${id}`, reports: `bench-workers-reports-${id}`, dlq: `bench-workers-dlq-${id}`, group: `bench-workers-${id}` };
  const topics = [
    { topic: names.alerts, numPartitions: partitions },
    { topic: names.reports, numPartitions: partitions },
    { topic: names.dlq, numPartitions: 1 },
  ];
  await admin.createTopics({ topics: topics.map((t) => ({ ...t, replicationFactor: 1 })), waitForLeaders: false });
  const procs: WorkerProcess[] = [];
  try {
    await waitFor("the bench topics' leaders", () => admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) }), (m) => topics.every((t) => m.topics.find((x) => x.name === t.topic)?.partitions.filter((p) => p.leader >= 0).length === t.numPartitions));
    const flags = ["--bootstrap", args.bootstrap!, "--alerts-topic", names.alerts, "--reports-topic", names.reports, "--dlq-topic", names.dlq, "--group", names.group, "--samples", args.samples!, "--interval", args.interval!, "--session-timeout", "10s", "--lease", "10s"];
    for (let i = 0; i < workers; i++) procs.push(workerProcess(`bench-${i}-${id}`, flags, env));
    // Every partition held, and spread evenly, before the clock starts.
    await waitFor(
      `${workers} worker(s) holding all ${partitions} partitions`,
      () => procs.map((p) => assignedTo(p.lines)),
      (held) => held.flat().length === partitions && held.every((h) => h.length === Math.floor(partitions / workers) || h.length === Math.ceil(partitions / workers)),
      { timeoutMs: 120_000, intervalMs: 100 },
    );
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const ids = Array.from({ length: alerts }, (_, i) => `bench-${id}-${i}`);
    const started = performance.now();
    await producer.send({ topic: names.alerts, messages: ids.map((alertId, i) => ({ key: alertId, value: alertValue(alertId, `bench-group-${i}`) })) });
    await producer.disconnect();
    await allConsumed(admin, names.group, names.alerts, 600_000);
    const seconds = (performance.now() - started) / 1000;
    const counts = countBy(await readCommitted(kafka, admin, names.reports));
    const lost = ids.filter((x) => !counts.has(x)).length;
    const duplicates = [...counts.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
    const reports = [...counts.values()].reduce((n, c) => n + c, 0);
    return { workers, seconds, rps: alerts / seconds, reports, lost, duplicates };
  } finally {
    for (const p of procs) p.child.kill("SIGTERM");
    await Promise.all(procs.map((p) => p.exited));
    await admin.deleteTopics({ topics: topics.map((t) => t.topic), timeout: 30_000 }).catch(() => {});
    await admin.deleteGroups([names.group]).catch(() => {});
  }
}

async function main(): Promise<void> {
  let started: RunningKafka | undefined;
  const stateDir = mkdtempSync(join(tmpdir(), "kafka-ops-bench-workers-"));
  const kafka = new Kafka({ clientId: "bench-workers", brokers: [args.bootstrap!], logLevel: logLevel.NOTHING, requestTimeout: 30_000 });
  const admin = kafka.admin();
  try {
    if (!(await kafkaAnswers(args.bootstrap!))) {
      if (args.bootstrap !== DEFAULT_BOOTSTRAP) throw new Error(`no Kafka answers at ${args.bootstrap}`);
      log("no Kafka at the default address: starting one through devtools");
      started = await startKafka();
    }
    await admin.connect();
    const postgres = args.postgres ?? process.env.KAFKA_OPS_POSTGRES_URL ?? process.env.KAFKA_OPS_TEST_POSTGRES_URL;
    const env: Record<string, string> = postgres ? { KAFKA_OPS_POSTGRES_URL: postgres } : { KAFKA_OPS_STATE_DIR: stateDir, KAFKA_OPS_POSTGRES_URL: "" };
    log(`${alerts} alerts on ${partitions} partitions, windows of ${args.samples} samples ${args.interval} apart, state in ${postgres ? "PostgreSQL" : "SQLite"}`);
    const one = await run(kafka, admin, 1, env);
    log(`1 worker: ${one.seconds.toFixed(1)} s`);
    const two = await run(kafka, admin, 2, env);
    log(`2 workers: ${two.seconds.toFixed(1)} s`);
    const ratio = two.rps / one.rps;
    const duplicates = one.duplicates + two.duplicates;
    const lost = one.lost + two.lost;
    const row = (r: Run) => [`${r.workers} worker${r.workers > 1 ? "s" : ""}`, r.seconds.toFixed(1), r.rps.toFixed(2), String(r.reports), String(r.lost), String(r.duplicates)];
    process.stdout.write(`${table(["run", "seconds", "alerts/s", "reports", "lost", "duplicates"], [row(one), row(two)])}\n\n`);
    process.stdout.write(`scale-out 2 vs 1: ${ratio.toFixed(2)}x (target >= ${TARGETS.scaleRatio}) ${verdict(ratio >= TARGETS.scaleRatio)}; lost ${lost} ${verdict(lost === 0)}; duplicates ${duplicates} ${verdict(duplicates === 0)}\n`);
    process.stdout.write(
      `${JSON.stringify({ bench: "workers", alerts, partitions, samples: Number(args.samples), interval: args.interval, state: postgres ? "postgresql" : "sqlite", oneWorkerRps: round(one.rps), twoWorkersRps: round(two.rps), ratio: round(ratio), oneWorkerSeconds: round(one.seconds), twoWorkersSeconds: round(two.seconds), duplicates, lost, targets: TARGETS })}\n`,
    );
  } finally {
    await admin.disconnect().catch(() => {});
    await started?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

const round = (n: number) => Math.round(n * 1000) / 1000;

await main();
