/**
 * The live RecordPort: DLQ topics and recent records read with kafkajs, without disturbing any
 * real consumer group and without committing anything.
 *
 * kafkajs has no `assign()`: a consumer always joins a group. Each read therefore uses its own
 * ephemeral group (`kafka-ops-peek-<uuid>`) that commits nothing (`autoCommit: false`, never
 * `commitOffsets`; with autoCommit off a kafkajs `seek` only moves the in-memory position), reads
 * the newest records of each partition up to the high watermark captured at the start, leaves,
 * and is deleted (best effort: the broker would drop the empty offset-less group on its own at
 * the next offsets-retention sweep). Real groups are never named, joined or read.
 *
 * Bounds: `limit` is capped at MAX_LIMIT records; each partition reads at most `limit` newest
 * records, fewer when the topic has many partitions so that at most MAX_READ records are read in
 * all (then the result is the newest by timestamp among what was read). The read stops at the
 * high watermarks, or at READ_BUDGET of the call deadline with what it has (partial), or fails
 * `unavailable` when it had read nothing by then.
 *
 * Records follow the contract (`RecordSample`): offset as a decimal string, timestamp ISO-8601,
 * key/value as UTF-8 text when they are printable text; a binary value is base64 with the header
 * `x-encoding: base64`; a binary key or header value is `base64:<base64>`. A header repeated in
 * a record keeps its last value (Kafka's `lastHeader`).
 */
import { randomUUID } from "node:crypto";
import type { Admin, Consumer, Kafka, KafkaMessage } from "kafkajs";
import type { RecordSample } from "../../contract/incident.ts";
import { dlqTopicMatcher } from "../../config/dlq-topics.ts";
import type { Settings } from "../../config/settings.ts";
import { notRecorded, ok, type Readout, type RecordPort } from "../ports.ts";
import { liveCall, type CallPolicy } from "./call.ts";

export const PEEK_GROUP_PREFIX = "kafka-ops-peek-";
/** Most records one read returns. */
export const MAX_LIMIT = 5000;
/** Most records one read fetches over all partitions. */
export const MAX_READ = 5000;
/** Share of the call deadline spent reading; the rest is for leaving the group. */
const READ_BUDGET = 0.75;

const NOT_FOUND = Symbol("no such topic");

export interface PartitionRange {
  partition: number;
  /** First offset to read (inclusive). */
  start: bigint;
  /** High watermark at the start of the read (exclusive). */
  high: bigint;
}

export function recordPort(kafka: Kafka, settings: Settings, policy: CallPolicy): RecordPort & { close(): Promise<void> } {
  const admin: Admin = kafka.admin();
  let connected: Promise<void> | undefined;
  const connect = () =>
    (connected ??= admin.connect().catch((error: unknown) => {
      connected = undefined;
      throw error;
    }));
  const consumers = new Set<Consumer>();

  const newest = async (what: string, topic: string, limit: number): Promise<Readout<RecordSample[]>> => {
    const wanted = Math.max(0, Math.min(Math.floor(limit), MAX_LIMIT));
    const startedAt = Date.now();
    const r = await liveCall(what, policy, async () => {
      await connect();
      if (!(await admin.listTopics()).includes(topic)) return NOT_FOUND;
      if (wanted === 0) return [];
      const offsets = await admin.fetchTopicOffsets(topic);
      const ranges = planRanges(
        offsets.map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) })),
        wanted,
      );
      if (ranges.length === 0) return [];
      const budgetMs = Math.max(0, startedAt + policy.deadlineMs * READ_BUDGET - Date.now());
      const read = await readRanges(topic, ranges, offsets.map((o) => o.partition), budgetMs);
      return newestOf(read, wanted);
    });
    if (r.kind !== "ok") return r;
    return r.value === NOT_FOUND ? notRecorded(`${what} (no such topic)`) : ok(r.value);
  };

  /** Reads [start, high) of each range with an ephemeral group; partial when the budget runs out. */
  const readRanges = async (topic: string, ranges: PartitionRange[], partitions: number[], budgetMs: number): Promise<RecordSample[]> => {
    const groupId = `${PEEK_GROUP_PREFIX}${randomUUID()}`;
    const consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 200,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      retry: { retries: 1 },
    });
    consumers.add(consumer);
    const byPartition = new Map(ranges.map((r) => [r.partition, r]));
    const read = new Map<string, RecordSample>(); // partition:offset -> record (a re-fetch is not a duplicate)
    const pending = new Set(ranges.map((r) => r.partition));
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    let timer: NodeJS.Timeout | undefined;
    try {
      await consumer.connect();
      // fromBeginning: before the seeks below apply, the position is the log start, never past
      // `start`, so every record fetched in [start, high) is wanted and nothing is skipped.
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const range = byPartition.get(batch.partition);
          if (!range || !pending.has(batch.partition)) return;
          for (const message of batch.messages) {
            const offset = BigInt(message.offset);
            if (offset >= range.start && offset < range.high) read.set(`${batch.partition}:${message.offset}`, toSample(batch.partition, message));
          }
          // lastOffset() counts control records and compacted gaps: the end can be reached
          // without a record at high - 1.
          if (BigInt(batch.lastOffset()) + 1n >= range.high) {
            pending.delete(batch.partition);
            if (pending.size === 0) done();
          }
        },
      });
      for (const partition of partitions) {
        const range = byPartition.get(partition);
        consumer.seek({ topic, partition, offset: String(range ? range.start : -1n) }); // -1: latest, nothing to read there
      }
      await Promise.race([finished, new Promise<void>((resolve) => (timer = setTimeout(resolve, budgetMs)))]);
      if (pending.size > 0 && read.size === 0) {
        throw new Error(`read nothing from ${topic} within ${Math.round(budgetMs)} ms (partitions ${[...pending].join(", ")} pending)`);
      }
      return [...read.values()];
    } finally {
      clearTimeout(timer);
      consumers.delete(consumer);
      await consumer.disconnect().catch(() => {});
      // The group is empty and has no offsets: delete it now rather than leave it listed.
      await admin.deleteGroups([groupId]).catch(() => {});
    }
  };

  return {
    dlqTopics: () =>
      liveCall("DLQ topics", policy, async () => {
        const isDlq = dlqTopicMatcher(settings.dlqPattern);
        await connect();
        return (await admin.listTopics()).filter(isDlq).sort();
      }),
    peekDlq: (topic, limit) => newest(`records of DLQ topic ${topic}`, topic, limit),
    sample: (topic, limit) => newest(`sampled records of topic ${topic}`, topic, limit),
    sampledTopics: async () => notRecorded("topic samples (live mode samples only the topics a tool names)"),
    async close() {
      await Promise.allSettled([...consumers].map((c) => c.disconnect()));
      if (connected) await admin.disconnect().catch(() => {});
      connected = undefined;
    },
  };
}

/**
 * The offsets to read: the newest records of each non-empty partition, at most `limit` each and
 * about MAX_READ in all (but never less than an even share of `limit`).
 */
export function planRanges(partitions: { partition: number; low: bigint; high: bigint }[], limit: number): PartitionRange[] {
  const nonEmpty = partitions.filter((p) => p.high > p.low);
  if (nonEmpty.length === 0 || limit <= 0) return [];
  const share = Math.ceil(limit / nonEmpty.length);
  const perPartition = BigInt(Math.min(limit, Math.max(share, Math.floor(MAX_READ / nonEmpty.length))));
  return nonEmpty
    .map((p) => ({ partition: p.partition, start: p.high - perPartition > p.low ? p.high - perPartition : p.low, high: p.high }))
    .sort((a, b) => a.partition - b.partition);
}

/** The newest `limit` records by timestamp (then partition, offset), oldest first. */
export function newestOf(records: RecordSample[], limit: number): RecordSample[] {
  const sorted = [...records].sort(
    (a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp) || a.partition - b.partition || compareOffsets(a.offset, b.offset),
  );
  return sorted.slice(Math.max(0, sorted.length - limit));
}

function compareOffsets(a: string, b: string): number {
  const d = BigInt(a) - BigInt(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });
/** Control characters other than tab, newline, carriage return: the mark of binary data. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** The bytes as text when they are printable UTF-8, else undefined. */
export function printable(bytes: Buffer): string | undefined {
  try {
    const text = UTF8.decode(bytes);
    return CONTROL.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

const base64Text = (bytes: Buffer): string => printable(bytes) ?? `base64:${bytes.toString("base64")}`;

export function toSample(partition: number, message: KafkaMessage): RecordSample {
  const headers: Record<string, string> = {};
  for (const [name, raw] of Object.entries(message.headers ?? {})) {
    const value = Array.isArray(raw) ? raw.at(-1) : raw;
    if (value === undefined || value === null) continue;
    headers[name] = typeof value === "string" ? value : base64Text(value);
  }
  let value: string | null = null;
  if (message.value) {
    const text = printable(message.value);
    if (text === undefined) {
      value = message.value.toString("base64");
      headers["x-encoding"] = "base64";
    } else {
      value = text;
    }
  }
  const ms = Number(message.timestamp);
  return {
    partition,
    offset: message.offset,
    timestamp: new Date(Number.isFinite(ms) && ms >= 0 ? ms : 0).toISOString(),
    key: message.key ? base64Text(message.key) : null,
    value,
    headers,
  };
}
