/**
 * Reads one snapshot of a live cluster in the shape of a recorded incident's snapshot, with
 * O(topics + groups) requests: one metadata call for every topic, one end-offset read per topic
 * (shared by every group that reads it), describeGroups in batches, committed offsets per
 * group, all with bounded concurrency.
 */
import { AssignerProtocol, type Admin, type GroupDescription } from "kafkajs";
import type { Broker, Group, Snapshot, Topic } from "../../contract/incident.ts";
import type { GroupState } from "../../contract/vocabulary.ts";
import { mapBounded } from "./bounded.ts";
import { liveCall, type CallPolicy } from "./call.ts";

const CONCURRENCY = 8;
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

export async function takeSnapshot(admin: Admin, policy: CallPolicy, memory: OffsetMemory = new Map()): Promise<SnapshotResult> {
  const faults: string[] = [];
  const at = new Date().toISOString();
  const cluster = await liveCall("describeCluster", policy, () => admin.describeCluster());
  if (cluster.kind !== "ok") return { snapshot: undefined, brokers: [], clusterId: undefined, faults: [`${cluster.what}: ${reason(cluster)}`], complete: false, unreadTopics: new Set() };
  const brokers = cluster.value.brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port }));

  const gaps = { offsets: 0, topics: new Set<string>() };
  const [topics, groups] = await Promise.all([readTopics(admin, policy, memory, faults, gaps), readGroups(admin, policy, faults)]);
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
  const names = await liveCall("listTopics", policy, () => admin.listTopics());
  if (names.kind !== "ok") return fault(faults, names), [];
  const metadata = await liveCall("fetchTopicMetadata", policy, () => admin.fetchTopicMetadata({ topics: names.value }));
  if (metadata.kind !== "ok") return fault(faults, metadata), [];

  return mapBounded(metadata.value.topics, CONCURRENCY, async (t) => {
    const offsets = await liveCall(`offsets of ${t.name}`, policy, () => admin.fetchTopicOffsets(t.name));
    if (offsets.kind === "ok") for (const o of offsets.value) memory.set(`${t.name}\u0000${o.partition}`, { low: o.low, high: o.high });
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

async function readGroups(admin: Admin, policy: CallPolicy, faults: string[]): Promise<Group[]> {
  const listed = await liveCall("listGroups", policy, () => admin.listGroups());
  if (listed.kind !== "ok") return fault(faults, listed), [];
  const ids = listed.value.groups.map((g) => g.groupId).sort();
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += DESCRIBE_BATCH) batches.push(ids.slice(i, i + DESCRIBE_BATCH));
  const described = (
    await mapBounded(batches, CONCURRENCY, async (batch) => {
      const r = await liveCall(`describeGroups (${batch.length})`, policy, () => admin.describeGroups(batch));
      if (r.kind !== "ok") return fault(faults, r), [];
      return r.value.groups;
    })
  ).flat();

  return mapBounded(described, CONCURRENCY, async (g) => {
    const offsets: Group["offsets"] = {};
    if (g.protocolType === "consumer" || g.protocolType === "") {
      const r = await liveCall(`offsets of group ${g.groupId}`, policy, () => admin.fetchOffsets({ groupId: g.groupId }));
      if (r.kind === "ok") {
        for (const { topic, partitions } of r.value) {
          for (const p of partitions) {
            // -1: no committed offset for this partition.
            if (/^\d+$/.test(p.offset)) (offsets[topic] ??= {})[String(p.partition)] = p.offset;
          }
        }
      } else fault(faults, r);
    }
    return toGroup(g, offsets);
  });
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
