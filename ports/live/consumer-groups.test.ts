/**
 * Consumer-protocol (KIP-848) groups: ConsumerGroupDescribe answers (shaped as Kafka 4.1 sends
 * them: members with client-generated ids, "/host" client hosts, epochs, assignment and target
 * assignment by topic id and name) mapped to the contract's group; and the sampler choosing the
 * describe by group type, so that no classic "Dead, no members" answer stands for such a group.
 */
import type { Admin, GroupDescription } from "kafkajs";
import { describe, expect, it } from "vitest";
import { Group } from "../../contract/incident.ts";
import type { CallPolicy } from "./call.ts";
import { takeSnapshot } from "./cluster-sampler.ts";
import { describeOn } from "./consumer-groups.ts";
import {
  classicState,
  listedOnlyGroup,
  protocolState,
  toConsumerProtocolGroup,
  undescribedConsumerGroup,
  type DescribedConsumerGroup,
  type GroupProtocolReader,
  type ListedGroup,
} from "./consumer-group-model.ts";

const ORDERS = "p4tZQ0CvTAmS2VnMYl0bKw";
const tps = (...parts: [string, number[]][]) => ({ topicPartitions: parts.map(([topicName, partitions]) => ({ topicId: topicName === "orders" ? ORDERS : "AAAAAAAAAAAAAAAAAAAAAA", topicName, partitions })) });

function member(id: string, epoch: number, owned: number[], target: number[] = owned) {
  return {
    memberId: id,
    instanceId: null,
    rackId: null,
    memberEpoch: epoch,
    clientId: `orders-svc-${id.slice(0, 2)}`,
    clientHost: "/10.0.0.7",
    subscribedTopicNames: ["orders"],
    subscribedTopicRegex: null,
    assignment: tps(["orders", owned]),
    targetAssignment: tps(["orders", target]),
  };
}

const stable: DescribedConsumerGroup = {
  errorCode: 0,
  errorMessage: null,
  groupId: "orders-svc",
  groupState: "Stable",
  groupEpoch: 4,
  assignmentEpoch: 4,
  assignorName: "uniform",
  // The broker lists members in no particular order.
  members: [member("zW9tq6f3RbSx1cKk5mV0Zg", 4, [5, 3, 4]), member("aBTjp5isSUCF-XELcF3KbA", 4, [0, 1, 2])],
  authorizedOperations: -2147483648,
};

describe("toConsumerProtocolGroup", () => {
  it("maps a Stable group: members sorted by id with owned and target partitions, epochs, the server assignor as protocol", () => {
    const g = toConsumerProtocolGroup(stable, { orders: { "0": "118000" } });
    expect(Group.parse(g)).toEqual(g); // a valid contract group, nothing defaulted away
    expect(g).toEqual({
      groupId: "orders-svc",
      state: "Stable",
      protocolType: "consumer",
      protocol: "uniform",
      members: [
        { memberId: "aBTjp5isSUCF-XELcF3KbA", clientId: "orders-svc-aB", host: "/10.0.0.7", groupInstanceId: null, assignment: { orders: [0, 1, 2] }, memberEpoch: 4, targetAssignment: { orders: [0, 1, 2] } },
        { memberId: "zW9tq6f3RbSx1cKk5mV0Zg", clientId: "orders-svc-zW", host: "/10.0.0.7", groupInstanceId: null, assignment: { orders: [3, 4, 5] }, memberEpoch: 4, targetAssignment: { orders: [3, 4, 5] } },
      ],
      offsets: { orders: { "0": "118000" } },
      type: "consumer",
      groupState: "Stable",
      groupEpoch: 4,
      assignmentEpoch: 4,
    });
  });

  it("maps a Reconciling group to CompletingRebalance, keeping what each member owns now apart from its target", () => {
    const reconciling: DescribedConsumerGroup = {
      ...stable,
      groupState: "Reconciling",
      groupEpoch: 5,
      assignmentEpoch: 5,
      members: [member("aBTjp5isSUCF-XELcF3KbA", 4, [0, 1, 2], [0, 1]), member("zW9tq6f3RbSx1cKk5mV0Zg", 5, [3, 4, 5], [4, 5]), member("q1", 5, [], [2, 3])],
    };
    const g = toConsumerProtocolGroup(reconciling, {});
    expect([g.state, g.groupState, g.groupEpoch]).toEqual(["CompletingRebalance", "Reconciling", 5]);
    expect(g.members.map((m) => [m.memberId, m.memberEpoch, m.assignment, m.targetAssignment])).toEqual([
      ["aBTjp5isSUCF-XELcF3KbA", 4, { orders: [0, 1, 2] }, { orders: [0, 1] }],
      ["q1", 5, {}, { orders: [2, 3] }],
      ["zW9tq6f3RbSx1cKk5mV0Zg", 5, { orders: [3, 4, 5] }, { orders: [4, 5] }],
    ]);
  });

  it("maps an Empty group with no members and no protocol (the contract's rule), a static member's instance id, a nameless deleted topic left out", () => {
    expect(toConsumerProtocolGroup({ ...stable, groupState: "Empty", members: [] }, {})).toMatchObject({ state: "Empty", groupState: "Empty", protocol: "", members: [] });
    const withStatic = { ...stable, members: [{ ...member("m1", 4, [0]), instanceId: "orders-0", assignment: tps(["orders", [0]], ["", [7]]) }] };
    expect(toConsumerProtocolGroup(withStatic, {}).members[0]).toMatchObject({ groupInstanceId: "orders-0", assignment: { orders: [0] } });
  });
});

describe("protocol states", () => {
  it("knows KIP-848's and streams' names in any case, and nothing else", () => {
    expect(["Stable", "ASSIGNING", "reconciling", "Empty", "Dead", "NotReady", "NOT_READY", "Wobbly", ""].map(protocolState)).toEqual(["Stable", "Assigning", "Reconciling", "Empty", "Dead", "NotReady", "NotReady", "Unknown", "Unknown"]);
  });
  it("maps onto the classic names: Assigning and Reconciling are a rebalance in progress", () => {
    expect((["Stable", "Assigning", "Reconciling", "Empty", "Dead", "NotReady", "Unknown"] as const).map(classicState)).toEqual(["Stable", "PreparingRebalance", "CompletingRebalance", "Empty", "Dead", "Unknown", "Unknown"]);
  });
});

describe("describeOn", () => {
  const answer = (groups: DescribedConsumerGroup[]) => ({ throttleTimeMs: 0, groups });
  /** What @platformatic/kafka throws when a group of the answer has an error: the answer rides along. */
  const responseError = (groups: DescribedConsumerGroup[]) => Object.assign(new Error("Received response with error while executing API ConsumerGroupDescribe(v0)"), { response: answer(groups), errors: [] });
  const failed = (groupId: string, errorCode: number, errorMessage: string | null = null): DescribedConsumerGroup => ({ ...stable, groupId, errorCode, errorMessage, groupState: "", members: [] });

  it("keeps the groups described and names the others with the protocol error", async () => {
    const r = await describeOn(async () => {
      throw responseError([stable, failed("gone", 69, "Group gone is not a consumer group.")]);
    });
    expect(r).toEqual({ groups: [stable], failed: [{ groupId: "gone", reason: "GROUP_ID_NOT_FOUND: Group gone is not a consumer group." }] });
  });
  it("throws a retriable error when every group's answer is a coordinator moving or loading", async () => {
    const e = await describeOn(async () => {
      throw responseError([failed("a", 16), failed("b", 14)]);
    }).catch((x: unknown) => x);
    expect(e).toMatchObject({ retriable: true });
  });
  it("throws what is not an answer (a connection lost), not retriable unless the library says so", async () => {
    await expect(describeOn(async () => Promise.reject(new Error("socket hang up")))).rejects.toMatchObject({ message: "socket hang up", retriable: false });
  });
});

describe("listed-only and undescribed groups", () => {
  it("a share group keeps its own type as protocol type, with no members and no offsets", () => {
    expect(listedOnlyGroup({ groupId: "alerts", type: "share", protocolType: "share", state: "Stable" })).toEqual({ groupId: "alerts", state: "Stable", protocolType: "share", protocol: "", members: [], offsets: {}, type: "share", groupState: "Stable" });
  });
  it("a consumer group that could not be described is Unknown, never Dead or Empty", () => {
    expect(undescribedConsumerGroup({ groupId: "orders-svc", type: "consumer", protocolType: "consumer", state: "Stable" }, {})).toMatchObject({ state: "Unknown", groupState: "Stable", members: [], type: "consumer" });
  });
});

/** A kafkajs Admin with no topics and one classic group; what the classic API says of the others is "Dead". */
function fakeKafkajs(described: string[] = []): Admin {
  const classic: GroupDescription = { groupId: "billing", state: "Stable", protocolType: "consumer", protocol: "range", members: [] };
  const dead = (groupId: string): GroupDescription => ({ groupId, state: "Dead", protocolType: "", protocol: "", members: [] });
  return {
    describeCluster: async () => ({ brokers: [{ nodeId: 1, host: "b1", port: 9092 }], controller: 1, clusterId: "c" }),
    fetchTopicMetadata: async () => ({ topics: [] }),
    listGroups: async () => ({ groups: [{ groupId: "billing", protocolType: "consumer" }, { groupId: "orders-svc", protocolType: "consumer" }] }),
    describeGroups: async (ids: string[]) => (described.push(...ids), { groups: ids.map((id) => (id === "billing" ? classic : dead(id))) }),
    fetchOffsets: async ({ groupId }: { groupId: string }) => [{ topic: "orders", partitions: [{ partition: 0, offset: groupId === "orders-svc" ? "118000" : "-1" }] }],
  } as unknown as Admin;
}

const policy: CallPolicy = { deadlineMs: 2000, retries: 0, backoffMs: 1, redact: (s) => s };

function fakeReader(listing: ListedGroup[], answer: Awaited<ReturnType<GroupProtocolReader["describeConsumerGroups"]>> = { groups: [stable], failed: [] }): GroupProtocolReader & { asked: string[][] } {
  const asked: string[][] = [];
  return { asked, list: async () => listing, describeConsumerGroups: async (ids) => (asked.push([...ids]), answer), close: async () => {} };
}

const typed: ListedGroup[] = [
  { groupId: "orders-svc", type: "consumer", protocolType: "consumer", state: "Stable" },
  { groupId: "billing", type: "classic", protocolType: "consumer", state: "Stable" },
  { groupId: "clicks-app", type: "streams", protocolType: "streams", state: "Reconciling" },
  { groupId: "alerts", type: "share", protocolType: "share", state: "Empty" },
];

describe("the sampler's groups", () => {
  it("describes a consumer-protocol group with ConsumerGroupDescribe only, a classic one with kafkajs, and lists streams and share groups", async () => {
    const asked: string[] = [];
    const reader = fakeReader(typed);
    const { snapshot, faults } = await takeSnapshot(fakeKafkajs(asked), policy, new Map(), reader);
    expect(faults).toEqual([]);
    expect(asked).toEqual(["billing"]);
    expect(reader.asked).toEqual([["orders-svc"]]);
    expect(snapshot!.groups.map((g) => [g.groupId, g.type, g.state, g.groupState, g.members.length, Object.keys(g.offsets)])).toEqual([
      ["alerts", "share", "Empty", "Empty", 0, []],
      ["billing", "classic", "Stable", undefined, 0, []],
      ["clicks-app", "streams", "CompletingRebalance", "Reconciling", 0, []],
      ["orders-svc", "consumer", "Stable", "Stable", 2, ["orders"]],
    ]);
  });

  it("a consumer-protocol group the coordinator did not describe is Unknown with the reason among the faults", async () => {
    const reader = fakeReader(typed.slice(0, 2), { groups: [], failed: [{ groupId: "orders-svc", reason: "GROUP_AUTHORIZATION_FAILED" }] });
    const { snapshot, faults } = await takeSnapshot(fakeKafkajs(), policy, new Map(), reader);
    expect(faults).toEqual(["consumerGroupDescribe of orders-svc: GROUP_AUTHORIZATION_FAILED"]);
    expect(snapshot!.groups.find((g) => g.groupId === "orders-svc")).toMatchObject({ state: "Unknown", members: [], offsets: { orders: { "0": "118000" } } });
  });

  it("without group types (no reader, or its listing failed), a listed group the classic API calls Dead is Unknown", async () => {
    const failing: GroupProtocolReader = { list: async () => Promise.reject(new Error("UNSUPPORTED_VERSION")), describeConsumerGroups: async () => ({ groups: [], failed: [] }), close: async () => {} };
    for (const reader of [undefined, failing]) {
      const { snapshot, faults } = await takeSnapshot(fakeKafkajs(), policy, new Map(), reader);
      expect(snapshot!.groups.map((g) => [g.groupId, g.state, g.type])).toEqual([
        ["billing", "Stable", undefined],
        ["orders-svc", "Unknown", undefined],
      ]);
      expect(faults).toEqual(reader ? ["listGroups (with group types): UNSUPPORTED_VERSION"] : []);
    }
  });
});
