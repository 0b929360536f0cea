import { evidence, finding, type Finding, say } from "../../finding.ts";
import { countStatuses, partitionsOf, statusOf, worstFailureRate, type GroupObservation } from "../observation.ts";

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
  // Per topic: a group can keep up on one topic it reads and fall behind on another. The
  // finding is about the topic where lag grows on the largest share of written partitions.
  const perTopic = [...new Set(lag.partitions.map((p) => p.topic))].map((topic) => {
    const written = partitionsOf(lag, topic).filter((p) => statusOf(o, p) !== "idle");
    const growing = written.filter((p) => statusOf(o, p) === "growing");
    return { topic, written, growing, share: written.length ? growing.length / written.length : 0 };
  });
  const worst = perTopic
    .filter((t) => t.written.length > 0 && t.share >= th["lag.growthShare"])
    .sort((a, b) => b.share - a.share || b.growing.length - a.growing.length || (a.topic < b.topic ? -1 : 1))[0];
  if (!worst) return null;
  const { topic, written, growing } = worst;
  if (lag.consumeRatePerSec <= 0) return null; // nothing consumed at all: not slow, stopped
  const failing = worstFailureRate(metrics);
  const consumed = metrics?.latest.recordsConsumedPerSec ?? lag.consumeRatePerSec;
  if (failing > 0 && failing >= th["lag.failureShare"] * consumed) return null; // failing, not slow: another rule's case

  // Its parallelism on that topic is the topic's partition count (members beyond it sit idle on it).
  const partitions = partitionsOf(lag, topic).length;
  const bound = group.members.length >= partitions;
  const counts = countStatuses(o);
  const summary = bound
    ? say`group ${group.groupId} already runs ${group.members.length} members for the ${partitions} partitions of ${topic} and lag grows on ${growing.length} of them: only more partitions (or faster processing) help`
    : say`group ${group.groupId} consumes ${lag.consumeRatePerSec}/s against ${lag.produceRatePerSec}/s produced; lag grows on ${growing.length} of ${written.length} written partitions of ${topic} with ${group.members.length} members for its ${partitions} partitions`;
  return finding(
    "streaming",
    bound ? "lag.partition_bound" : "lag.slow_consumer",
    CONFIDENCE.base + CONFIDENCE.perGrowingShare * (growing.length / written.length),
    summary,
    { group: group.groupId, topic, members: group.members.length, partitions, ...(bound && measuredRates(partitionsOf(lag, topic))) },
    [
      evidence("consumer_group_lag", say`total lag per sample ${lag.totalLag}; partition status ${JSON.stringify(counts)}`),
      evidence("consumer_groups", say`${group.groupId}: ${group.state}, ${group.members.length} members, ${group.assignedPartitions} assigned partitions`),
    ],
  );
}

/**
 * Bound by partitions and behind, each partition's consumer works at its ceiling: the topic's
 * consume rate over its partitions is what one consumer processes. The runbook sizes the fix
 * from these (remediation/executors/partition-target.ts).
 */
function measuredRates(own: readonly { produceRatePerSec: number; consumeRatePerSec: number }[]): { producedPerSec: number; consumerCapacityPerSec: number } | Record<string, never> {
  const produced = own.reduce((sum, p) => sum + p.produceRatePerSec, 0);
  const consumed = own.reduce((sum, p) => sum + p.consumeRatePerSec, 0);
  if (own.length === 0 || consumed <= 0) return {};
  const round2 = (x: number) => Math.round(x * 100) / 100;
  return { producedPerSec: round2(produced), consumerCapacityPerSec: round2(consumed / own.length) };
}
