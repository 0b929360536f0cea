/**
 * Live RecordMoverPort over kafkajs.
 *
 * Reading: kafkajs has no assign(), so every read (a dry run's scan, one record, the move's
 * fetching) runs a consumer in its own short-lived group (`kafka-ops-fetch-<uuid>`) that commits
 * nothing, seeks to where it must start, and is deleted afterwards. It reads read_committed.
 *
 * Moving: a transactional producer whose transactional id is the move's (stable per DLQ). Each
 * batch of records is one transaction: the routed records, then `sendOffsets` of the reader
 * group's next position, then commit. Any failure (a broker restarting, a coordinator moving)
 * aborts the attempt: the producer, the consumer and the admin are closed, and after a backoff
 * a new attempt starts by initialising a new producer with the same transactional id, which
 * fences the old one and settles its open transaction (aborted, or completed if its commit had
 * reached the coordinator), and only then reads the reader group's committed position. So what
 * a read_committed reader sees is every record exactly once, whatever the attempt died of.
 */
import { randomUUID } from "node:crypto";
import { Partitioners, type Consumer, type IHeaders, type KafkaMessage, type Producer } from "kafkajs";
import type { MoveResult, MoveSpec, MovedRecord, OutgoingRecord, PartitionOffsets, Position, RecordHeader, RecordMoverPort } from "../record-mover.ts";
import type { LiveWriteContext } from "./context.ts";
import { liveKafka, type LiveKafka } from "./kafka-client.ts";

export const FETCH_GROUP_PREFIX = "kafka-ops-fetch-";
const MAX_BACKOFF_MS = 30_000;
/** An attempt that sees no batch for this long is abandoned and retried (a fetch hung on a dead broker). */
const ATTEMPT_IDLE_MS = 20_000;

export function liveRecords(ctx: LiveWriteContext): RecordMoverPort & { close(): Promise<void> } {
  const k = liveKafka(ctx);

  const offsets = async (topic: string): Promise<PartitionOffsets[] | null> => {
    const admin = await k.admin();
    const topics = await k.call("listing topics", () => admin.listTopics());
    if (!topics.includes(topic)) return null;
    const o = await k.call(`offsets of ${topic}`, () => admin.fetchTopicOffsets(topic));
    return o.map((p) => ({ partition: p.partition, low: p.low, high: p.high })).sort((a, b) => a.partition - b.partition);
  };

  const readRange = async (topic: string, partition: number, from: string, until: string, limit: number): Promise<MovedRecord[]> => {
    if (limit <= 0 || BigInt(from) >= BigInt(until)) return [];
    // Clamped to the log as it is now: a fetch never reaches an offset past the high watermark.
    const log = (await offsets(topic))?.find((o) => o.partition === partition);
    if (!log) throw new Error(`${topic} has no partition ${partition}`);
    const lo = BigInt(from) > BigInt(log.low) ? BigInt(from) : BigInt(log.low);
    const hi = BigInt(until) < BigInt(log.high) ? BigInt(until) : BigInt(log.high);
    if (lo >= hi) return [];
    const read: MovedRecord[] = [];
    await k.call(
      `reading ${topic}/${partition} from ${from}`,
      () =>
        fetchRanges(k, topic, [{ partition, from: lo, until: hi }], async (p, messages) => {
          for (const m of messages) if (read.length < limit) read.push(toMoved(topic, p, m));
          return read.length >= limit;
        }),
      { deadlineMs: Math.max(ctx.policy.deadlineMs, 30_000) },
    );
    return read;
  };

  return {
    offsets,
    async readRecord(topic, partition, offset) {
      const o = (await offsets(topic))?.find((p) => p.partition === partition);
      if (!o || BigInt(offset) < BigInt(o.low) || BigInt(offset) >= BigInt(o.high)) return null;
      const [r] = await readRange(topic, partition, offset, (BigInt(offset) + 1n).toString(), 1);
      return r && r.offset === offset ? r : null;
    },
    readRange,
    async write(records) {
      if (records.length === 0) return [];
      const producer = k.kafka.producer({ transactionalId: `kafka-ops-writer-${randomUUID()}`, createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1, retry: { retries: 3, initialRetryTime: 200 } });
      try {
        await k.call("connecting a producer", () => producer.connect());
        // Once: a retried transaction whose first commit reached the broker would write the records twice.
        return await k.call(`writing ${records.length} record(s)`, async () => {
          const txn = await producer.transaction();
          try {
            const out: { topic: string; partition: number; offset: string }[] = [];
            for (const r of records) {
              const [meta] = await txn.send({ topic: r.topic, acks: -1, messages: [toMessage(r)] });
              if (!meta || meta.baseOffset === undefined) throw new Error(`no position returned for the record written to ${r.topic}`);
              out.push({ topic: r.topic, partition: meta.partition, offset: meta.baseOffset });
            }
            await txn.commit();
            return out;
          } catch (error) {
            await txn.abort().catch(() => {});
            throw error;
          }
        }, { once: true });
      } finally {
        await producer.disconnect().catch(() => {});
      }
    },
    move: (spec) => move(k, ctx, spec),
    close: () => k.close(),
  };
}

interface Range {
  partition: number;
  from: bigint;
  until: bigint;
}

/** What `each` may do while it works through a batch: keep the consumer's session and the idle watchdog alive. */
interface BatchControl {
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  alive(): void;
}

/**
 * Reads each range with a short-lived consumer, handing the messages in [from, until) to `each`,
 * one call at a time, in offset order per partition; `end` is true on the call after which the
 * range is read to `until` (which may come with no message: the rest were control records of a
 * transactional writer, or compacted away). Resolves when every range is read (or `each` returns
 * true: stop), rejects on the consumer's crash, an error of `each`, or no batch for ATTEMPT_IDLE_MS.
 */
async function fetchRanges(
  k: LiveKafka,
  topic: string,
  ranges: Range[],
  each: (partition: number, messages: KafkaMessage[], end: boolean, batch: BatchControl) => Promise<boolean | void>,
): Promise<void> {
  const groupId = `${FETCH_GROUP_PREFIX}${randomUUID()}`;
  const consumer: Consumer = k.kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    readUncommitted: false,
    maxWaitTimeInMs: 250,
    sessionTimeout: 30_000,
    heartbeatInterval: 3_000,
    retry: { retries: 0, restartOnFailure: async () => false },
  });
  const pending = new Map(ranges.map((r) => [r.partition, { ...r }]));
  let settled = false;
  let settle!: (error?: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    settle = (error) => {
      settled = true;
      if (error === undefined) resolve();
      else reject(error);
    };
  });
  let idle: NodeJS.Timeout | undefined;
  const alive = () => {
    clearTimeout(idle);
    idle = setTimeout(() => settle(new Error(`no records fetched from ${topic} for ${ATTEMPT_IDLE_MS} ms`)), ATTEMPT_IDLE_MS);
  };
  // One `each` at a time: batches and the end-of-batch events of filtered batches both come here.
  let chain: Promise<void> = Promise.resolve();
  const serial = (fn: () => Promise<void>): Promise<void> => (chain = chain.then(fn).catch((error: unknown) => settle(error)));

  /** Hands `messages` (offset >= 0 of the partition, in order) over; `lastOffset` is the batch's, control records included. */
  const handle = async (partition: number, messages: KafkaMessage[], lastOffset: bigint, control: BatchControl): Promise<bigint | undefined> => {
    const range = pending.get(partition);
    if (!range || settled) return undefined;
    const wanted = messages.filter((m) => BigInt(m.offset) >= range.from && BigInt(m.offset) < range.until);
    const last = wanted[wanted.length - 1];
    if (last) range.from = BigInt(last.offset) + 1n;
    const end = range.from >= range.until || lastOffset + 1n >= range.until;
    if (!wanted.length && !end) return undefined;
    const stop = (await each(partition, wanted, end, control)) === true;
    if (end || stop) {
      pending.delete(partition);
      consumer.pause([{ topic, partitions: [partition] }]);
      if (stop || pending.size === 0) settle();
    }
    return last ? BigInt(last.offset) : undefined;
  };

  const removeCrash = consumer.on(consumer.events.CRASH, (e) => settle(e.payload.error ?? new Error("the consumer crashed")));
  // kafkajs resolves a batch of only control records (or aborted ones) itself, without eachBatch: its end event still says how far it got.
  const removeEnd = consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    const { partition, batchSize, lastOffset } = e.payload as { partition: number; batchSize: number; lastOffset: string };
    if (batchSize !== 0 || !pending.has(partition)) return;
    alive();
    void serial(async () => {
      await handle(partition, [], BigInt(lastOffset), { heartbeat: async () => {}, isRunning: () => !settled, alive });
    });
  });
  try {
    alive();
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        alive();
        if (!pending.has(batch.partition)) {
          // Not ours to read (or done): move the fetch position on and stop fetching it.
          if (batch.messages.length) resolveOffset(batch.lastOffset());
          consumer.pause([{ topic, partitions: [batch.partition] }]);
          return;
        }
        await serial(async () => {
          const last = await handle(batch.partition, batch.messages, BigInt(batch.lastOffset()), { heartbeat, isRunning: () => isRunning() && !isStale() && !settled, alive });
          if (last !== undefined) resolveOffset(last.toString());
        });
      },
    });
    for (const r of ranges) consumer.seek({ topic, partition: r.partition, offset: r.from.toString() });
    await finished;
  } finally {
    clearTimeout(idle);
    removeCrash();
    removeEnd();
    await consumer.disconnect().catch(() => {});
    const admin = await k.admin().catch(() => undefined);
    await admin?.deleteGroups([groupId]).catch(() => {});
  }
}

async function move(k: LiveKafka, ctx: LiveWriteContext, spec: MoveSpec): Promise<MoveResult> {
  const result: MoveResult = { moved: 0, byTopic: {}, transactions: 0, retries: 0, position: [], complete: false };
  const until = new Map(spec.until.map((u) => [u.partition, BigInt(u.offset)]));
  const position = new Map<number, bigint>();
  let nextAt = Date.now();
  let lastCommitAt = Date.now();
  let failures = 0;
  let lastError: string | undefined;
  let stopped: string | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0 || spec.signal?.aborted) return resolve();
      const t = setTimeout(resolve, ms);
      spec.signal?.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
    });

  /** Committed position of the reader group, per partition of the move (the log start when nothing is committed). */
  const readPosition = async (): Promise<Map<number, bigint>> => {
    const admin = await k.admin();
    const [committed, logs] = await Promise.all([
      k.call(`position of ${spec.readerGroup}`, () => admin.fetchOffsets({ groupId: spec.readerGroup, topics: [spec.source] })),
      k.call(`offsets of ${spec.source}`, () => admin.fetchTopicOffsets(spec.source)),
    ]);
    const byPartition = new Map((committed.find((t) => t.topic === spec.source)?.partitions ?? []).map((p) => [p.partition, p.offset]));
    const out = new Map<number, bigint>();
    for (const u of spec.until) {
      const low = BigInt(logs.find((l) => l.partition === u.partition)?.low ?? "0");
      const c = byPartition.get(u.partition);
      const at = c === undefined || c === "-1" ? low : BigInt(c);
      out.set(u.partition, at < low ? low : at);
    }
    return out;
  };

  const attempt = async (): Promise<boolean> => {
    const producer: Producer = k.kafka.producer({
      transactionalId: spec.transactionalId,
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: true,
      maxInFlightRequests: 1,
      transactionTimeout: 30_000,
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
    try {
      // kafkajs sends the transactional InitProducerId at the first transaction(), not at connect():
      // an empty transaction forces it here, so the previous producer of this id is fenced and its
      // open transaction settled BEFORE the position is read (read first, a fenced-late move duplicates).
      await k.call(
        "initialising the transactional producer",
        async () => {
          await producer.connect();
          await (await producer.transaction()).abort(); // nothing registered: no EndTxn is sent
        },
        { deadlineMs: Math.max(ctx.policy.deadlineMs, 30_000), once: true },
      );
      for (const [p, at] of await readPosition()) position.set(p, at);
      const ranges: Range[] = spec.until.map((u) => ({ partition: u.partition, from: position.get(u.partition)!, until: BigInt(u.offset) })).filter((r) => r.from < r.until);
      if (ranges.length === 0) return true;
      await fetchRanges(k, spec.source, ranges, async (partition, messages, end, batch) => {
        for (let i = 0; i < messages.length; i += spec.batchSize) {
          if (spec.signal?.aborted || !batch.isRunning()) return true;
          const chunk = messages.slice(i, i + spec.batchSize);
          // Rate limit: each batch waits for its share of time after the previous one (no credit saved up while down).
          await sleep(nextAt - Date.now());
          nextAt = Math.max(nextAt, Date.now()) + (chunk.length / spec.maxPerSecond) * 1000;
          const routed = chunk.map((m) => spec.route(toMoved(spec.source, partition, m)));
          const next = BigInt(chunk[chunk.length - 1]!.offset) + 1n;
          batch.alive();
          const txn = await producer.transaction();
          try {
            const byTopic = new Map<string, ReturnType<typeof toMessage>[]>();
            for (const r of routed) (byTopic.get(r.topic) ?? byTopic.set(r.topic, []).get(r.topic)!).push(toMessage(r));
            await txn.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
            await txn.sendOffsets({ consumerGroupId: spec.readerGroup, topics: [{ topic: spec.source, partitions: [{ partition, offset: next.toString() }] }] });
            await txn.commit();
          } catch (error) {
            await txn.abort().catch(() => {});
            throw error;
          }
          position.set(partition, next);
          for (const r of routed) result.byTopic[r.topic] = (result.byTopic[r.topic] ?? 0) + 1;
          result.moved += chunk.length;
          result.transactions++;
          lastCommitAt = Date.now();
          failures = 0;
          spec.onProgress?.({ moved: result.moved, transactions: result.transactions, retries: result.retries });
          batch.alive();
          await batch.heartbeat().catch(() => {});
        }
        const to = until.get(partition)!;
        if (end && (position.get(partition) ?? 0n) < to && !spec.signal?.aborted) {
          // Only control records (or compacted offsets) are left before `until`: commit the position past them, no records.
          const txn = await producer.transaction();
          try {
            await txn.sendOffsets({ consumerGroupId: spec.readerGroup, topics: [{ topic: spec.source, partitions: [{ partition, offset: to.toString() }] }] });
            await txn.commit();
          } catch (error) {
            await txn.abort().catch(() => {});
            throw error;
          }
          position.set(partition, to);
          result.transactions++;
          lastCommitAt = Date.now();
        }
        return false;
      });
      return spec.until.every((u) => (position.get(u.partition) ?? 0n) >= BigInt(u.offset)) || spec.signal?.aborted === true;
    } finally {
      await producer.disconnect().catch(() => {});
    }
  };

  for (;;) {
    if (spec.signal?.aborted) {
      stopped = "aborted";
      break;
    }
    try {
      if (await attempt()) break;
    } catch (error) {
      result.retries++;
      failures++;
      lastError = k.failure("moving records", error).message;
      spec.onProgress?.({ moved: result.moved, transactions: result.transactions, retries: result.retries, lastError });
      if (Date.now() - lastCommitAt > spec.stallTimeoutMs) {
        stopped = `no transaction committed for ${Date.now() - lastCommitAt} ms: ${lastError}`;
        break;
      }
      await sleep(Math.min(spec.backoffMs * 2 ** (failures - 1), MAX_BACKOFF_MS));
    }
  }
  // The committed position is the truth (an attempt may have died between commit and our bookkeeping).
  const final = await readPosition().catch(() => position);
  result.position = spec.until.map((u): Position => ({ partition: u.partition, offset: (final.get(u.partition) ?? position.get(u.partition) ?? 0n).toString() }));
  result.complete = spec.until.every((u) => BigInt(result.position.find((p) => p.partition === u.partition)!.offset) >= (until.get(u.partition) ?? 0n));
  if (!result.complete) result.stopped = ctx.redact(stopped ?? (spec.signal?.aborted ? "aborted" : lastError ?? "stopped before the end"));
  return result;
}

function toMoved(topic: string, partition: number, m: KafkaMessage): MovedRecord {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ?? null,
    value: m.value ?? null,
    headers: fromHeaders(m.headers),
    timestamp: new Date(Number(m.timestamp)).toISOString(),
  };
}

function fromHeaders(headers: IHeaders | undefined): RecordHeader[] {
  const out: RecordHeader[] = [];
  for (const [key, value] of Object.entries(headers ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v === undefined) continue;
      out.push({ key, value: typeof v === "string" ? Buffer.from(v) : v });
    }
  }
  return out;
}

/** A kafkajs message: no partition and no timestamp (the default partitioner places it by key; the broker stamps it now). */
function toMessage(r: OutgoingRecord): { key: Buffer | null; value: Buffer | null; headers: IHeaders } {
  const headers: IHeaders = {};
  for (const h of r.headers) {
    const existing = headers[h.key];
    headers[h.key] = existing === undefined ? h.value : [...(Array.isArray(existing) ? existing : [existing]), h.value] as Buffer[];
  }
  return { key: r.key, value: r.value, headers };
}
