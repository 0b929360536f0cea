/**
 * What kafkajs would ask the cluster again and again within one snapshot, asked once.
 *
 * kafkajs 2.x (node_modules/kafkajs/src/admin/index.js, cluster/index.js) has no cache for
 * either of these:
 * - the coordinator of a group: `admin.describeGroups` looks it up (a FindCoordinator request)
 *   once per group id, and `admin.fetchOffsets` once more per group. For 200 groups that is 400
 *   of a snapshot's ~650 requests, half of them asking what was answered milliseconds before;
 * - the topics a client follows: `admin.fetchTopicOffsets(topic)` adds its topic to the client's
 *   target topics, and each addition refreshes the metadata of all of them, one refresh at a
 *   time behind a lock: a fresh client (one per snapshot, see sampling.ts) reading 20 topics
 *   sends ~40 Metadata requests in a row.
 *
 * - the offsets of the partitions: `admin.fetchTopicOffsets(topic)` sends two ListOffsets per
 *   topic (latest, then earliest), while kafkajs's `Cluster#fetchTopicsOffset` asks for any
 *   number of topics in one request per leader broker.
 *
 * `withSnapshotScope(fn)` wraps methods of kafkajs's `Cluster` (a public type of kafkajs,
 * types/index.d.ts): `findGroupCoordinator` is memoized per client and group;
 * `addTargetTopic` adds every topic the snapshot declared (`declareTopics`) at once, through
 * kafkajs's own `addMultipleTargetTopics`; `metadata` notes which client the snapshot uses, so
 * that `topicsOffsets` can read every topic's offsets through its `fetchTopicsOffset`.
 * Only calls made inside `fn` are affected (an
 * AsyncLocalStorage scope): a consumer's coordinator lookups, which must find a moved
 * coordinator again, and every call outside a snapshot keep kafkajs's behaviour. A failed
 * lookup is not kept. If a kafkajs upgrade drops either method, nothing is wrapped and a
 * snapshot only costs more requests (snapshot-scope.test.ts fails to say so).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";

interface CoordinatorQuery {
  groupId: string;
  coordinatorType?: number;
}

/** The methods wrapped, as kafkajs's Cluster has them. */
interface ClusterMethods {
  findGroupCoordinator?: (this: object, query: CoordinatorQuery) => Promise<unknown>;
  addTargetTopic?: (this: object, topic: string) => Promise<void>;
  addMultipleTargetTopics?: (this: object, topics: string[]) => Promise<void>;
  metadata?: (this: object, options?: { topics?: string[] }) => Promise<unknown>;
}

/** What `topicsOffsets` uses of a kafkajs Cluster (as types/index.d.ts declares it). */
interface OffsetsCluster {
  findTopicPartitionMetadata(topic: string): unknown[];
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  fetchTopicsOffset(
    topics: { topic: string; fromBeginning: boolean; partitions: { partition: number }[] }[],
  ): Promise<{ topic: string; partitions: { partition: number; offset: string }[] }[]>;
}

interface Scope {
  /** Per client (a kafkajs Cluster instance): "type\0group" -> the lookup's answer. */
  coordinators: WeakMap<object, Map<string, Promise<unknown>>>;
  /** Every topic the snapshot reads, once declared. */
  topics: { names: string[]; set: ReadonlySet<string> } | undefined;
  /** The client the snapshot reads through (the first to ask for metadata in it). */
  client: OffsetsCluster | undefined;
}

const scope = new AsyncLocalStorage<Scope>();
let installed: boolean | undefined;

/** kafkajs's Cluster class: the module instance kafkajs itself uses (one CommonJS cache). */
export function kafkajsCluster(): { prototype: ClusterMethods } {
  return createRequire(import.meta.url)("kafkajs/src/cluster/index.js");
}

function install(): boolean {
  if (installed !== undefined) return installed;
  const proto = kafkajsCluster().prototype;
  const { findGroupCoordinator, addTargetTopic, addMultipleTargetTopics, metadata } = proto;
  // kafkajs's addTargetTopic is addMultipleTargetTopics([topic]): the wrapper relies on both.
  const methods = [findGroupCoordinator, addTargetTopic, addMultipleTargetTopics, metadata, (proto as Partial<OffsetsCluster>).fetchTopicsOffset];
  if (!methods.every((m) => typeof m === "function")) return (installed = false);

  proto.metadata = function (this: object, options?: { topics?: string[] }) {
    const current = scope.getStore();
    if (current) current.client ??= this as OffsetsCluster;
    return metadata!.call(this, options);
  };

  proto.findGroupCoordinator = function (this: object, query: CoordinatorQuery) {
    const current = scope.getStore();
    if (!current) return findGroupCoordinator!.call(this, query);
    let cache = current.coordinators.get(this);
    if (!cache) current.coordinators.set(this, (cache = new Map()));
    const key = `${query.coordinatorType ?? 0}\u0000${query.groupId}`;
    let found = cache.get(key);
    if (!found) {
      found = findGroupCoordinator!.call(this, query);
      cache.set(key, found);
      found.catch(() => cache.delete(key));
    }
    return found;
  };

  proto.addTargetTopic = function (this: ClusterMethods, topic: string) {
    const topics = scope.getStore()?.topics;
    // Adding all at once: after the first call the set no longer grows, so no more refreshes.
    if (topics?.set.has(topic)) return this.addMultipleTargetTopics!(topics.names);
    return addTargetTopic!.call(this, topic);
  };
  return (installed = true);
}

/** Runs `fn` (one snapshot's reads) with the lookups above made once. */
export function withSnapshotScope<T>(fn: () => Promise<T>): Promise<T> {
  if (!install()) return fn();
  return scope.run({ coordinators: new WeakMap(), topics: undefined, client: undefined }, fn);
}

/** Declares the topics the current snapshot will read offsets of (no-op outside one). */
export function declareTopics(names: readonly string[]): void {
  const current = scope.getStore();
  if (current) current.topics = { names: [...names], set: new Set(names) };
}

/** Log start (`low`) and end (`high`) offsets of one topic's partitions. */
export type TopicOffsets = Map<number, { low: string; high: string }>;

/**
 * The start and end offsets of the given partitions of every topic, in two ListOffsets
 * requests per leader broker (latest and earliest, at once), through the snapshot's client.
 * Undefined outside a snapshot or before its client asked for metadata. Rejects when any
 * partition fails (kafkajs fails the whole answer): the caller then reads topic by topic.
 */
export function topicsOffsets(topics: readonly { topic: string; partitions: readonly number[] }[]): Promise<Map<string, TopicOffsets>> | undefined {
  const client = scope.getStore()?.client;
  if (!client) return undefined;
  if (!topics.length) return Promise.resolve(new Map());
  return (async () => {
    // A client's connect reads every topic's metadata: a refresh (behind whatever else the
    // snapshot has queued on that connection) only for a topic created since.
    if (!topics.every((t) => client.findTopicPartitionMetadata(t.topic).length)) {
      await client.addMultipleTargetTopics(topics.map((t) => t.topic));
      await client.refreshMetadataIfNecessary();
    }
    const ask = (fromBeginning: boolean) =>
      client.fetchTopicsOffset(topics.map((t) => ({ topic: t.topic, fromBeginning, partitions: t.partitions.map((partition) => ({ partition })) })));
    const [high, low] = await Promise.all([ask(false), ask(true)]);
    const out = new Map<string, TopicOffsets>(topics.map((t) => [t.topic, new Map()]));
    const lows = new Map(low.map((t) => [t.topic, new Map(t.partitions.map((p) => [p.partition, p.offset]))]));
    for (const t of high) {
      const byPartition = out.get(t.topic);
      if (!byPartition) continue;
      for (const p of t.partitions) {
        const start = lows.get(t.topic)?.get(p.partition);
        if (start !== undefined) byPartition.set(p.partition, { low: start, high: p.offset });
      }
    }
    // A topic the answer leaves out (its metadata missing after all) is read on its own.
    for (const [topic, byPartition] of out) if (!byPartition.size) out.delete(topic);
    return out;
  })();
}

/** Whether the wrappers could be installed on this kafkajs (the test that guards upgrades). */
export const snapshotScopeInstalled = (): boolean => install();
