/**
 * Who is stuck, and on what: the frozen partitions of a group, grouped by the member that owns
 * them. A poison record freezes one partition while its owner goes on with the others; a hung
 * member (blocked thread, deadlock, an external call that never returns) freezes every
 * partition it owns at once. Telling the two apart is what keeps `skip_poison_message`, which
 * drops a good record if the diagnosis is wrong, away from a consumer that is merely hung.
 */
import type { LogLine } from "../../contract/incident.ts";
import type { PartitionLag } from "../../tools/kafka/consumer-group-lag.ts";
import { tp } from "../finding.ts";
import { statusOf, worstFailureRate, type GroupObservation } from "./observation.ts";

export interface MemberStuck {
  memberId: string;
  clientId: string;
  host: string;
  /** Partitions it owns that have unread records (not idle). */
  owned: PartitionLag[];
  frozen: PartitionLag[];
}

/** Members whose every partition with unread records is frozen (stalled), at least one of them. */
export function hungMembers(o: GroupObservation): MemberStuck[] {
  const out: MemberStuck[] = [];
  for (const m of o.group.members) {
    const owned = o.lag.partitions.filter((p) => p.owner === m.memberId && !o.window(p).withinFloor);
    const frozen = owned.filter((p) => statusOf(o, p) === "stalled");
    if (frozen.length > 0 && frozen.length === owned.length) out.push({ memberId: m.memberId, clientId: m.clientId, host: m.host, owned, frozen });
  }
  // By member id: the report names the same member whatever order the group listed them in.
  return out.sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0));
}

/** Stalled partitions: frozen at the tail with unread records while a member owns them. */
export function stalledPartitions(o: GroupObservation): PartitionLag[] {
  return o.lag.partitions.filter((p) => statusOf(o, p) === "stalled");
}

/** Partitions whose committed offset moved forward over the window. */
export function advancingPartitions(o: GroupObservation): PartitionLag[] {
  return o.lag.partitions.filter((p) => p.consumeRatePerSec > 0 && o.window(p).frozenTail === null);
}

/**
 * Error and warning log lines that name this partition (as "topic-N", or the topic together
 * with the stuck offset). Log text is untrusted: it can corroborate a failure on an entity the
 * offsets already show stuck, never point the rules at another one.
 */
export function logsNaming(o: GroupObservation, p: PartitionLag): LogLine[] {
  const name = tp(p.topic, p.partition);
  const offset = o.window(p).frozenTail?.offset;
  return o.logs.filter((l) => {
    if (l.level !== "ERROR" && l.level !== "WARN") return false;
    if (mentionsPartition(l.message, name)) return true;
    return offset !== undefined && l.message.includes(p.topic) && l.message.includes(offset);
  });
}

/** "orders-1" as a whole token: not "orders-10", not "xorders-1". */
function mentionsPartition(text: string, name: string): boolean {
  let from = 0;
  for (;;) {
    const i = text.indexOf(name, from);
    if (i < 0) return false;
    const before = i === 0 ? "" : text[i - 1]!;
    const after = text[i + name.length] ?? "";
    if (!/[\w.-]/.test(before) && !/\d/.test(after)) return true;
    from = i + 1;
  }
}

export interface PoisonCase {
  partition: PartitionLag;
  offset: string;
  failing: number;
  logs: LogLine[];
  advancing: number;
  /** The member that owns it goes on consuming its other partitions: alive, and stuck on one record. */
  ownerAdvances: boolean;
}

/**
 * The poison-record reading of a stalled partition, when the evidence supports it: at most
 * `poison.maxPartitions` stalled, and something pointing at one record rather than at the
 * consumer: log lines naming the partition, failed records reported while its owner or its
 * siblings keep consuming, or the owner itself advancing on its other partitions (the member
 * is alive and polling; only this partition does not move). Offsets frozen on every partition
 * of a member, with nothing else, point at the member: no poison verdict.
 */
export function poisonCase(o: GroupObservation): PoisonCase | null {
  if (o.group.members.length === 0) return null;
  const stalled = stalledPartitions(o);
  if (stalled.length === 0 || stalled.length > o.thresholds["poison.maxPartitions"]) return null;
  const p = [...stalled].sort((a, b) => (o.window(b).lag ?? 0) - (o.window(a).lag ?? 0))[0]!;
  const offset = o.window(p).frozenTail!.offset;
  const logs = logsNaming(o, p);
  const failing = worstFailureRate(o.metrics);
  const advancing = advancingPartitions(o).length;
  const owned = o.lag.partitions.filter((q) => q.owner === p.owner && !o.window(q).withinFloor);
  // A member frozen on several partitions at once is hung, unless the logs name this record.
  const ownerGoesOn = owned.length === 1 || owned.some((q) => statusOf(o, q) !== "stalled");
  const ownerAdvances = advancingPartitions(o).some((q) => q.owner === p.owner && q !== p);
  const pointed = logs.length > 0 || ownerAdvances || (failing > 0 && advancing > 0 && ownerGoesOn);
  return pointed ? { partition: p, offset, failing, logs, advancing, ownerAdvances } : null;
}
