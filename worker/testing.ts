/**
 * What the workers' integration test and `npm run bench:workers` share: `kafka-ops worker`
 * processes with their stderr lines, the partitions each says it holds, and reading a
 * transactional topic to its end with read_committed. Not part of the package.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { Admin, IHeaders, Kafka } from "kafkajs";
import { ALERT_FORMAT } from "../alerts/message.ts";
import { BIN, ROOT } from "../cli/testing.ts";
import { committedOffsets, endOffsets, uid, waitFor } from "../test/live/helpers.ts";

export interface WorkerProcess {
  child: ChildProcess;
  /** Its stderr, line by line, as it comes. */
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function workerProcess(name: string, args: string[], env: Record<string, string>): WorkerProcess {
  const child = spawn(BIN, ["worker", "--name", name, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1", ...env }, stdio: ["ignore", "ignore", "pipe"] });
  const lines: string[] = [];
  let rest = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    const parts = (rest + chunk.toString("utf8")).split("\n");
    rest = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return { child, lines, exited };
}

/** The partitions a worker's latest "assigned" line names. */
export function assignedTo(lines: readonly string[]): number[] {
  const last = lines.filter((l) => l.includes(": assigned ")).at(-1);
  const list = last?.match(/partitions ([\d,]+|none)$/)?.[1];
  return list && list !== "none" ? list.split(",").map(Number) : [];
}

export const alertValue = (id: string, group: string) => JSON.stringify({ format: ALERT_FORMAT, id, alert: { kind: "consumer_lag", summary: `${group} lag rising`, labels: { group } } });

export interface ReadRecord {
  key: string;
  headers: Record<string, string>;
  value: string;
}

/** Everything committed on `topic`, read by a read_committed group until its offsets reach the end. */
export async function readCommitted(kafka: Kafka, admin: Admin, topic: string): Promise<ReadRecord[]> {
  const groupId = `kafka-ops-reader-${uid()}`;
  const consumer = kafka.consumer({ groupId, readUncommitted: false, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  const seen: ReadRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => void seen.push({ key: message.key?.toString() ?? "", headers: text(message.headers ?? {}), value: message.value?.toString() ?? "" }),
    });
    // Only transactions write these topics, so each partition ends with a transaction marker,
    // which kafkajs reads past without resolving its offset: the group stops one short of the end.
    await waitFor(`a reader at the end of ${topic}`, async () => [await committedOffsets(admin, groupId, topic), await endOffsets(admin, topic)] as const, ([c, e]) => [...e].every(([p, end]) => end === 0 || (c.get(p) ?? -1) >= end - 1), { timeoutMs: 60_000, intervalMs: 300 });
  } finally {
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => {});
  }
  return seen;
}

const text = (h: IHeaders) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(Array.isArray(v) ? v.at(-1) : v)]));

/** Resolves once `groupId` has committed past every record of `topic`. */
export const allConsumed = (admin: Admin, groupId: string, topic: string, timeoutMs = 150_000) =>
  waitFor(`group ${groupId} past every alert`, async () => [await committedOffsets(admin, groupId, topic), await endOffsets(admin, topic)] as const, ([c, e]) => [...e].every(([p, end]) => c.get(p) === end), {
    timeoutMs,
    intervalMs: 100,
  });

export function countBy(reads: readonly ReadRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of reads) counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
  return counts;
}
