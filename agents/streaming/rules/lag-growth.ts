import { evidence, finding, type Finding } from "../../finding.ts";
import type { GroupObservation } from "../observation.ts";
import { countStatuses, partitionStatus } from "./lag-status.ts";

/**
 * Lag growing on most partitions of a group that is consuming without failing: the group
 * is too slow for its producers. With fewer members than partitions, more consumers help
 * (`lag.slow_consumer`); with one member per partition already, only more partitions do
 * (`lag.partition_bound`).
 */
export function lagGrowth({ group, lag, metrics }: GroupObservation): Finding | null {
  if (group.members.length === 0 || group.protocolType !== "consumer") return null;
  const written = lag.partitions.filter((p) => partitionStatus(p) !== "idle");
  const growing = written.filter((p) => partitionStatus(p) === "growing");
  if (written.length === 0 || growing.length / written.length < 0.6) return null;
  const failing = metrics ? Math.max(...metrics.series.map((s) => s.metrics.recordsFailedPerSec ?? 0)) : 0;
  const consumed = metrics?.latest.recordsConsumedPerSec ?? lag.consumeRatePerSec;
  if (failing > 0 && failing >= 0.1 * consumed) return null; // failing, not slow: another rule's case

  const partitions = lag.partitions.length;
  const bound = group.members.length >= partitions;
  const counts = countStatuses(lag.partitions);
  const summary = bound
    ? `group ${group.groupId} already runs ${group.members.length} members for ${partitions} partitions and lag grows on ${growing.length} of them: only more partitions (or faster processing) help`
    : `group ${group.groupId} consumes ${lag.consumeRatePerSec}/s against ${lag.produceRatePerSec}/s produced; lag grows on ${growing.length} of ${written.length} partitions with ${group.members.length} members for ${partitions} partitions`;
  return finding(
    "streaming",
    bound ? "lag.partition_bound" : "lag.slow_consumer",
    0.6 + 0.3 * (growing.length / written.length),
    summary,
    { group: group.groupId, topic: lag.partitions[0]?.topic ?? "", members: group.members.length, partitions },
    [
      evidence("consumer_group_lag", `total lag per sample ${lag.totalLag.join(", ")}; partition status ${JSON.stringify(counts)}`),
      evidence("consumer_groups", `${group.groupId}: ${group.state}, ${group.members.length} members, ${group.assignedPartitions} assigned partitions`),
    ],
  );
}
