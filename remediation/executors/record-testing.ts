/**
 * Test scaffolding for the record-side executors: a MemoryCluster with topics holding records,
 * groups with members and offsets, deployments; and an ExecutionContext over the in-memory write
 * ports (every port the in-memory adapter has, so moves, offsets and stops are seen by each other).
 */
import type { Action } from "../../contract/report.ts";
import type { ActionKind } from "../../contract/vocabulary.ts";
import { emptyCluster, type MemoryCluster } from "../../ports/write/memory/cluster.ts";
import { memoryWritePorts } from "../../ports/write/memory/index.ts";
import { memoryRecords, type MemoryRecordsOptions } from "../../ports/write/memory/records.ts";
import type { GroupMemberView } from "../../ports/write/group-admin.ts";
import type { MovedRecord, RecordHeader } from "../../ports/write/record-mover.ts";
import type { ExecutionContext } from "./executor.ts";

export const NOW = new Date("2026-12-01T22:00:00.000Z");

export function addTopic(cluster: MemoryCluster, name: string, partitions = 1): void {
  cluster.topics.set(name, {
    partitions: Array.from({ length: partitions }, (_, partition) => ({ partition, leader: 1, replicas: [1], isr: [1] })),
    records: Array.from({ length: partitions }, () => []),
    logStart: Array.from({ length: partitions }, () => 0),
    configs: {},
  });
}

export const headers = (h: Record<string, string | Buffer>): RecordHeader[] =>
  Object.entries(h).map(([key, value]) => ({ key, value: typeof value === "string" ? Buffer.from(value) : value }));

/** Appends a record at the partition's end. */
export function put(cluster: MemoryCluster, topic: string, partition: number, record: { key?: string | Buffer | null; value?: string | Buffer | null; headers?: Record<string, string | Buffer> }): MovedRecord {
  const t = cluster.topics.get(topic);
  if (!t) throw new Error(`test topic ${topic} was not added`);
  const list = (t.records[partition] ??= []);
  const last = list[list.length - 1];
  const offset = last ? (BigInt(last.offset) + 1n).toString() : String(t.logStart[partition] ?? 0);
  const bytes = (v: string | Buffer | null | undefined) => (v === undefined || v === null ? null : typeof v === "string" ? Buffer.from(v) : v);
  const stored: MovedRecord = { topic, partition, offset, key: bytes(record.key), value: bytes(record.value), headers: headers(record.headers ?? {}), timestamp: NOW.toISOString() };
  list.push(stored);
  return stored;
}

export function member(id: string, topic: string, partitions: number[]): GroupMemberView {
  return { memberId: id, clientId: `client-${id}`, host: `/10.0.0.${id.length}`, assignment: [{ topic, partitions }] };
}

export function addGroup(cluster: MemoryCluster, group: string, offsets: Record<string, Record<number, string>>, members: GroupMemberView[] = []): void {
  cluster.groups.set(group, { state: members.length ? "Stable" : "Empty", members, offsets });
}

export function context(cluster: MemoryCluster, records?: MemoryRecordsOptions): ExecutionContext & { settled: number[] } {
  const write = memoryWritePorts(cluster, "in-memory simulation (test)");
  if (records) write.records = memoryRecords(cluster, records);
  const settled: number[] = [];
  return {
    write,
    now: () => NOW,
    settle: async (ms) => {
      settled.push(ms);
    },
    redact: (s) => s.replaceAll("hunter2", "***"),
    settled,
  };
}

export function action(kind: ActionKind, params: Action["params"]): Action {
  return { kind, risk: "medium", requiresApproval: true, status: "proposed", params, rationale: "test" };
}

export { emptyCluster, type MemoryCluster };

/** Each record of a topic as `<value>` text (for counting what arrived where). */
export function values(cluster: MemoryCluster, topic: string): string[] {
  return (cluster.topics.get(topic)?.records ?? []).flat().map((r) => r.value?.toString("utf8") ?? "null");
}
