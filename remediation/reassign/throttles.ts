/**
 * Replication throttles for a reassignment, set only where the moving bytes flow, the way
 * Kafka's own ReassignPartitionsCommand sets them:
 *
 *   brokers that send or receive a replica   leader.replication.throttled.rate
 *                                            follower.replication.throttled.rate
 *   each topic with a moving partition       leader.replication.throttled.replicas   "p:b" for the replicas it has now
 *                                            follower.replication.throttled.replicas "p:b" for the replicas being added
 *
 * All four go through IncrementalAlterConfigs (the topic admin port): every other dynamic config
 * of the broker or topic stays as it was.
 *
 * Throttles left behind are the classic outage (replication of every later move runs at the
 * throttled rate, forever), so before any is set a record goes into the ledger: what was there
 * before and what this run set. Removal restores the value before, and only where the config
 * still holds the value this run set (someone who changed it since keeps their change). A run
 * killed before it could remove them leaves its record: the next `reassign` command of any kind
 * finds it (its process gone) and removes them once the partitions are no longer moving.
 */
import { hostname } from "node:os";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ConfigResource, TopicAdminPort } from "../../ports/write/topic-admin.ts";

export const BROKER_RATE_KEYS = ["leader.replication.throttled.rate", "follower.replication.throttled.rate"] as const;
export const TOPIC_REPLICA_KEYS = { leader: "leader.replication.throttled.replicas", follower: "follower.replication.throttled.replicas" } as const;

export interface ThrottleMove {
  topic: string;
  partition: number;
  from: readonly number[];
  to: readonly number[];
}

/** What one batch's throttles are: a rate on its brokers, replica lists on its topics. */
export interface ThrottleSpec {
  bytesPerSec: number;
  brokers: number[];
  topics: Record<string, { leader: string; follower: string }>;
}

export function throttleSpec(moves: readonly ThrottleMove[], bytesPerSec: number): ThrottleSpec {
  const brokers = new Set<number>();
  const leader = new Map<string, string[]>();
  const follower = new Map<string, string[]>();
  for (const m of moves) {
    const added = m.to.filter((b) => !m.from.includes(b));
    const removed = m.from.filter((b) => !m.to.includes(b));
    if (added.length === 0 && removed.length === 0) continue; // a reorder: leadership only, no bytes move
    // The senders are the replicas it has now (any of them may lead while it moves); the receivers the new ones.
    for (const b of [...m.from, ...added]) brokers.add(b);
    leader.set(m.topic, [...(leader.get(m.topic) ?? []), ...m.from.map((b) => `${m.partition}:${b}`)]);
    follower.set(m.topic, [...(follower.get(m.topic) ?? []), ...added.map((b) => `${m.partition}:${b}`)]);
  }
  const topics: ThrottleSpec["topics"] = {};
  for (const t of [...leader.keys()].sort()) topics[t] = { leader: leader.get(t)!.join(","), follower: (follower.get(t) ?? []).join(",") };
  return { bytesPerSec: Math.round(bytesPerSec), brokers: [...brokers].sort((a, b) => a - b), topics };
}

/** A config's value before this run set it; null: it was not set. */
type Before = string | null;

export interface ThrottleRecord {
  id: string;
  /** Where the throttles are ("live 127.0.0.1:9092"): a record is only ever acted on against its own cluster. */
  target: string;
  owner: { pid: number; host: string };
  startedAt: string;
  /** The partitions this run moves under these throttles: removal waits until none of them is moving. */
  partitions: { topic: string; partition: number; from?: number[] }[];
  set: ThrottleSpec;
  before: { brokers: Record<string, Record<string, Before>>; topics: Record<string, Record<string, Before>> };
}

/** Where throttle records live between processes. */
export interface ThrottleLedger {
  list(): Promise<ThrottleRecord[]>;
  put(record: ThrottleRecord): Promise<void>;
  remove(id: string): Promise<void>;
  describe: string;
}

/** The ledger as one JSON file in the state dir, replaced atomically (write, then rename). */
export function fileLedger(stateDir: string): ThrottleLedger {
  const path = join(stateDir, "reassign-throttles.json");
  const read = async (): Promise<ThrottleRecord[]> => {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const parsed = JSON.parse(text) as { records?: ThrottleRecord[] };
    if (!Array.isArray(parsed.records)) throw new Error(`${path}: expected {"records": [...]}`);
    return parsed.records;
  };
  const write = async (records: ThrottleRecord[]) => {
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ records }, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, path);
  };
  return {
    describe: path,
    list: read,
    async put(record) {
      await write([...(await read()).filter((r) => r.id !== record.id), record]);
    },
    async remove(id) {
      await write((await read()).filter((r) => r.id !== id));
    },
  };
}

/** The ledger in the state dir: settings state.dir, else KAFKA_OPS_STATE_DIR, else ~/.kafka-ops (where the audit log goes too). */
export function stateLedger(env: Record<string, string | undefined>, stateDir?: string): ThrottleLedger {
  return fileLedger(stateDir ?? env.KAFKA_OPS_STATE_DIR ?? `${env.HOME ?? "."}/.kafka-ops`);
}

export function memoryLedger(): ThrottleLedger & { records: ThrottleRecord[] } {
  const records: ThrottleRecord[] = [];
  return {
    records,
    describe: "in-memory ledger",
    async list() {
      return structuredClone(records);
    },
    async put(record) {
      const i = records.findIndex((r) => r.id === record.id);
      if (i >= 0) records.splice(i, 1);
      records.push(structuredClone(record));
    },
    async remove(id) {
      const i = records.findIndex((r) => r.id === id);
      if (i >= 0) records.splice(i, 1);
    },
  };
}

/** Whether the process that wrote a record is still running (only knowable on the same host). */
export function ownerAlive(owner: ThrottleRecord["owner"]): boolean | "unknown" {
  if (owner.host !== hostname()) return "unknown";
  if (owner.pid === process.pid) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function currentOwner(): ThrottleRecord["owner"] {
  return { pid: process.pid, host: hostname() };
}

const brokerResource = (id: number | string): ConfigResource => ({ type: "broker", id: Number(id) });
const topicResource = (name: string): ConfigResource => ({ type: "topic", name });

/** Reads what the spec will overwrite, so removal can put it back. */
export async function readBefore(topics: TopicAdminPort, spec: ThrottleSpec): Promise<ThrottleRecord["before"]> {
  const before: ThrottleRecord["before"] = { brokers: {}, topics: {} };
  for (const b of spec.brokers) {
    const now = await topics.dynamicConfigs(brokerResource(b));
    before.brokers[String(b)] = Object.fromEntries(BROKER_RATE_KEYS.map((k) => [k, now[k] ?? null]));
  }
  for (const t of Object.keys(spec.topics)) {
    const now = await topics.dynamicConfigs(topicResource(t));
    before.topics[t] = Object.fromEntries(Object.values(TOPIC_REPLICA_KEYS).map((k) => [k, now[k] ?? null]));
  }
  return before;
}

export async function setThrottles(topics: TopicAdminPort, spec: ThrottleSpec): Promise<string[]> {
  const rate = String(spec.bytesPerSec);
  for (const b of spec.brokers) await topics.incrementalAlterConfigs(brokerResource(b), BROKER_RATE_KEYS.map((name) => ({ name, op: "set" as const, value: rate })));
  for (const [t, v] of Object.entries(spec.topics)) {
    await topics.incrementalAlterConfigs(topicResource(t), [
      { name: TOPIC_REPLICA_KEYS.leader, op: "set", value: v.leader },
      // An empty follower list (a move that only drops replicas) is simply not set.
      v.follower ? { name: TOPIC_REPLICA_KEYS.follower, op: "set", value: v.follower } : { name: TOPIC_REPLICA_KEYS.follower, op: "delete" },
    ]);
  }
  return [`throttle ${formatRate(spec.bytesPerSec)} set on brokers ${spec.brokers.join(", ")} and on the moving replicas of ${Object.keys(spec.topics).length} topics`];
}

/**
 * Puts every config the record set back to its value before, where it still holds the value
 * the record set. Returns what it did; throws only when a write fails (the record then stays,
 * so a later run tries again).
 */
export async function removeThrottles(topics: TopicAdminPort, record: ThrottleRecord): Promise<string[]> {
  const lines: string[] = [];
  const restore = async (resource: ConfigResource, what: string, expected: Record<string, string>, before: Record<string, Before>) => {
    let now: Record<string, string | null>;
    try {
      now = await topics.dynamicConfigs(resource);
    } catch (error) {
      // A topic deleted since, or a broker removed from the cluster: nothing of ours is left on it.
      if (/does not exist|UNKNOWN_TOPIC|not in the cluster/i.test(error instanceof Error ? error.message : String(error))) return;
      throw error;
    }
    const changes = Object.entries(expected).flatMap(([name, ours]) => {
      const current = now[name] ?? null;
      const prior = before[name] ?? null;
      if (current === prior) return [];
      if (current !== ours && !(ours === "" && current === null)) {
        lines.push(`${what}: ${name} was changed since this run set it (now ${current ?? "unset"}): left as it is`);
        return [];
      }
      return [prior === null ? { name, op: "delete" as const } : { name, op: "set" as const, value: prior }];
    });
    if (changes.length) await topics.incrementalAlterConfigs(resource, changes);
  };
  const rate = String(record.set.bytesPerSec);
  for (const b of record.set.brokers) {
    await restore(brokerResource(b), `broker ${b}`, Object.fromEntries(BROKER_RATE_KEYS.map((k) => [k, rate])), record.before.brokers[String(b)] ?? {});
  }
  for (const [t, v] of Object.entries(record.set.topics)) {
    await restore(topicResource(t), `topic ${t}`, { [TOPIC_REPLICA_KEYS.leader]: v.leader, [TOPIC_REPLICA_KEYS.follower]: v.follower }, record.before.topics[t] ?? {});
  }
  lines.unshift(`throttles removed from brokers ${record.set.brokers.join(", ")} and ${Object.keys(record.set.topics).length} topics`);
  return lines;
}

/** Every throttle config set on these brokers and topics now (what `status` shows, whoever set it). */
export async function throttlesInPlace(topics: TopicAdminPort, brokers: readonly number[], topicNames: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const b of brokers) {
    const now = await topics.dynamicConfigs(brokerResource(b));
    for (const k of BROKER_RATE_KEYS) if (now[k] != null) out.push(`broker ${b}: ${k}=${now[k]}`);
  }
  for (const t of topicNames) {
    const now = await topics.dynamicConfigs(topicResource(t)).catch(() => ({}) as Record<string, string | null>);
    for (const k of Object.values(TOPIC_REPLICA_KEYS)) if (now[k] != null) out.push(`topic ${t}: ${k}=${now[k]}`);
  }
  return out;
}

export function formatRate(bytesPerSec: number): string {
  if (bytesPerSec >= 1_000_000) return `${(bytesPerSec / 1_000_000).toFixed(bytesPerSec >= 10_000_000 ? 0 : 1)} MB/s`;
  if (bytesPerSec >= 1_000) return `${(bytesPerSec / 1_000).toFixed(0)} kB/s`;
  return `${Math.round(bytesPerSec)} B/s`;
}

/** "50MB/s", "500kB/s", "1000000" (bytes per second) -> bytes per second; null when it is not a rate. */
export function parseRate(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|kib|mib|gib)?(?:\/s)?\s*$/i.exec(text);
  if (!m) return null;
  const unit = (m[2] ?? "b").toLowerCase();
  const factor = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 }[unit]!;
  const n = Number(m[1]) * factor;
  return Number.isFinite(n) && n >= 1 ? Math.round(n) : null;
}
