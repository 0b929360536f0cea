/**
 * Reads one snapshot of a live cluster in the shape of a recorded incident's snapshot, with
 * O(topics + groups) requests: one metadata call for every topic, the start and end offsets of
 * every topic in two requests per leader broker (shared by every group that reads them; topic
 * by topic when that batch fails), the groups by type (classic ones with describeGroups in
 * batches, consumer-protocol ones with ConsumerGroupDescribe), committed offsets per group, all
 * with bounded concurrency. What kafkajs would ask again within a snapshot (a group's
 * coordinator, the metadata of each topic added) is asked once (snapshot-scope.ts).
 */
import { AssignerProtocol, type Admin, type GroupDescription } from "kafkajs";
import type { Broker, Group, Snapshot, Topic } from "../../contract/incident.ts";
import type { GroupState } from "../../contract/vocabulary.ts";
import { mapBounded } from "./bounded.ts";
import { liveCall, type CallPolicy } from "./call.ts";
import { declareTopics, topicsOffsets, withSnapshotScope, type TopicOffsets } from "./snapshot-scope.ts";
import {
  listedOnlyGroup,
  toConsumerProtocolGroup,
  undescribedConsumerGroup,
  type DescribedConsumerGroup,
  type GroupProtocolReader,
  type ListedGroup,
} from "./consumer-group-model.ts";

/** Topics whose offsets are read at once when read topic by topic (two ListOffsets each). */
const TOPIC_CONCURRENCY = 8;
/** describeGroups batches in flight. */
const DESCRIBE_CONCURRENCY = 8;
/**
 * Groups whose committed offsets are read at once: one small OffsetFetch each. More than the
 * rest because a snapshot has one per group, and kafkajs then keeps the connection busy.
 */
const OFFSETS_CONCURRENCY = 32;
const DESCRIBE_BATCH = 50;

export interface SnapshotResult {
  snapshot: Snapshot | undefined;
  brokers: Broker[];
  clusterId: string | undefined;
  /** Reads that failed; the snapshot holds what the others gave. */
  faults: string[];
  /** False when a partition with a leader has no offsets: such a sample would fake a flat log. */
  complete: boolean;
  /** Topics whose offsets could not be read: their start/end offsets in the snapshot are placeholders. */
  unreadTopics: Set<string>;
}

/** Offsets last seen per topic-partition: a leaderless partition keeps its last known offsets. */
export type OffsetMemory = Map<string, { low: string; high: string }>;

/**
 * One snapshot through `admin` (connected); `reader` lists group types and describes the groups
 * kafkajs cannot (consumer-groups.ts).
 */
export function takeSnapshot(admin: Admin, policy: CallPolicy, memory: OffsetMemory = new Map(), reader?: GroupProtocolReader): Promise<SnapshotResult> {
  return withSnapshotScope(() => readSnapshot(admin, policy, memory, reader));
}

async function readSnapshot(admin: Admin, policy: CallPolicy, memory: OffsetMemory, reader: GroupProtocolReader | undefined): Promise<SnapshotResult> {
  const faults: string[] = [];
  const at = new Date().toISOString();
  const gaps = { offsets: 0, topics: new Set<string>() };
  // All at once: a cluster that does not answer fails describeCluster, and the rest is dropped.
  const [cluster, topics, groups] = await Promise.all([
    liveCall("describeCluster", policy, () => admin.describeCluster()),
    readTopics(admin, policy, memory, faults, gaps),
    readGroups(admin, policy, faults, reader),
  ]);
  if (cluster.kind !== "ok") return { snapshot: undefined, brokers: [], clusterId: undefined, faults: [`${cluster.what}: ${reason(cluster)}`], complete: false, unreadTopics: new Set() };
  const brokers = cluster.value.brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port }));
  return {
    snapshot: {
      at,
      ...(cluster.value.controller !== null && { controllerId: cluster.value.controller }),
      brokersOnline: brokers.map((b) => b.id).sort((a, b) => a - b),
      topics,
      groups,
    },
    brokers,
    clusterId: cluster.value.clusterId,
    faults,
    complete: gaps.offsets === 0,
    unreadTopics: gaps.topics,
  };
}

async function readTopics(admin: Admin, policy: CallPolicy, memory: OffsetMemory, faults: string[], gaps: { offsets: number; topics: Set<string> }): Promise<Topic[]> {
  // No topics named: kafkajs reads the metadata of every topic, in one request.
  const metadata = await liveCall("fetchTopicMetadata", policy, () => admin.fetchTopicMetadata());
  if (metadata.kind !== "ok") return fault(faults, metadata), [];
  declareTopics(metadata.value.topics.map((t) => t.name));
  const all = await readAllOffsets(metadata.value.topics, policy);

  return mapBounded(metadata.value.topics, TOPIC_CONCURRENCY, async (t) => {
    const offsets = all?.has(t.name) ? ({ kind: "ok", value: all.get(t.name)! } as const) : await readTopicOffsets(admin, t.name, policy);
    if (offsets.kind === "ok") for (const [partition, o] of offsets.value) memory.set(`${t.name}\u0000${partition}`, o);
    else {
      fault(faults, offsets);
      gaps.topics.add(t.name);
    }
    return {
      name: t.name,
      // Kafka's internal topics (__consumer_offsets, __transaction_state) start with "__".
      internal: t.name.startsWith("__"),
      partitions: t.partitions
        .map((p) => {
          const leader = p.leader ?? -1;
          // Only a leaderless partition keeps its last known offsets (the contract's rule); a
          // partition with a leader whose offsets could not be read leaves the sample incomplete.
          const known = offsets.kind === "ok" || leader < 0 ? memory.get(`${t.name}\u0000${p.partitionId}`) : undefined;
          if (!known && leader >= 0) gaps.offsets++;
          return {
            partition: p.partitionId,
            leader,
            replicas: p.replicas,
            isr: leader < 0 ? [] : p.isr,
            offlineReplicas: p.offlineReplicas ?? [],
            startOffset: known?.low ?? "0",
            endOffset: known?.high ?? "0",
          };
        })
        .sort((a, b) => a.partition - b.partition),
    };
  });
}

/**
 * Every topic's offsets in one batch (the partitions with a leader; a leaderless one keeps its
 * last known offsets); undefined when the batch failed, and then each topic is read alone, so
 * that one topic's failure costs only that topic's offsets.
 */
async function readAllOffsets(topics: readonly { name: string; partitions: { partitionId: number; leader: number }[] }[], policy: CallPolicy): Promise<Map<string, TopicOffsets> | undefined> {
  const wanted = topics.map((t) => ({ topic: t.name, partitions: t.partitions.filter((p) => (p.leader ?? -1) >= 0).map((p) => p.partitionId) }));
  const read = await liveCall("offsets of every topic", policy, async () => {
    const batch = topicsOffsets(wanted.filter((t) => t.partitions.length));
    if (!batch) throw new Error("no snapshot client"); // outside a snapshot scope: topic by topic
    return batch;
  });
  return read.kind === "ok" ? read.value : undefined;
}

async function readTopicOffsets(admin: Admin, topic: string, policy: CallPolicy) {
  const read = await liveCall(`offsets of ${topic}`, policy, () => admin.fetchTopicOffsets(topic));
  return read.kind === "ok" ? ({ kind: "ok", value: new Map(read.value.map((o) => [o.partition, { low: o.low, high: o.high }])) } as const) : read;
}

/**
 * Every group's description and committed offsets. The offsets are read alongside the
 * descriptions, not after them: the listing already says which groups are consumer groups, and
 * each OffsetFetch can go as soon as its group's coordinator is known.
 *
 * With a `reader` (every live command has one), the listing carries each group's type and the
 * type picks the describe: classic groups through kafkajs' DescribeGroups, consumer-protocol
 * groups (KIP-848) through ConsumerGroupDescribe only, streams and share groups are listed and
 * not described (consumer-groups.ts). Without one, or when the typed listing fails, kafkajs
 * lists and describes everything as classic, and a group it listed but then calls Dead is
 * Unknown: the classic API answers Dead for a group of another type it does not know.
 */
async function readGroups(admin: Admin, policy: CallPolicy, faults: string[], reader: GroupProtocolReader | undefined): Promise<Group[]> {
  const typed = reader ? await liveCall("listGroups (with group types)", policy, () => reader.list()) : undefined;
  if (typed && typed.kind !== "ok") fault(faults, typed);
  let listing: ListedGroup[];
  if (typed?.kind === "ok") listing = [...typed.value];
  else {
    const listed = await liveCall("listGroups", policy, () => admin.listGroups());
    if (listed.kind !== "ok") return fault(faults, listed), [];
    listing = listed.value.groups.map((g) => ({ groupId: g.groupId, type: undefined, protocolType: g.protocolType, state: "" }));
  }
  listing.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  const classic = listing.filter((g) => g.type === undefined || g.type === "classic");
  const kip848 = listing.filter((g) => g.type === "consumer");
  const batches: string[][] = [];
  for (let i = 0; i < classic.length; i += DESCRIBE_BATCH) batches.push(classic.slice(i, i + DESCRIBE_BATCH).map((g) => g.groupId));
  const consumers = [...classic.filter((g) => g.protocolType === "consumer" || g.protocolType === ""), ...kip848].map((g) => g.groupId);
  const [described, described848, offsets] = await Promise.all([
    mapBounded(batches, DESCRIBE_CONCURRENCY, async (batch) => {
      const r = await liveCall(`describeGroups (${batch.length})`, policy, () => admin.describeGroups(batch));
      if (r.kind !== "ok") return fault(faults, r), [];
      return r.value.groups;
    }),
    describeConsumerProtocol(reader, kip848, policy, faults),
    mapBounded(consumers, OFFSETS_CONCURRENCY, async (groupId) => [groupId, await readCommitted(admin, groupId, policy, faults)] as const),
  ]);
  const committed = new Map(offsets);
  const typedClassic = new Set(classic.filter((g) => g.type === "classic").map((g) => g.groupId));
  const groups: Group[] = described.flat().map((g): Group => {
    const group = toGroup(g, committed.get(g.groupId) ?? {});
    if (typedClassic.has(g.groupId)) return { ...group, type: "classic" };
    return group.state === "Dead" ? { ...group, state: "Unknown" } : group;
  });
  for (const listed of kip848) {
    const d = described848.get(listed.groupId);
    groups.push(d ? toConsumerProtocolGroup(d, committed.get(listed.groupId) ?? {}) : undescribedConsumerGroup(listed, committed.get(listed.groupId) ?? {}));
  }
  for (const listed of listing) if (listed.type === "streams" || listed.type === "share") groups.push(listedOnlyGroup({ ...listed, type: listed.type }));
  return groups.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
}

/** ConsumerGroupDescribe of the consumer-protocol groups, in batches; a group it did not describe is a fault. */
async function describeConsumerProtocol(reader: GroupProtocolReader | undefined, listed: readonly ListedGroup[], policy: CallPolicy, faults: string[]): Promise<Map<string, DescribedConsumerGroup>> {
  const out = new Map<string, DescribedConsumerGroup>();
  if (!reader || !listed.length) return out;
  const batches: string[][] = [];
  for (let i = 0; i < listed.length; i += DESCRIBE_BATCH) batches.push(listed.slice(i, i + DESCRIBE_BATCH).map((g) => g.groupId));
  await mapBounded(batches, DESCRIBE_CONCURRENCY, async (batch) => {
    const r = await liveCall(`consumerGroupDescribe (${batch.length})`, policy, () => reader.describeConsumerGroups(batch));
    if (r.kind !== "ok") return fault(faults, r);
    for (const g of r.value.groups) out.set(g.groupId, g);
    for (const f of r.value.failed) faults.push(`consumerGroupDescribe of ${f.groupId}: ${policy.redact(f.reason)}`);
  });
  return out;
}

/** A group's committed offsets: topic -> partition -> offset, without the partitions it never committed. */
async function readCommitted(admin: Admin, groupId: string, policy: CallPolicy, faults: string[]): Promise<Group["offsets"]> {
  const offsets: Group["offsets"] = {};
  const r = await liveCall(`offsets of group ${groupId}`, policy, () => admin.fetchOffsets({ groupId }));
  if (r.kind !== "ok") return fault(faults, r), offsets;
  for (const { topic, partitions } of r.value) {
    for (const p of partitions) {
      // -1: no committed offset for this partition.
      if (/^\d+$/.test(p.offset)) (offsets[topic] ??= {})[String(p.partition)] = p.offset;
    }
  }
  return offsets;
}

function toGroup(g: GroupDescription, offsets: Group["offsets"]): Group {
  const state = STATES[g.state] ?? "Unknown";
  const members = g.members.map((m) => ({
    memberId: m.memberId,
    clientId: m.clientId,
    host: m.clientHost,
    groupInstanceId: null,
    assignment: g.protocolType === "consumer" ? decodeAssignment(m.memberAssignment) : {},
  }));
  return {
    groupId: g.groupId,
    state,
    protocolType: g.protocolType || "consumer",
    protocol: state === "Empty" ? "" : g.protocol,
    members: state === "Empty" ? [] : members,
    offsets,
  };
}

const STATES: Record<string, GroupState> = {
  Stable: "Stable",
  PreparingRebalance: "PreparingRebalance",
  CompletingRebalance: "CompletingRebalance",
  AwaitingSync: "CompletingRebalance",
  Empty: "Empty",
  Dead: "Dead",
  Unknown: "Unknown",
};

function decodeAssignment(buffer: Buffer): Record<string, number[]> {
  if (!buffer?.length) return {};
  try {
    const decoded = AssignerProtocol.MemberAssignment.decode(buffer);
    return decoded ? Object.fromEntries(Object.entries(decoded.assignment).map(([t, ps]) => [t, [...ps].sort((a, b) => a - b)])) : {};
  } catch {
    return {};
  }
}

function fault(faults: string[], r: { what: string; kind: string; reason?: string }): void {
  faults.push(`${r.what}: ${reason(r)}`);
}

const reason = (r: { kind: string; reason?: string }) => (r.kind === "unavailable" ? (r.reason ?? "failed") : "not available");
