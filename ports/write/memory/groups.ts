/**
 * In-memory GroupAdminPort over a MemoryCluster. Like the broker it refuses an offset change while
 * the group has members, and describes a group it has never seen as Dead with no members.
 */
import type { GroupAdminPort, GroupView } from "../group-admin.ts";
import type { MemoryCluster, MemoryGroup } from "./cluster.ts";

export function memoryGroups(cluster: MemoryCluster): GroupAdminPort {
  return {
    async describeGroup(group) {
      const g = cluster.groups.get(group);
      if (!g) return { group, state: "Dead", members: [] };
      return structuredClone({ group, state: g.state, members: g.members }) satisfies GroupView;
    },
    async committedOffsets(group, topic) {
      const offsets = cluster.groups.get(group)?.offsets[topic] ?? {};
      return Object.entries(offsets)
        .map(([partition, offset]) => ({ partition: Number(partition), offset }))
        .sort((a, b) => a.partition - b.partition);
    },
    async groupsReading(topic) {
      const reading = [...cluster.groups.entries()].filter(
        ([, g]) => Object.keys(g.offsets[topic] ?? {}).length > 0 || g.members.some((m) => m.assignment.some((a) => a.topic === topic)),
      );
      return reading.map(([name]) => name).sort();
    },
    async setOffsets(group, topic, offsets) {
      const g = groupFor(cluster, group);
      if (g.members.length > 0) {
        throw new Error(`group ${group} has ${g.members.length} active member(s): the broker accepts an offset change only while the group is empty`);
      }
      commitOffsets(cluster, group, topic, offsets);
    },
  };
}

/** The group, created Empty when it does not exist yet (as a first offset commit creates one on a broker). */
export function groupFor(cluster: MemoryCluster, group: string): MemoryGroup {
  let g = cluster.groups.get(group);
  if (!g) {
    g = { state: "Empty", members: [], offsets: {} };
    cluster.groups.set(group, g);
  }
  return g;
}

/** Commits offsets without the member check (the record mover's transactional commit for its own reader group). */
export function commitOffsets(cluster: MemoryCluster, group: string, topic: string, offsets: readonly { partition: number; offset: string }[]): void {
  const g = groupFor(cluster, group);
  const byPartition = (g.offsets[topic] ??= {});
  for (const { partition, offset } of offsets) byPartition[partition] = offset;
}
