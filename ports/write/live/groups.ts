/**
 * Live GroupAdminPort over kafkajs' admin (classic consumer groups: DescribeGroups, OffsetFetch,
 * an OffsetCommit the broker accepts only for an empty group). kafka-ops' own short-lived groups
 * (record peeks, the mover's fetchers) are never reported as readers.
 *
 * Groups on the consumer protocol (KIP-848: Java clients with group.protocol=consumer) are
 * invisible to kafkajs' DescribeGroups: it answers Dead with no members while they consume, and
 * the broker then accepts an admin offset commit under them (seen on Kafka 4.1). So before it
 * trusts an empty answer, or moves offsets, this port asks ListGroups (through @platformatic/kafka,
 * which sends the group-type filter) whether the group is a consumer-protocol group with members,
 * and refuses to call it empty when it is.
 */
import { AssignerProtocol } from "kafkajs";
import { PEEK_GROUP_PREFIX } from "../../live/record-port.ts";
import { mapBounded } from "../../live/bounded.ts";
import { GroupNotDescribableError, type GroupAdminPort, type GroupMemberView } from "../group-admin.ts";
import type { LiveWriteContext } from "./context.ts";
import { liveKafka } from "./kafka-client.ts";
import { FETCH_GROUP_PREFIX } from "./records.ts";
import { createPlatformaticAdmin } from "./platformatic-admin.ts";
import type { Admin as PlatformaticAdmin } from "@platformatic/kafka";

/** OffsetFetch requests in flight at once when listing who reads a topic. */
const CONCURRENCY = 8;

export function liveGroups(ctx: LiveWriteContext): GroupAdminPort & { close(): Promise<void> } {
  const k = liveKafka(ctx);
  const ours = (g: string) => g.startsWith(PEEK_GROUP_PREFIX) || g.startsWith(FETCH_GROUP_PREFIX);
  let platformatic: PlatformaticAdmin | undefined;

  /** The state of a consumer-protocol (KIP-848) group, or null when the group is not one. */
  const consumerProtocolState = async (group: string): Promise<string | null> => {
    platformatic ??= createPlatformaticAdmin(ctx.settings);
    const admin = platformatic;
    try {
      const groups = await k.call(`listing consumer-protocol groups`, () => admin.listGroups({ types: ["consumer"] }));
      const g = groups.get(group);
      return g ? String(g.state) : null;
    } catch (error) {
      // A broker without the group-type filter (before Kafka 3.8) has no consumer-protocol groups either.
      if (/unsupported|version/i.test(error instanceof Error ? error.message : String(error))) return null;
      throw error;
    }
  };
  /** A consumer-protocol group that is not empty: its members cannot be described here, so never call it empty. */
  const refuseUndescribable = (group: string, state: string): never => {
    throw new GroupNotDescribableError(
      `group ${group} uses the consumer group protocol (KIP-848) and is ${state}: its members cannot be described through the classic API kafka-ops uses, so it is not treated as empty; stop its consumers (or describe it with kafka-consumer-groups.sh --describe --members), then try again`,
    );
  };
  const isEmptyState = (state: string) => /^(empty|dead)$/i.test(state);

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
      if (g && g.members.length > 0) return { group, state: g.state, members: g.members.map(memberView) };
      const kip848 = await consumerProtocolState(group);
      if (kip848 !== null && !isEmptyState(kip848)) refuseUndescribable(group, kip848);
      return { group, state: kip848 ?? g?.state ?? "Dead", members: [] };
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
      const kip848 = await consumerProtocolState(group);
      if (kip848 !== null && !isEmptyState(kip848)) refuseUndescribable(group, kip848);
      const admin = await k.admin();
      await k.call(`setting offsets of group ${group} on ${topic}`, () => admin.setOffsets({ groupId: group, topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: o.offset })) }));
    },
    async close() {
      await Promise.allSettled([k.close(), platformatic?.close()]);
      platformatic = undefined;
    },
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
