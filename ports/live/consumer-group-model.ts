/**
 * Groups that are not classic, in the contract's shape: a consumer-protocol group (KIP-848) from
 * its ConsumerGroupDescribe answer, a listed-only streams or share group, one that could not be
 * described, and the protocols' state names. Pure, and free of any Kafka client: the sampler
 * loads it whether or not a reader (consumer-groups.ts, @platformatic/kafka) is given.
 */
import type { consumerGroupDescribeV0 } from "@platformatic/kafka";
import type { Group, Member } from "../../contract/incident.ts";
import type { GroupState, GroupType, ProtocolGroupState } from "../../contract/vocabulary.ts";

export type DescribedConsumerGroup = consumerGroupDescribeV0.ConsumerGroupDescribeResponseGroup;

/** One group as ListGroups answers it. */
export interface ListedGroup {
  groupId: string;
  /** ListGroups v5's group type; undefined from a broker before Kafka 3.8 (all its groups are classic). */
  type: GroupType | undefined;
  protocolType: string;
  /** The state in the group's own protocol's names ("Reconciling", "PreparingRebalance", ...). */
  state: string;
}

export interface ConsumerGroupsAnswer {
  groups: DescribedConsumerGroup[];
  /** Groups the coordinator did not describe, with the protocol error it gave (redact before printing). */
  failed: { groupId: string; reason: string }[];
}

/** What the sampler asks about groups beyond kafkajs' classic API. */
export interface GroupProtocolReader {
  /** Every group of every type. */
  list(): Promise<ListedGroup[]>;
  /** ConsumerGroupDescribe of consumer-protocol groups, batched per coordinator. */
  describeConsumerGroups(groupIds: readonly string[]): Promise<ConsumerGroupsAnswer>;
  close(): Promise<void>;
}

/**
 * A consumer-protocol group in the contract's shape. `state` maps the protocol's state onto the
 * classic names (Assigning and Reconciling are the new protocol's rebalance in progress), and
 * `groupState` keeps the protocol's own; members carry their epoch and target assignment.
 */
export function toConsumerProtocolGroup(g: DescribedConsumerGroup, offsets: Group["offsets"]): Group {
  const groupState = protocolState(g.groupState);
  const state = classicState(groupState);
  const members: Member[] = g.members.map((m) => ({
    memberId: m.memberId,
    clientId: m.clientId,
    host: m.clientHost,
    groupInstanceId: m.instanceId ?? null,
    assignment: partitionsByTopic(m.assignment),
    memberEpoch: m.memberEpoch,
    targetAssignment: partitionsByTopic(m.targetAssignment),
  }));
  return {
    groupId: g.groupId,
    state,
    protocolType: "consumer",
    // The server-side assignor ("uniform", "range") stands where a classic group names its assignor.
    protocol: state === "Empty" ? "" : g.assignorName,
    members: state === "Empty" ? [] : members.sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0)),
    offsets,
    type: "consumer",
    groupState,
    groupEpoch: g.groupEpoch,
    assignmentEpoch: g.assignmentEpoch,
  };
}

/**
 * A consumer-protocol group that could not be described: listed, but what its members are is
 * not known. Its state is Unknown (never Dead or Empty: that would be a claim about its members),
 * and the rules read an Unknown group without members as "members not known".
 */
export function undescribedConsumerGroup(listed: ListedGroup, offsets: Group["offsets"]): Group {
  return { groupId: listed.groupId, state: "Unknown", protocolType: "consumer", protocol: "", members: [], offsets, type: "consumer", groupState: protocolState(listed.state) };
}

/** A streams or share group: listed with its state, never described, never analysed. */
export function listedOnlyGroup(listed: ListedGroup & { type: "streams" | "share" }): Group {
  const groupState = protocolState(listed.state);
  return {
    groupId: listed.groupId,
    state: classicState(groupState),
    // Its own type, whatever the listing's protocol type: no rule for consumer groups may take it for one.
    protocolType: listed.type,
    protocol: "",
    members: [],
    offsets: {},
    type: listed.type,
    groupState,
  };
}

/** The protocol's state name as the contract knows it (the broker writes "Stable"; some clients "STABLE"). */
export function protocolState(raw: string): ProtocolGroupState {
  const key = raw.replace(/[_\s]/g, "").toLowerCase();
  return STATES[key] ?? "Unknown";
}

const STATES: Record<string, ProtocolGroupState> = {
  stable: "Stable",
  assigning: "Assigning",
  reconciling: "Reconciling",
  empty: "Empty",
  dead: "Dead",
  notready: "NotReady",
};

/** The classic name of a protocol state: what a reader that knows only the classic states sees. */
export function classicState(s: ProtocolGroupState): GroupState {
  switch (s) {
    case "Assigning":
      return "PreparingRebalance"; // a new target assignment is being computed
    case "Reconciling":
      return "CompletingRebalance"; // members are converging on it
    case "NotReady": // a streams group whose topics are not ready
    case "Unknown":
      return "Unknown";
    default:
      return s;
  }
}

function partitionsByTopic(a: consumerGroupDescribeV0.ConsumerGroupDescribeResponseMemberAssignment): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const t of a.topicPartitions) {
    // A topic deleted under the group may come back without a name: nothing to read lag on.
    if (!t.topicName || !t.partitions.length) continue;
    out[t.topicName] = [...(out[t.topicName] ?? []), ...t.partitions].sort((x, y) => x - y);
  }
  return out;
}
