import { evidence, finding, type Finding } from "../../finding.ts";
import type { GroupObservation } from "../observation.ts";
import { partitionStatus } from "./lag-status.ts";

/** No member is left to consume while the log keeps growing (or members vanished mid-window). */
export function consumerDown({ group, lag }: GroupObservation): Finding | null {
  if (group.members.length > 0 || group.protocolType !== "consumer") return null;
  const growing = lag.partitions.filter((p) => {
    const s = partitionStatus(p);
    return s === "stopped" || s === "growing" || s === "stalled";
  });
  if (growing.length === 0) return null; // an idle, empty group harms nobody
  const hadMembers = group.history.find((h) => h.members > 0);
  const total = lag.totalLag;
  return finding(
    "streaming",
    "lag.consumer_down",
    hadMembers ? 0.9 : 0.92,
    `group ${group.groupId} is ${group.state} with no members${hadMembers ? ` (had ${hadMembers.members} at ${hadMembers.at})` : ""} while lag grew from ${total[0]} to ${total.at(-1)} on ${growing.length} partitions`,
    { group: group.groupId, topic: lag.partitions[0]?.topic ?? "" },
    [
      evidence("consumer_groups", `${group.groupId} states: ${group.history.map((h) => `${h.state}/${h.members}m`).join(" -> ")}`),
      evidence("consumer_group_lag", `${group.groupId} total lag per sample: ${total.join(", ")}; consuming ${lag.consumeRatePerSec}/s, producing ${lag.produceRatePerSec}/s`),
    ],
  );
}
