import type { PartitionLag } from "../../../tools/kafka/consumer-group-lag.ts";
import { evidence, finding, tp, type Finding, say } from "../../finding.ts";
import { statusOf, type GroupObservation } from "../observation.ts";
import { hungMembers, poisonCase } from "../stuck.ts";

/**
 * Nobody consumes while records wait: the group has no members, or members that are still in
 * the group have stopped committing on every partition they own (hung). Either way the fix is
 * the consumer's deployment, never more partitions or more instances of a process that hangs.
 */
export function consumerDown(o: GroupObservation): Finding | null {
  if (o.group.protocolType !== "consumer") return null;
  return o.group.members.length === 0 ? noMembers(o) : hung(o);
}

function noMembers(o: GroupObservation): Finding | null {
  const { group, lag } = o;
  // "No members" is a claim about the members, made only from an answer that knows them: a
  // group read as Unknown (listed, but its describe failed or did not know its type) makes none.
  if (group.state === "Unknown") return null;
  if (committedWithoutMembers(o)) return null;
  const waiting = lag.partitions.filter((p) => !o.window(p).withinFloor && ["stopped", "growing", "stalled", "ok", "catching_up"].includes(statusOf(o, p)));
  if (waiting.length === 0) return null; // an idle, empty group harms nobody
  const hadMembers = group.history.find((h) => h.members > 0);
  const total = lag.totalLag;
  return finding(
    "streaming",
    "lag.consumer_down",
    hadMembers ? CONFIDENCE.emptyHad : CONFIDENCE.emptyNever,
    say`group ${group.groupId} is ${group.state} with no members${hadMembers ? say` (had ${hadMembers.members} at ${hadMembers.at})` : ""} while ${sumLag(o, waiting)} records wait unread on ${waiting.length} partitions (lag ${total[0]} -> ${total.at(-1)})`,
    { group: group.groupId, topic: waiting[0]!.topic },
    [
      evidence("consumer_groups", say`${group.groupId} states: ${group.history.map((h) => `${h.state}/${h.members}m`).join(" -> ")}`),
      evidence("consumer_group_lag", say`${group.groupId} total lag per sample: ${total}; consuming ${lag.consumeRatePerSec}/s, producing ${lag.produceRatePerSec}/s`),
    ],
  );
}

function hung(o: GroupObservation): Finding | null {
  const members = hungMembers(o);
  if (members.length === 0 || poisonCase(o)) return null;
  const { group } = o;
  const frozen = members.flatMap((m) => m.frozen).sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  const all = members.length === group.members.length;
  const tail = Math.min(...frozen.map((p) => o.window(p).frozenTail!.seconds));
  const growth = frozen.reduce((a, p) => a + o.window(p).frozenTail!.logGrowth, 0);
  const who = all
    ? say`every member of group ${group.groupId} (${members.length})`
    : say`member ${members.map((m) => `${m.memberId} (client ${JSON.stringify(m.clientId)}, host ${m.host})`).join(", ")} of group ${group.groupId}`;
  return finding(
    "streaming",
    "lag.consumer_down",
    all ? CONFIDENCE.allHung : CONFIDENCE.someHung,
    say`${who} is still in the group but has not committed on any of ${all ? "their" : "its"} ${frozen.length} partitions (${names(frozen)}) for at least ${Math.round(tail)} s while ${sumLag(o, frozen)} records wait${growth > 0 ? say` (${growth} arrived meanwhile)` : ""}; no failures point at a record: the consumer is hung, not slow`,
    // One hung member is named; several are counted (no order among them is meaningful).
    { group: group.groupId, topic: frozen[0]!.topic, ...(members.length === 1 ? { member: members[0]!.memberId } : { hungMembers: members.length }), partitions: frozen.length },
    [
      evidence("consumer_group_lag", frozen.slice(0, QUOTED).map((p) => `${tp(p.topic, p.partition)} committed ${o.window(p).frozenTail!.offset} for ${o.window(p).frozenTail!.samples} samples, lag ${o.window(p).lag}`).join("; ")),
      evidence("consumer_groups", say`${group.groupId}: ${group.state}, ${group.members.length} members; hung: ${members.map((m) => m.memberId).join(", ")}`),
    ],
  );
}

/**
 * Offsets committed between two samples that both saw no member: something consumes that the
 * group's description does not show (a classic DescribeGroups answering Dead for a
 * consumer-protocol group it does not know, in a recording made before kafka-ops read their
 * type; a reader outside group management). Not a group nobody consumes for.
 */
function committedWithoutMembers({ group, lag }: GroupObservation): boolean {
  const memberless = new Set(group.history.filter((h) => h.members === 0).map((h) => h.at));
  for (let i = 1; i < lag.samples.length; i++) {
    if (!memberless.has(lag.samples[i - 1]!) || !memberless.has(lag.samples[i]!)) continue;
    const moved = lag.partitions.some((p) => {
      const [before, now] = [p.committed[i - 1], p.committed[i]];
      return before != null && now != null && BigInt(now) > BigInt(before);
    });
    if (moved) return true;
  }
  return false;
}

/** How sure each reading is: no members at all is the plainest case. */
const CONFIDENCE = { emptyNever: 0.92, emptyHad: 0.9, allHung: 0.88, someHung: 0.85 } as const;
/** Partitions quoted in evidence, and named in a summary before "and N more". */
const QUOTED = 6;
const NAMED = 4;

const sumLag = (o: GroupObservation, ps: readonly PartitionLag[]) => ps.reduce((a, p) => a + (o.window(p).lag ?? 0), 0);

function names(ps: readonly { topic: string; partition: number }[]): string {
  const list = ps.map((p) => tp(p.topic, p.partition));
  return list.length <= NAMED ? list.join(", ") : say`${list.slice(0, NAMED).join(", ")} and ${list.length - NAMED} more`;
}
