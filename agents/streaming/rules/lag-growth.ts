import { evidence, finding, type Finding, say } from "../../finding.ts";
import { countStatuses, dominantTopic, partitionsOf, statusOf, worstFailureRate, type GroupObservation } from "../observation.ts";

/**
 * Lag growing on most partitions of a group that is consuming without failing: the group
 * is too slow for its producers. With fewer members than partitions, more consumers help
 * (`lag.slow_consumer`); with one member per partition already, only more partitions do
 * (`lag.partition_bound`). "Growing" is the partition window's: above the noise floor, a real
 * rise, and the consumer still advancing (a stopped one is stalled, never slow).
 */
/** Confidence grows with the share of written partitions whose lag grows. */
const CONFIDENCE = { base: 0.6, perGrowingShare: 0.3 } as const;

export function lagGrowth(o: GroupObservation): Finding | null {
  const { group, lag, metrics, thresholds: th } = o;
  if (group.members.length === 0 || group.protocolType !== "consumer") return null;
  const written = lag.partitions.filter((p) => statusOf(o, p) !== "idle");
  const growing = written.filter((p) => statusOf(o, p) === "growing");
  if (written.length === 0 || growing.length / written.length < th["lag.growthShare"]) return null;
  if (lag.consumeRatePerSec <= 0) return null; // nothing consumed at all: not slow, stopped
  const failing = worstFailureRate(metrics);
  const consumed = metrics?.latest.recordsConsumedPerSec ?? lag.consumeRatePerSec;
  if (failing > 0 && failing >= th["lag.failureShare"] * consumed) return null; // failing, not slow: another rule's case

  // A group reading several topics: the finding is about the topic where lag grows, and its
  // parallelism is that topic's partition count (members beyond it sit idle on it).
  const topic = dominantTopic(growing)!;
  const partitions = partitionsOf(lag, topic).length;
  const bound = group.members.length >= partitions;
  const counts = countStatuses(o);
  const summary = bound
    ? say`group ${group.groupId} already runs ${group.members.length} members for ${partitions} partitions and lag grows on ${growing.length} of them: only more partitions (or faster processing) help`
    : say`group ${group.groupId} consumes ${lag.consumeRatePerSec}/s against ${lag.produceRatePerSec}/s produced; lag grows on ${growing.length} of ${written.length} partitions with ${group.members.length} members for ${partitions} partitions`;
  return finding(
    "streaming",
    bound ? "lag.partition_bound" : "lag.slow_consumer",
    CONFIDENCE.base + CONFIDENCE.perGrowingShare * (growing.length / written.length),
    summary,
    { group: group.groupId, topic, members: group.members.length, partitions },
    [
      evidence("consumer_group_lag", say`total lag per sample ${lag.totalLag}; partition status ${JSON.stringify(counts)}`),
      evidence("consumer_groups", say`${group.groupId}: ${group.state}, ${group.members.length} members, ${group.assignedPartitions} assigned partitions`),
    ],
  );
}
