/**
 * In-memory RecordMoverPort over a MemoryCluster. A transaction is one synchronous step here, so
 * it is atomic by construction: its records and its reader-group commit appear together or not at
 * all. Tests make chosen transactions fail (`failTransaction`) to show that a move interrupted
 * and resumed loses and duplicates nothing, as the live adapter must across a broker restart.
 *
 * Partitions of a MemoryTopic: `records[p]` holds the kept records in offset order (each with
 * its own `offset`), `logStart[p]` the first kept offset; the high watermark is one past the last
 * record (or `logStart[p]` when none is kept), or `logEnd[p]` when that is known and further.
 * Appends go at the high watermark.
 */
import { crc32 } from "node:zlib";
import type { MoveResult, MovedRecord, OutgoingRecord, PartitionOffsets, RecordMoverPort } from "../record-mover.ts";
import type { MemoryCluster, MemoryTopic } from "./cluster.ts";
import { commitOffsets } from "./groups.ts";

export interface MemoryRecordsOptions {
  /** Called with each transaction's number (1, 2, ...); true makes it fail (aborted, nothing applied). */
  failTransaction?(n: number): boolean;
  /**
   * Backoff waits; by default none (a simulation need not wait; the time still counts toward
   * stallTimeoutMs). The rate limit is not waited for either: it only paces a live move.
   */
  sleep?(ms: number): Promise<void>;
}

const MAX_BACKOFF_MS = 30_000;

export function memoryRecords(cluster: MemoryCluster, options: MemoryRecordsOptions = {}): RecordMoverPort {
  const sleep = options.sleep ?? (async () => {});
  let transactionNo = 0;

  const topicOf = (name: string): MemoryTopic => {
    const t = cluster.topics.get(name);
    if (!t) throw new Error(`topic ${name} does not exist`);
    return t;
  };

  const append = (record: OutgoingRecord, at: Date): { topic: string; partition: number; offset: string } => {
    const t = topicOf(record.topic);
    const count = t.partitions.length;
    const partition = record.key ? crc32(record.key) % count : roundRobin(t);
    const offset = highOf(t, partition).toString();
    const stored: MovedRecord = { topic: record.topic, partition, offset, key: copy(record.key), value: copy(record.value), headers: record.headers.map((h) => ({ key: h.key, value: Buffer.from(h.value) })), timestamp: at.toISOString() };
    (t.records[partition] ??= []).push(stored);
    return { topic: record.topic, partition, offset };
  };

  return {
    async offsets(topic) {
      const t = cluster.topics.get(topic);
      if (!t) return null;
      return t.partitions.map((p): PartitionOffsets => ({ partition: p.partition, low: String(t.logStart[p.partition] ?? 0), high: highOf(t, p.partition).toString() }));
    },
    async readRecord(topic, partition, offset) {
      const t = cluster.topics.get(topic);
      const found = t?.records[partition]?.find((r) => r.offset === offset);
      return found ? clone(found) : null;
    },
    async readRange(topic, partition, from, until, limit) {
      const t = topicOf(topic);
      const lo = BigInt(from);
      const hi = BigInt(until);
      return (t.records[partition] ?? []).filter((r) => BigInt(r.offset) >= lo && BigInt(r.offset) < hi).slice(0, Math.max(0, limit)).map(clone);
    },
    async write(records) {
      for (const r of records) topicOf(r.topic); // all or nothing: check every destination first
      const at = new Date();
      return records.map((r) => append(r, at));
    },
    async move(spec) {
      const result: MoveResult = { moved: 0, byTopic: {}, transactions: 0, retries: 0, position: [], complete: false };
      const source = cluster.topics.get(spec.source);
      const positionOf = (partition: number): bigint => {
        const committed = cluster.groups.get(spec.readerGroup)?.offsets[spec.source]?.[partition];
        const low = BigInt(source?.logStart[partition] ?? 0);
        return committed === undefined || BigInt(committed) < low ? low : BigInt(committed);
      };
      const finish = (stopped?: string): MoveResult => {
        result.position = spec.until.map((u) => ({ partition: u.partition, offset: positionOf(u.partition).toString() }));
        result.complete = spec.until.every((u) => positionOf(u.partition) >= BigInt(u.offset));
        return stopped === undefined || result.complete ? result : { ...result, stopped };
      };
      if (!source) return finish(`topic ${spec.source} does not exist`);
      let failures = 0;
      let stalledMs = 0;
      for (const { partition, offset: untilText } of spec.until) {
        const until = BigInt(untilText);
        for (;;) {
          if (spec.signal?.aborted) return finish("aborted");
          const from = positionOf(partition);
          if (from >= until) break;
          const chunk = (source.records[partition] ?? []).filter((r) => BigInt(r.offset) >= from && BigInt(r.offset) < until).slice(0, spec.batchSize);
          if (chunk.length === 0) {
            // Only gaps (control records, compaction) left before `until`: an offsets-only transaction, as live.
            commitOffsets(cluster, spec.readerGroup, spec.source, [{ partition, offset: untilText }]);
            result.transactions++;
            break;
          }
          const routed = chunk.map((r) => spec.route(clone(r)));
          const txId = spec.transactionalId;
          transactionNo++;
          cluster.openTransactions.add(txId);
          const missing = routed.find((r) => !cluster.topics.has(r.topic));
          if (options.failTransaction?.(transactionNo) || missing) {
            cluster.openTransactions.delete(txId); // aborted: nothing of it is visible
            result.retries++;
            failures++;
            const wait = Math.min(spec.backoffMs * 2 ** (failures - 1), MAX_BACKOFF_MS);
            stalledMs += wait;
            const why = missing ? `topic ${missing.topic} does not exist` : `transaction ${transactionNo} failed (injected)`;
            spec.onProgress?.({ moved: result.moved, transactions: result.transactions, retries: result.retries, lastError: why });
            if (stalledMs > spec.stallTimeoutMs) return finish(`no transaction committed for ${stalledMs} ms: ${why}`);
            await sleep(wait);
            continue;
          }
          const at = new Date();
          for (const r of routed) {
            append(r, at);
            result.byTopic[r.topic] = (result.byTopic[r.topic] ?? 0) + 1;
          }
          commitOffsets(cluster, spec.readerGroup, spec.source, [{ partition, offset: (BigInt(chunk[chunk.length - 1]!.offset) + 1n).toString() }]);
          cluster.openTransactions.delete(txId);
          result.moved += chunk.length;
          result.transactions++;
          failures = 0;
          stalledMs = 0;
          spec.onProgress?.({ moved: result.moved, transactions: result.transactions, retries: result.retries });
        }
      }
      return finish();
    },
  };
}

/** One past the last record held, or the known log end when that is further (records not held: a simulation's unsampled ones). */
function highOf(t: MemoryTopic, partition: number): bigint {
  const records = t.records[partition] ?? [];
  const last = records[records.length - 1];
  const held = last ? BigInt(last.offset) + 1n : BigInt(t.logStart[partition] ?? 0);
  const end = t.logEnd?.[partition];
  return end !== undefined && BigInt(end) > held ? BigInt(end) : held;
}

const cursors = new WeakMap<MemoryTopic, number>();
function roundRobin(t: MemoryTopic): number {
  const next = cursors.get(t) ?? 0;
  cursors.set(t, next + 1);
  return next % t.partitions.length;
}

const copy = (b: Buffer | null): Buffer | null => (b === null ? null : Buffer.from(b));
const clone = (r: MovedRecord): MovedRecord => ({ ...r, key: copy(r.key), value: copy(r.value), headers: r.headers.map((h) => ({ key: h.key, value: Buffer.from(h.value) })) });
