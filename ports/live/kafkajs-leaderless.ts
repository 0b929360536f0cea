/**
 * kafkajs refuses a whole Metadata answer when a single partition has no leader: its response
 * parser (kafkajs 2.2.4, src/protocol/requests/metadata/v0/response.js, shared by v1-v6) throws
 * the first partition-level error code it finds, LEADER_NOT_AVAILABLE for an offline partition.
 * Every later metadata refresh of that client then throws too (the topic stays among its target
 * topics), so describeCluster, listGroups and every offset read fail: the live sampler saw
 * nothing at exactly the moment it matters most (a broker down, an RF 1 partition offline), and
 * an investigation answered "unknown" instead of `replication.offline` sev1. Kafka's Java client
 * keeps such a partition with leader -1 (PartitionInfo.leader() null) and reads the rest.
 *
 * `tolerateLeaderlessPartitions()` does what the Java client does, inside kafkajs's own parser,
 * for the calls made inside `leaderlessTolerated(fn)` (the live reads: liveCall, the write side's
 * topic reads): partition-level LEADER_NOT_AVAILABLE and REPLICA_NOT_AVAILABLE no longer reject
 * the answer; the partition keeps the leader the broker sent (-1) and its replicas, ISR and offline
 * replicas. Topic-level errors still throw. Outside the scope kafkajs keeps its behaviour, which
 * some of its own calls rely on: `createTopics({ waitForLeaders })` waits by retrying until the
 * partition-level LEADER_NOT_AVAILABLE stops, and producers and consumers retry on it. The scope
 * is an AsyncLocalStorage: kafkajs parses in the same async function that sent the request
 * (network/connection.js `send`), so the caller's context is the one seen. kafkajs looks the parser up on the response module at each call
 * (network/connection.js: `response.parse(data)`), so replacing `parse` on each version's module
 * is enough; kafkajs is unmaintained and pinned, and kafkajs-leaderless.test.ts fails if a change
 * of its files moves the parser. What reads through it already copes with leaderless partitions:
 * the sampler reads offsets only from partitions with a leader, kafkajs's partitioners skip
 * leader -1 for records without a key.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";

/** Kafka error codes a partition may carry in a Metadata answer that still describes it fully. */
const TOLERATED = new Map([
  [5, "LEADER_NOT_AVAILABLE"],
  [9, "REPLICA_NOT_AVAILABLE"],
]);

/** The Metadata versions kafkajs 2.x speaks (src/protocol/requests/metadata/index.js). */
const VERSIONS = [0, 1, 2, 3, 4, 5, 6];

interface PartitionMetadata {
  partitionErrorCode: number;
  partitionId: number;
  leader: number;
}
interface MetadataAnswer {
  topicMetadata: { topicErrorCode: number; topic: string; partitionMetadata: PartitionMetadata[] }[];
}
interface ResponseModule {
  parse(data: MetadataAnswer): Promise<unknown>;
  [PATCHED]?: true;
}

const PATCHED = Symbol.for("kafka-ops.kafkajs-leaderless");
let installed: boolean | undefined;
const tolerant = new AsyncLocalStorage<true>();

/** Runs `fn` with leaderless partitions kept in the Metadata answers of the requests it sends. */
export function leaderlessTolerated<T>(fn: () => Promise<T>): Promise<T> {
  return tolerant.run(true, fn);
}

/**
 * Installs the tolerant parser once per process (idempotent). False when kafkajs's files are not
 * where this expects them (then kafkajs keeps its behaviour, and the test says so).
 */
export function tolerateLeaderlessPartitions(): boolean {
  if (installed !== undefined) return installed;
  const require = createRequire(import.meta.url);
  const modules: ResponseModule[] = [];
  try {
    for (const v of VERSIONS) modules.push(require(`kafkajs/src/protocol/requests/metadata/v${v}/response.js`) as ResponseModule);
  } catch {
    return (installed = false);
  }
  if (!modules.every((m) => typeof m.parse === "function")) return (installed = false);
  for (const m of modules) {
    if (m[PATCHED]) continue;
    const strict = m.parse;
    m.parse = (data) => strict(tolerant.getStore() ? withoutTolerated(data) : data);
    m[PATCHED] = true;
  }
  return (installed = true);
}

/** The answer with tolerated partition errors cleared (a copy: the decoded answer is not changed). */
export function withoutTolerated(data: MetadataAnswer): MetadataAnswer {
  if (!data.topicMetadata.some((t) => t.partitionMetadata.some((p) => TOLERATED.has(p.partitionErrorCode)))) return data;
  return {
    ...data,
    topicMetadata: data.topicMetadata.map((t) => ({
      ...t,
      partitionMetadata: t.partitionMetadata.map((p) => (TOLERATED.has(p.partitionErrorCode) ? { ...p, partitionErrorCode: 0 } : p)),
    })),
  };
}
