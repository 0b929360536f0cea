/**
 * Live GroupAdminPort. Which API describes a group depends on its type, read first from
 * ListGroups v5 (ports/live/consumer-groups.ts, @platformatic/kafka): classic groups through
 * kafkajs' DescribeGroups; consumer-protocol groups (KIP-848: Java clients with
 * group.protocol=consumer) through ConsumerGroupDescribe, with their real members and
 * assignments; streams and share groups are not acted on. OffsetFetch serves every type. kafka-ops'
 * own short-lived groups (record peeks, the mover's fetchers) are never reported as readers.
 *
 * Why the type matters for a write: kafkajs' DescribeGroups answers "Dead, no members" for a
 * consumer-protocol group while it consumes, and the broker then accepts an admin offset commit
 * under its members (seen on Kafka 4.1). So such a group is called empty only when
 * ConsumerGroupDescribe says it has no member, and setOffsets refuses it otherwise; a group whose
 * type or members cannot be read is never taken for an empty one.
 */
import { AssignerProtocol } from "kafkajs";
import { PEEK_GROUP_PREFIX } from "../../live/record-port.ts";
import { mapBounded } from "../../live/bounded.ts";
import { protocolState, type DescribedConsumerGroup, type ListedGroup } from "../../live/consumer-group-model.ts";
import { platformaticGroupReader } from "../../live/consumer-groups.ts";
import { GroupNotDescribableError, type GroupAdminPort, type GroupMemberView, type GroupView } from "../group-admin.ts";
import type { LiveWriteContext } from "./context.ts";
import { liveKafka } from "./kafka-client.ts";
import { FETCH_GROUP_PREFIX } from "./records.ts";

/** OffsetFetch requests in flight at once when listing who reads a topic. */
const CONCURRENCY = 8;

export function liveGroups(ctx: LiveWriteContext): GroupAdminPort & { close(): Promise<void> } {
  const k = liveKafka(ctx);
  const reader = platformaticGroupReader(ctx.settings);
  const ours = (g: string) => g.startsWith(PEEK_GROUP_PREFIX) || g.startsWith(FETCH_GROUP_PREFIX);

  const listing = () => k.call("listing groups with their types", () => reader.list());
  /** One consumer-protocol group as ConsumerGroupDescribe answers it; an unanswered one is never guessed at. */
  const describeConsumerProtocol = async (group: string): Promise<DescribedConsumerGroup> => {
    const { groups, failed } = await k.call(`describing consumer-protocol group ${group}`, () => reader.describeConsumerGroups([group]));
    const g = groups.find((d) => d.groupId === group);
    if (g) return g;
    const why = failed.find((f) => f.groupId === group)?.reason ?? "no answer for it";
    throw new GroupNotDescribableError(
      ctx.redact(`group ${group} uses the consumer group protocol (KIP-848) and ConsumerGroupDescribe did not describe it (${why}): it is not treated as empty; try again, or describe it with kafka-consumer-groups.sh --describe --members`),
    );
  };
  const notActedOn = (listed: ListedGroup): never => {
    throw new GroupNotDescribableError(`group ${listed.groupId} is a ${listed.type} group: kafka-ops does not describe or act on ${listed.type} groups (only classic and consumer-protocol groups)`);
  };
  const describeClassic = async (group: string): Promise<GroupView> => {
    const admin = await k.admin();
    const { groups } = await k.call(`describing group ${group}`, () => admin.describeGroups([group]));
    const g = groups.find((d) => d.groupId === group);
    return { group, state: g?.state ?? "Dead", members: g?.members.map(classicMember) ?? [] };
  };
  /**
   * The consumer-protocol members of a group the listing did not type as one (a listing that missed
   * it, a broker answering an older ListGroups): the classic DescribeGroups shows a KIP-848 group
   * with no member, so "empty" is only believed once ConsumerGroupDescribe does not know it either.
   */
  const membersMissedByListing = async (group: string): Promise<DescribedConsumerGroup | undefined> => {
    const answer = await k.call(`describing group ${group} with ConsumerGroupDescribe`, () => reader.describeConsumerGroups([group])).catch(() => undefined);
    return answer?.groups.find((d) => d.groupId === group && d.members.length > 0);
  };
  const describe = async (group: string): Promise<GroupView> => {
    const listed = (await listing()).find((g) => g.groupId === group);
    if (listed?.type === "consumer") {
      const g = await describeConsumerProtocol(group);
      return { group, state: protocolState(g.groupState), members: g.members.map(consumerProtocolMember) };
    }
    if (listed?.type === "streams" || listed?.type === "share") return notActedOn(listed);
    const classic = await describeClassic(group);
    if (classic.members.length > 0) return classic;
    const missed = await membersMissedByListing(group);
    return missed ? { group, state: protocolState(missed.groupState), members: missed.members.map(consumerProtocolMember) } : classic;
  };

  const committed = async (group: string, topic: string) => {
    const admin = await k.admin();
    const res = await k.call(`committed offsets of group ${group}`, () => admin.fetchOffsets({ groupId: group, topics: [topic] }));
    return (res.find((t) => t.topic === topic)?.partitions ?? [])
      .filter((p) => p.offset !== "-1" && p.offset !== "")
      .map((p) => ({ partition: p.partition, offset: p.offset }))
      .sort((a, b) => a.partition - b.partition);
  };

  return {
    describeGroup: describe,
    committedOffsets: committed,
    async groupsReading(topic) {
      const listed = (await listing()).filter((g) => !ours(g.groupId));
      const classic = listed.filter((g) => (g.type === undefined || g.type === "classic") && (g.protocolType === "consumer" || g.protocolType === "")).map((g) => g.groupId);
      const kip848 = listed.filter((g) => g.type === "consumer").map((g) => g.groupId);
      const assigned = new Set<string>();
      if (classic.length) {
        const admin = await k.admin();
        const { groups } = await k.call("describing groups", () => admin.describeGroups(classic));
        for (const d of groups) if (d.members.some((m) => classicMember(m).assignment.some((a) => a.topic === topic))) assigned.add(d.groupId);
      }
      if (kip848.length) {
        const { groups } = await k.call("describing consumer-protocol groups", () => reader.describeConsumerGroups(kip848));
        for (const d of groups) if (d.members.some((m) => consumerProtocolMember(m).assignment.some((a) => a.topic === topic))) assigned.add(d.groupId);
      }
      const rest = [...classic, ...kip848].filter((g) => !assigned.has(g));
      const withOffsets = await mapBounded(rest, CONCURRENCY, async (g) => ((await committed(g, topic)).length > 0 ? g : null));
      return [...assigned, ...withOffsets.filter((g): g is string => g !== null)].sort();
    },
    async setOffsets(group, topic, offsets) {
      const listed = (await listing()).find((g) => g.groupId === group);
      if (listed?.type === "streams" || listed?.type === "share") notActedOn(listed);
      if (listed?.type !== "classic") {
        // The broker would take this commit under a consumer-protocol group's live members: the
        // emptiness check is ours (also when the listing did not say the group's type).
        const g = listed?.type === "consumer" ? await describeConsumerProtocol(group) : ((await membersMissedByListing(group)) ?? { members: [], groupState: "Empty" });
        if (g.members.length > 0) {
          throw new Error(
            ctx.redact(`group ${group} (consumer group protocol, KIP-848) is ${protocolState(g.groupState)} with ${g.members.length} active member(s) (${g.members.map((m) => m.memberId).join(", ")}): its offsets are moved only while it is empty; stop its consumers first`),
          );
        }
      }
      const admin = await k.admin();
      await k.call(`setting offsets of group ${group} on ${topic}`, () => admin.setOffsets({ groupId: group, topic, partitions: offsets.map((o) => ({ partition: o.partition, offset: o.offset })) }));
    },
    async close() {
      await Promise.allSettled([k.close(), reader.close()]);
    },
  };
}

/** A classic member as the group reports it; an assignment that does not decode (another protocol) is empty. */
function classicMember(m: { memberId: string; clientId: string; clientHost: string; memberAssignment: Buffer }): GroupMemberView {
  let assignment: GroupMemberView["assignment"] = [];
  try {
    const decoded = m.memberAssignment.length ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment) : null;
    assignment = Object.entries(decoded?.assignment ?? {}).map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }));
  } catch {
    assignment = [];
  }
  return { memberId: m.memberId, clientId: m.clientId, host: m.clientHost, assignment };
}

/** A consumer-protocol member: the partitions it owns now (its target may differ while it reconciles). */
export function consumerProtocolMember(m: DescribedConsumerGroup["members"][number]): GroupMemberView {
  const assignment = m.assignment.topicPartitions
    .filter((t) => t.topicName)
    .map((t) => ({ topic: t.topicName, partitions: [...t.partitions].sort((a, b) => a - b) }))
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
  return { memberId: m.memberId, clientId: m.clientId, host: m.clientHost, assignment };
}
