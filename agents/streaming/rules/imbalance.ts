import { DEFAULT_THRESHOLDS, type ThresholdValues } from "../../../config/thresholds/index.ts";
import { evidence, finding, type Finding, say } from "../../finding.ts";
import type { ToolValue } from "../../../tools/registry.ts";

/** An empty broker is unmistakable; a skew of counts is a judgement. */
const CONFIDENCE = { emptyBroker: 0.9, skew: 0.8 } as const;
/** One broker has nothing to be balanced against. */
const MIN_BROKERS = 2;

/**
 * Replicas or leadership spread unevenly over online brokers. Replica skew (an empty new
 * broker, a lopsided assignment) needs a reassignment; leadership skew alone needs only a
 * preferred-leader election. The finding says which, in `entities.fix`.
 */
export function imbalance(overview: ToolValue<"cluster_overview">, t: ThresholdValues = DEFAULT_THRESHOLDS): Finding | null {
  const online = overview.brokers.filter((b) => b.online);
  // Fewer partitions than brokers cannot spread over all of them.
  if (online.length < MIN_BROKERS || overview.partitions < online.length) return null;
  if (overview.offlinePartitions > 0 || overview.underReplicatedPartitions > 0) return null; // a broker loss, not a skew
  const replicas = online.map((b) => b.replicas);
  // No replica on any broker (empty replica lists in the metadata): nothing to balance, and no
  // mean to compare with.
  if (Math.max(...replicas) === 0) return null;
  const mean = replicas.reduce((a, b) => a + b, 0) / online.length;
  const emptyBrokers = online.filter((b) => b.replicas === 0);
  // Partitions listed without replicas leave the per-broker counts incomplete: a broker may
  // look light only because its replicas went unlisted, so replica skew is not judged then.
  const countsComplete = overview.partitionsWithoutReplicas === 0;
  const replicaSkew = countsComplete && (emptyBrokers.length > 0 || Math.max(...replicas) > t["imbalance.replicaMaxFactor"] * mean || Math.min(...replicas) < t["imbalance.replicaMinFactor"] * mean);

  const leaders = online.map((b) => b.leaders);
  const leaderMean = leaders.reduce((a, b) => a + b, 0) / online.length;
  const leaderSkew =
    Math.max(...leaders) > t["imbalance.leaderMaxFactor"] * leaderMean &&
    overview.preferredLeaderMismatches >= t["imbalance.preferredLeaderMismatchShare"] * overview.partitions;
  if (!replicaSkew && !leaderSkew) return null;

  const spread = online.map((b) => `broker ${b.id}: ${b.replicas} replicas, ${b.leaders} leaders`).join("; ");
  const summary = replicaSkew
    ? emptyBrokers.length
      ? say`broker${emptyBrokers.length > 1 ? "s" : ""} ${emptyBrokers.map((b) => b.id).join(", ")} ${emptyBrokers.length > 1 ? "host" : "hosts"} no replicas while the others carry ${Math.round(mean * online.length / (online.length - emptyBrokers.length))} each: partitions were never reassigned onto ${emptyBrokers.length > 1 ? "them" : "it"}`
      : say`replicas are spread unevenly: ${Math.max(...replicas)} on the busiest broker against a mean of ${Math.round(mean)}`
    : say`${overview.preferredLeaderMismatches} of ${overview.partitions} partitions are not led by their preferred replica; leadership is concentrated (${Math.max(...leaders)} leaders on one broker against a mean of ${Math.round(leaderMean)})`;
  return finding(
    "streaming",
    "cluster.imbalance",
    replicaSkew && emptyBrokers.length ? CONFIDENCE.emptyBroker : CONFIDENCE.skew,
    summary,
    { broker: (emptyBrokers[0] ?? online[leaders.indexOf(Math.max(...leaders))]!).id, fix: replicaSkew ? "reassign" : "elect" },
    [evidence("cluster_overview", spread)],
  );
}
