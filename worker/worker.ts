/**
 * The alert workers: members of one consumer group on the alerts topic, so that starting
 * another process adds throughput and Kafka's partitioning spreads the alerts between them.
 * Each alert is investigated (worker/investigate.ts) and its report produced to the reports
 * topic, keyed by the alert id; the alert's offset is committed in the same Kafka transaction
 * as its report (a transactional producer's `sendOffsets`), so a report is visible to
 * `read_committed` readers exactly when its alert counts as consumed.
 *
 * Exactly one report per alert, even when a worker dies mid-way:
 * - One transactional id per alerts partition (`<group>-<topic>-<partition>`): the worker that
 *   takes a partition over initialises the same id, which fences the old holder and aborts the
 *   transaction it left open. Nothing it wrote becomes visible; its alert is delivered again.
 * - The alert ledger (state/alert-ledger.ts, in the durable state: PostgreSQL for workers on
 *   several hosts) knows every alert id: a copy of an alert already reported is committed past
 *   without a second report, one another live worker holds is waited for, and one whose
 *   holder died part-way is taken over.
 * - The investigation keeps its state in the checkpointer under the alert id after every graph
 *   step, so the worker that takes over continues the dead one's run instead of starting over.
 * - A holder that died between writing its report and learning whether the commit landed
 *   leaves the alert `reporting`; the alerts partition's committed offset answers it.
 *
 * Poison alerts never block a partition: a record that is not an alert, and an alert whose
 * investigation failed `maxAttempts` times (a worker that crashed on it counts), go to the
 * workers' DLQ with the error in headers, in the same transaction as the offset.
 */
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { Admin, Consumer, EachMessagePayload, IHeaders, Kafka, KafkaMessage, Message, Producer } from "kafkajs";
import type { Redact } from "../config/secret.ts";
import { ClusterUnreachableError, KafkaOpsError } from "../errors.ts";
import type { Report } from "../contract/report.ts";
import { parseAlertMessage, ALERT_FORMAT, type AlertWork } from "../alerts/message.ts";
import type { AlertLedger, AlertSource } from "../state/alert-ledger.ts";
import type { FanOut } from "../watch/sinks/sink.ts";
import { ALERT_HEADERS, deadLetterHeaders, reportHeaders } from "./headers.ts";

/**
 * One alert's investigation, checkpointed under `durable.threadId`. A stopping worker lets the
 * ones in flight finish their window rather than cutting it short: a report is the alert's only
 * one, so it is never made from half a window.
 */
export type AlertInvestigator = (work: AlertWork, durable: { checkpointer: BaseCheckpointSaver; threadId: string }) => Promise<Report>;

/**
 * What a worker tells its observer (the Prometheus exporter, metrics/worker-exporter.ts) as it
 * goes. Called synchronously at the point it names; an observer must not throw.
 */
export interface WorkerObserver {
  /** The alerts partitions the group gave this worker, after every rebalance (none once stopped). */
  assigned(partitions: readonly number[]): void;
  /** An alert claimed from a holder that died (its lease ran out, or it died while committing). */
  tookOver(alertId: string, attempt: number): void;
  /** An investigation attempt began. */
  attemptStarted(alertId: string, attempt: number): void;
  /** It ended, after `seconds`: with a report, or failed (`error`, one line, redacted). */
  attemptEnded(alertId: string, seconds: number, error?: string): void;
  /** A record's transaction: committed, fenced (another worker holds the partition now), or failed otherwise. */
  transaction(result: "committed" | "fenced" | "failed"): void;
  /**
   * An alert taken to its end, once its record's transaction committed: reported, to the DLQ
   * (`failing` after its attempts, or a record that is no alert: `unparseable`), found finished
   * already, or ignored (an Alertmanager alert that is resolved).
   */
  finished(outcome: "reported" | "dead_lettered" | "already_done" | "ignored", errorClass?: "failing" | "unparseable"): void;
}

export interface WorkerOptions {
  kafka: Kafka;
  /** The bootstrap servers, for messages. */
  where: string;
  groupId: string;
  alertsTopic: string;
  reportsTopic: string;
  /** The workers' own DLQ (default `<alerts topic>.dlq`). */
  dlqTopic: string;
  ledger: AlertLedger;
  checkpointer: BaseCheckpointSaver;
  investigate: AlertInvestigator;
  /** This worker, in the ledger and the logs. */
  owner: string;
  /** Alerts investigated at once (one per alerts partition at most). */
  concurrency: number;
  /** Attempts before an alert goes to the DLQ (a crashed attempt counts). */
  maxAttempts: number;
  /** How long an alert stays held by a worker that stopped renewing it. */
  leaseMs: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Where reports also go once committed (stdout, a file, webhooks): best effort, after the fact. */
  after: FanOut;
  redact: Redact;
  log: (line: string) => void;
  now?: () => number;
  /** Told of assignments, attempts, takeovers, transactions and outcomes (metrics). */
  observer?: WorkerObserver;
}

const PATIENT = { retries: 8, initialRetryTime: 300, maxRetryTime: 10_000 };

/** What became of one alert of a record. */
type Outcome =
  | { kind: "report"; work: AlertWork; report: Report; attempts: number }
  | { kind: "dead"; work: AlertWork; error: string; attempts: number }
  | { kind: "skip"; work: AlertWork; why: string };

/** The producer lost its transactional id to another worker: the partition is no longer ours. */
class Fenced extends Error {}

export interface RunningWorker {
  /** Resolves when the worker has stopped: after `stop`, or with the error that stopped it. */
  done: Promise<{ error?: string }>;
  stop(): Promise<void>;
  /** Alerts taken to the end by this process: reported, dead-lettered, or found finished. */
  readonly counts: { reported: number; deadLettered: number; skipped: number };
}

export async function startWorker(o: WorkerOptions): Promise<RunningWorker> {
  const now = o.now ?? Date.now;
  const consumer: Consumer = o.kafka.consumer({
    groupId: o.groupId,
    sessionTimeout: o.sessionTimeoutMs,
    heartbeatInterval: o.heartbeatIntervalMs,
    // Joining waits for an investigation in flight to finish; give it the lease's time.
    rebalanceTimeout: Math.max(60_000, o.leaseMs),
    allowAutoTopicCreation: false,
    readUncommitted: false,
    // The shared client retries once (live reads have their own policy); a worker rides out a broker restart.
    retry: PATIENT,
  });
  const admin: Admin = o.kafka.admin();
  const producers = new Map<number, Promise<Producer>>();
  const abort = new AbortController();
  const counts = { reported: 0, deadLettered: 0, skipped: 0 };

  const producerFor = (partition: number) => {
    let p = producers.get(partition);
    if (!p) {
      p = (async () => {
        const producer = o.kafka.producer({
          transactionalId: `${o.groupId}-${o.alertsTopic}-${partition}`,
          idempotent: true,
          maxInFlightRequests: 1,
          // Shorter than the lease: a dead holder's transaction is resolved before anyone takes its alert over.
          transactionTimeout: Math.max(1000, Math.min(60_000, Math.floor(o.leaseMs / 3))),
          allowAutoTopicCreation: false,
          retry: PATIENT,
        });
        await producer.connect();
        return producer;
      })();
      p.catch(() => producers.delete(partition));
      producers.set(partition, p);
    }
    return p;
  };
  const dropProducer = async (partition: number) => {
    const p = producers.get(partition);
    producers.delete(partition);
    await (await p?.catch(() => undefined))?.disconnect().catch(() => {});
  };

  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    const mine = new Set(event.payload.memberAssignment[o.alertsTopic] ?? []);
    for (const partition of producers.keys()) if (!mine.has(partition)) void dropProducer(partition);
    // A partition paused after a fence and assigned to us again is ours once more.
    const paused = consumer.paused().flatMap((t) => (t.topic === o.alertsTopic ? t.partitions : []));
    const again = paused.filter((p) => mine.has(p));
    if (again.length) consumer.resume([{ topic: o.alertsTopic, partitions: again }]);
    o.observer?.assigned([...mine]);
    o.log(`assigned ${o.alertsTopic} partitions ${[...mine].sort((a, b) => a - b).join(",") || "none"}`);
  });

  const committedPast = async (source: AlertSource): Promise<boolean> => {
    const [t] = await admin.fetchOffsets({ groupId: o.groupId, topics: [source.topic] });
    const committed = t?.partitions.find((p) => p.partition === source.partition)?.offset;
    return committed !== undefined && BigInt(committed) > BigInt(source.offset);
  };

  /**
   * Alert ids this process is taking to an end, from the claim until their record's transaction
   * is over. The ledger tells workers apart, not one worker's partitions: a copy of an alert
   * arriving on another partition of this worker waits here for the first to finish.
   */
  const local = new Map<string, Promise<void>>();
  const takeLocally = async (id: string): Promise<() => void> => {
    if (local.has(id)) o.log(`${id}: a copy of it is being handled on another partition of this worker: waiting for that one`);
    while (local.has(id)) await local.get(id);
    let free!: () => void;
    local.set(id, new Promise<void>((r) => (free = r)));
    return () => {
      local.delete(id);
      free();
    };
  };

  /** Takes one alert to an outcome: claimed, investigated (retried), or found done elsewhere. */
  const handle = async (work: AlertWork, source: AlertSource, keepAlive: Set<string>): Promise<Outcome> => {
    // A claim past attempt 1 that is not our own retry takes over what another holder left.
    let retrying = false;
    for (;;) {
      const claim = await o.ledger.claim(work.id, source, o.owner, now(), o.leaseMs);
      if (claim.kind === "finished") return { kind: "skip", work, why: claim.record.status === "dead" ? "dead-lettered before" : "already reported" };
      if (claim.kind === "held") {
        // Another live worker has it (a copy of the alert in another partition): wait for it to finish or die.
        await pause(Math.min(1000, Math.max(50, claim.record.leaseUntil - now())), abort.signal);
        if (abort.signal.aborted) throw new Error("stopping");
        continue;
      }
      if (claim.kind === "uncertain") {
        const landed = await committedPast(claim.record.source);
        await o.ledger.settle(work.id, landed, now());
        o.log(`${work.id}: its last holder (${claim.record.owner}) died while committing; the commit ${landed ? "landed: reported" : "did not land: taking it over"}`);
        if (landed) return { kind: "skip", work, why: "reported by its last holder" };
        continue;
      }
      const { attempts } = claim.record;
      if (attempts > 1 && !retrying) o.observer?.tookOver(work.id, attempts);
      if (attempts > o.maxAttempts) return { kind: "dead", work, attempts: attempts - 1, error: claim.record.error ?? `no attempt finished in ${attempts - 1} (a worker died on each)` };
      keepAlive.add(work.id);
      const threadId = `kafka-ops-worker:${work.id}`;
      const resumed = await o.checkpointer.getTuple({ configurable: { thread_id: threadId } }).catch(() => undefined);
      o.log(`${work.id}: investigating (attempt ${attempts}${resumed ? `, resuming its checkpoint at step ${String(resumed.metadata?.step ?? "?")}` : ""}) from ${source.topic}/${source.partition}/${source.offset}: ${work.title}`);
      o.observer?.attemptStarted(work.id, attempts);
      const started = performance.now();
      try {
        const report = await o.investigate(work, { checkpointer: o.checkpointer, threadId });
        o.observer?.attemptEnded(work.id, (performance.now() - started) / 1000);
        return { kind: "report", work, report, attempts };
      } catch (error) {
        const why = o.redact(error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 1000);
        o.observer?.attemptEnded(work.id, (performance.now() - started) / 1000, why);
        retrying = true;
        await o.ledger.failed(work.id, o.owner, why, now());
        o.log(`${work.id}: attempt ${attempts} failed: ${why}`);
        if (attempts >= o.maxAttempts) return { kind: "dead", work, attempts, error: why };
        await pause(Math.min(30_000, 500 * 2 ** (attempts - 1)), abort.signal);
        if (abort.signal.aborted) throw new Error("stopping");
      }
    }
  };

  const eachMessage = async ({ topic, partition, message, heartbeat }: EachMessagePayload) => {
    const source: AlertSource = { topic, partition, offset: message.offset };
    const next = (BigInt(message.offset) + 1n).toString();
    const parsed = parseAlertMessage(message.value);
    const held = new Set<string>();
    const release: (() => void)[] = [];
    // Stay a live member and keep the leases while the investigations run.
    const timer = setInterval(() => {
      heartbeat().catch(() => {});
      for (const id of held) void o.ledger.renew(id, o.owner, now() + o.leaseMs, now()).catch(() => {});
    }, Math.max(200, Math.min(o.heartbeatIntervalMs, o.leaseMs / 3)));
    try {
      const outcomes: Outcome[] = [];
      const records: { topic: string; messages: Message[] }[] = [];
      if (!parsed.ok) {
        o.log(`${topic}/${partition}/${message.offset}: not an alert, to ${o.dlqTopic}: ${o.redact(parsed.error)}`);
        records.push({ topic: o.dlqTopic, messages: [poisonCopy(message, deadLetterHeaders({ error: o.redact(parsed.error), kind: "unparseable", attempts: 0, source, at: new Date(now()).toISOString() }))] });
      } else {
        for (const line of parsed.ignored) o.log(`${topic}/${partition}/${message.offset}: ignored ${line}`);
        // Ids in sorted order, so two records naming the same alerts never wait on each other.
        for (const id of [...new Set(parsed.work.map((w) => w.id))].sort()) release.push(await takeLocally(id));
        for (const work of parsed.work) outcomes.push(await handle(work, source, held));
        const reports = outcomes.flatMap((x): Message[] => (x.kind === "report" ? [{ key: x.work.id, value: JSON.stringify(x.report), headers: reportHeaders(x.report, x.work, source, x.attempts) }] : []));
        const dead = outcomes.flatMap((x): Message[] =>
          x.kind === "dead"
            ? [{ key: x.work.id, value: JSON.stringify({ format: ALERT_FORMAT, id: x.work.id, alert: x.work.alert, ...(x.work.question && { question: x.work.question }) }), headers: deadLetterHeaders({ error: x.error, kind: "failing", attempts: x.attempts, source, at: new Date(now()).toISOString(), alertId: x.work.id }) }]
            : [],
        );
        if (reports.length) records.push({ topic: o.reportsTopic, messages: reports });
        if (dead.length) records.push({ topic: o.dlqTopic, messages: dead });
      }
      const writing = outcomes.filter((x) => x.kind !== "skip").map((x) => x.work.id);
      await commitInTransaction(partition, records, topic, next, writing);
      const at = now();
      await o.ledger.finish(outcomes.filter((x) => x.kind === "report").map((x) => x.work.id), "done", "reported", at);
      await o.ledger.finish(outcomes.filter((x) => x.kind === "dead").map((x) => x.work.id), "dead", "dead-lettered", at);
      for (const x of outcomes) {
        o.observer?.finished(x.kind === "report" ? "reported" : x.kind === "dead" ? "dead_lettered" : "already_done", x.kind === "dead" ? "failing" : undefined);
        if (x.kind === "report") {
          counts.reported++;
          o.log(`${x.work.id}: reported to ${o.reportsTopic}: ${x.report.decision} ${x.report.primary}`);
          await o.checkpointer.deleteThread(`kafka-ops-worker:${x.work.id}`).catch(() => {});
          await o.after.deliver({ kind: "report", key: x.work.id, at: new Date(at).toISOString(), report: x.report });
        } else if (x.kind === "dead") {
          counts.deadLettered++;
          await o.checkpointer.deleteThread(`kafka-ops-worker:${x.work.id}`).catch(() => {});
          o.log(`${x.work.id}: to ${o.dlqTopic} after ${x.attempts} attempt(s): ${x.error}`);
        } else {
          counts.skipped++;
          o.log(`${x.work.id}: ${x.why}: committed past it`);
        }
      }
      if (!parsed.ok) {
        counts.deadLettered++;
        o.observer?.finished("dead_lettered", "unparseable");
      } else parsed.ignored.forEach(() => o.observer?.finished("ignored"));
    } catch (error) {
      if (error instanceof Fenced) {
        // Another worker holds this partition now: stop reading it until the group gives it back.
        o.log(`${topic}/${partition}: another worker took this partition over; leaving it`);
        consumer.pause([{ topic, partitions: [partition] }]);
        consumer.seek({ topic, partition, offset: message.offset });
        return;
      }
      throw error;
    } finally {
      clearInterval(timer);
      for (const r of release) r();
    }
  };

  /** The records and the alert's offset, committed together; `writing` marked reporting meanwhile. */
  const commitInTransaction = async (partition: number, records: { topic: string; messages: Message[] }[], topic: string, next: string, writing: string[]) => {
    const producer = await producerFor(partition);
    let transaction: Awaited<ReturnType<Producer["transaction"]>> | undefined;
    try {
      transaction = await producer.transaction();
      for (const r of records) await transaction.send({ topic: r.topic, acks: -1, messages: r.messages });
      await o.ledger.reporting(writing, o.owner, now());
      await transaction.sendOffsets({ consumerGroupId: o.groupId, topics: [{ topic, partitions: [{ partition, offset: next }] }] });
      for (const id of writing) {
        if (!(await o.ledger.renew(id, o.owner, now() + o.leaseMs, now()))) throw new Fenced(`${id} was taken over`);
      }
      await transaction.commit();
      o.observer?.transaction("committed");
    } catch (error) {
      await transaction?.abort().catch(() => {});
      await dropProducer(partition);
      const fenced = error instanceof Fenced || isFencing(error);
      o.observer?.transaction(fenced ? "fenced" : "failed");
      if (fenced) throw new Fenced(String((error as Error).message));
      throw error;
    }
  };

  // The admin first, on the client's short retry: an unreachable cluster is one line at once.
  try {
    await admin.connect();
  } catch (error) {
    throw new ClusterUnreachableError(o.where, o.redact((error as Error).message));
  }
  try {
    const missing = await missingTopics(admin, [o.alertsTopic, o.reportsTopic]);
    if (missing.length) throw new KafkaOpsError("BAD_INPUT", `worker: no topic ${missing.join(", ")} on ${o.where} (the worker creates neither the alerts nor the reports topic: create ${missing.length > 1 ? "them" : "it"}, or name others)`);
    // Its own DLQ is the worker's to create, as Kafka Connect creates its dead letter queue.
    if ((await missingTopics(admin, [o.dlqTopic])).length) await createDeadLetterTopic(admin, o.dlqTopic, o.log);
    await consumer.connect();
  } catch (error) {
    await admin.disconnect().catch(() => {});
    throw error;
  }
  await consumer.subscribe({ topics: [o.alertsTopic], fromBeginning: true });
  let stopped: Promise<void> | undefined;
  let resolveDone!: (how: { error?: string }) => void;
  const done = new Promise<{ error?: string }>((r) => (resolveDone = r));
  let fatal: string | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      abort.abort();
      await consumer.disconnect().catch(() => {});
      await Promise.all([...producers.keys()].map(dropProducer));
      await admin.disconnect().catch(() => {});
      o.observer?.assigned([]);
      await o.after.close();
      resolveDone(fatal === undefined ? {} : { error: fatal });
    })());
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) {
      fatal = o.redact(String(event.payload.error?.message ?? event.payload.error));
      void stop();
    }
  });
  await consumer.run({ autoCommit: false, partitionsConsumedConcurrently: Math.max(1, o.concurrency), eachMessage });
  return { done, stop, counts };
}

/** One partition (poison alerts are rare), replicated like the cluster's defaults allow: up to 3. */
async function createDeadLetterTopic(admin: Admin, topic: string, log: (line: string) => void): Promise<void> {
  const { brokers } = await admin.describeCluster();
  const replicationFactor = Math.min(3, brokers.length);
  // false: another worker created it first, which is as good.
  const created = await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor }], waitForLeaders: true });
  if (created) log(`created the DLQ topic ${topic} (1 partition, replication factor ${replicationFactor})`);
}

async function missingTopics(admin: Admin, topics: string[]): Promise<string[]> {
  const known = new Set(await admin.listTopics());
  return topics.filter((t) => !known.has(t));
}

/** A poison record's copy for the DLQ: its own key, value and headers, plus ours. */
function poisonCopy(message: KafkaMessage, headers: IHeaders): Message {
  return { key: message.key, value: message.value, headers: { ...withoutOurs(message.headers ?? {}), ...headers } };
}

function withoutOurs(headers: IHeaders): IHeaders {
  const kept: IHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (!Object.values(ALERT_HEADERS).includes(k as never)) kept[k] = v;
  return kept;
}

function isFencing(error: unknown): boolean {
  const type = (error as { type?: string } | undefined)?.type ?? "";
  return /FENCED|INVALID_PRODUCER_EPOCH|TRANSACTIONAL_ID_AUTHORIZATION|INVALID_TXN_STATE/.test(type) || /fenced/i.test(String((error as Error | undefined)?.message));
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
