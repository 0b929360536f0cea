import { z } from "zod";
import type { Group } from "../../contract/incident.ts";
import { GroupState, GroupType, ProtocolGroupState } from "../../contract/vocabulary.ts";
import { defineTool, passThrough } from "../define-tool.ts";

const MemberView = z.object({
  memberId: z.string(),
  clientId: z.string(),
  host: z.string(),
  groupInstanceId: z.string().nullable(),
  assignment: z.record(z.string(), z.array(z.number())),
});

export const GroupView = z.object({
  groupId: z.string(),
  state: GroupState.describe("latest sample"),
  protocolType: z.string(),
  protocol: z.string(),
  members: z.array(MemberView).describe("latest sample"),
  topics: z.array(z.string()).describe("topics the group has committed offsets for or is assigned"),
  assignedPartitions: z.number(),
  history: z.array(z.object({ at: z.string(), state: GroupState, members: z.number() })),
  distinctMembersSeen: z.number().describe("distinct member ids over the window; far above the member count means churn"),
  membershipChanges: z.number().describe("samples whose member-id set differs from the previous sample"),
  rebalancingSamples: z.number().describe("samples in PreparingRebalance or CompletingRebalance (a consumer-protocol group's Assigning or Reconciling)"),
  type: GroupType.optional().describe("classic, consumer (KIP-848 consumer protocol), streams or share; absent: not known (classic)"),
  groupState: ProtocolGroupState.optional().describe("latest sample, in the group's own protocol's names (Stable, Assigning, Reconciling, Empty, Dead), for groups that are not classic"),
});
export type GroupView = z.infer<typeof GroupView>;

export const consumerGroups = defineTool({
  name: "consumer_groups",
  description:
    "Consumer groups: state, protocol, members and their assignments, with state and membership history over the window.",
  input: z.object({ group: z.string().optional().describe("one group id; omit for every group") }),
  output: z.object({ groups: z.array(GroupView) }),
  async run(ports, input) {
    const groups = await ports.groups.groups();
    if (groups.kind !== "ok") return passThrough(groups);
    const byId = new Map<string, { at: string; group: Group }[]>();
    for (const sample of groups.value) {
      for (const g of sample.value) {
        if (input.group !== undefined && g.groupId !== input.group) continue;
        let list = byId.get(g.groupId);
        if (!list) byId.set(g.groupId, (list = []));
        list.push({ at: sample.at, group: g });
      }
    }
    if (input.group !== undefined && !byId.size) return { kind: "notRecorded", what: `consumer group ${input.group}` };

    const views = [...byId.entries()].map(([groupId, history]) => {
      const latest = history.at(-1)!.group;
      const seen = new Set<string>();
      let membershipChanges = 0;
      let previous: string | undefined;
      for (const { group } of history) {
        const ids = group.members.map((m) => m.memberId).sort();
        ids.forEach((id) => seen.add(id));
        const key = ids.join(",");
        if (previous !== undefined && key !== previous) membershipChanges++;
        previous = key;
      }
      const topics = new Set(Object.keys(latest.offsets));
      let assignedPartitions = 0;
      for (const m of latest.members) {
        for (const [topic, parts] of Object.entries(m.assignment)) {
          topics.add(topic);
          assignedPartitions += parts.length;
        }
      }
      return {
        groupId,
        state: latest.state,
        protocolType: latest.protocolType,
        protocol: latest.protocol,
        members: latest.members,
        topics: [...topics].sort(),
        assignedPartitions,
        history: history.map(({ at, group }) => ({ at, state: group.state, members: group.members.length })),
        distinctMembersSeen: seen.size,
        membershipChanges,
        rebalancingSamples: history.filter(({ group }) => group.state === "PreparingRebalance" || group.state === "CompletingRebalance").length,
        ...(latest.type && { type: latest.type }),
        ...(latest.groupState && { groupState: latest.groupState }),
      };
    });
    return {
      kind: "ok",
      value: { groups: views },
      summary: input.group
        ? `${input.group}: ${views[0]!.state}, ${views[0]!.members.length} members`
        : `${views.length} groups`,
    };
  },
});
