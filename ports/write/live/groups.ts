/**
 * Live GroupAdminPort over kafkajs' admin (classic consumer groups: DescribeGroups, OffsetFetch,
 * an OffsetCommit the broker accepts only for an empty group). kafka-ops' own short-lived groups
 * (record peeks, the mover's fetchers) are never reported as readers.
 */
import { AssignerProtocol } from "kafkajs";
import { PEEK_GROUP_PREFIX } from "../../live/record-port.ts";
import { mapBounded } from "../../live/bounded.ts";
import type { GroupAdminPort, GroupMemberView } from "../group-admin.ts";
import type { LiveWriteContext } from "./context.ts";
import { liveKafka } from "./kafka-client.ts";
import { FETCH_GROUP_PREFIX } from "./records.ts";

/** OffsetFetch requests in flight at once when listing who reads a topic. */
const CONCURRENCY = 8;

export function liveGroups(ctx: LiveWriteContext): GroupAdminPort & { close(): Promise<void> } {
  const k = liveKafka(ctx);
  const ours = (g: string) => g.startsWith(PEEK_GROUP_PREFIX) || g.startsWith(FETCH_GROUP_PREFIX);

  const committed = async (group: string, topic: string) => {
    const admin = await k.admin();
    const res = await k.call(`committed offsets of group ${group}`, () => admin.fetchOffsets({ groupId: group, topics: [topic] }));
    return (res.find((t) => t.topic === topic)?.partitions ?? [])
      .filter((p) => p.offset !== "-1" && p.offset !== "")
      .map((p) => ({ partition: p.partition, offset: p.offset }))
      .sort((a, b) => a.partition - b.partition);
  };

  return {
    async describeGroup(group) {
      const admin = await k.admin();
      const { groups } = await k.call(`describing group ${group}`, () => admin.describeGroups([group]));
      const g = groups.find((d) => d.groupId === group);
      if (!g) return { group, state: "Dead", members: [] };
      return { group, state: g.state, members: g.members.map(memberView) };
    },
    committedOffsets: committed,
    async groupsReading(topic) {
      const admin = await k.admin();
      const { groups } = await k.call("listing groups", () => admin.listGroups());
      const candidates = groups.filter((g) => (g.protocolType === "consumer" || g.protocolType === "") && !ours(g.groupId)).map((g) => g.groupId);
      if (candidates.length === 0) return [];
      const { groups: described } = await k.call("describing groups", () => admin.describeGroups(candidates));
      const assigned = new Set(described.filter((d) => d.members.some((m) => memberView(m).assignment.some((a) => a.topic === topic))).map((d) => d.groupId));
      const withOffsets = await mapBounded(candidates.filter((g) => !assigned.has(g)), CONCURRENCY, async (g) => ((await committed(g, topic)).length > 0 ? g : null));
      return [...assigned, ...withOffsets.filter((g): g is string => g !== null)].sort();
    },
    async setOffsets(group, topic, offsets) {
      const admin = await k.admin();
      await k.call(`setting offsets of group ${group} on ${topic}`, () => admin.setOffsets({ groupId: group, topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: o.offset })) }));
    },
    close: () => k.close(),
  };
}

/** A member as the group reports it; an assignment that does not decode (another protocol) is empty. */
function memberView(m: { memberId: string; clientId: string; clientHost: string; memberAssignment: Buffer }): GroupMemberView {
  let assignment: GroupMemberView["assignment"] = [];
  try {
    const decoded = m.memberAssignment.length ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment) : null;
    assignment = Object.entries(decoded?.assignment ?? {}).map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }));
  } catch {
    assignment = [];
  }
  return { memberId: m.memberId, clientId: m.clientId, host: m.clientHost, assignment };
}
