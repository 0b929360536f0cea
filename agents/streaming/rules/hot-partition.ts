import { evidence, finding, tp, type Finding, say } from "../../finding.ts";
import { median } from "../../../tools/lib/series.ts";
import { formatNumber } from "../../../contract/numbers.ts";
import { statusOf, type GroupObservation } from "../observation.ts";

/**
 * Lag concentrated on the few partitions that receive a disproportionate share of writes:
 * key skew. More consumers cannot split one partition, so this belongs to the producers.
 */
/** Confidence grows with the share of the lag on the hot partitions. */
const CONFIDENCE = { base: 0.75, perLagShare: 0.2 } as const;
/** A median write rate of 0 would make every written partition "hot". */
const MIN_MEDIAN_RATE = 0.01;

export function hotPartition(o: GroupObservation): Finding | null {
  const { group, lag } = o;
  if (group.members.length === 0) return null;
  // Skew is a property of one topic's keys: each topic's partitions are compared with their own
  // siblings only (a busy topic's partitions are not "hot" beside a quiet topic's).
  const candidates = [...new Set(lag.partitions.map((p) => p.topic))]
    .map((topic) => skewOn(o, lag.partitions.filter((p) => p.topic === topic)))
    .filter((c) => c !== null)
    .sort((a, b) => b.hotLag - a.hotLag);
  const c = candidates[0];
  if (!c) return null;
  const { skewed, hotLag, total, restRate } = c;
  const names = skewed.map((p) => tp(p.topic, p.partition));
  return finding(
    "streaming",
    "lag.hot_partition",
    CONFIDENCE.base + CONFIDENCE.perLagShare * (hotLag / total),
    say`${Math.round((100 * hotLag) / total)}% of group ${group.groupId}'s lag on ${skewed[0]!.topic} sits on ${names.join(", ")}, which receive ${skewed.map((p) => p.produceRatePerSec)} records/s against a median of ${restRate}/s on the topic's other partitions (key skew)`,
    { group: group.groupId, topic: skewed[0]!.topic, partition: skewed[0]!.partition },
    [
      evidence("consumer_group_lag", skewed.map((p) => `${tp(p.topic, p.partition)} lag ${p.lag.map((l) => (l === null ? "?" : formatNumber(l))).join(" -> ")}`).join("; ")),
      evidence("topic_partitions", say`write rate: hot ${skewed.map((p) => p.produceRatePerSec)}/s, median of the topic's others ${restRate}/s`),
    ],
  );
}

type PartitionLagOf = GroupObservation["lag"]["partitions"][number];

/** Within one topic: the partitions that take a disproportionate share of writes and hold most of its lag. */
function skewOn(o: GroupObservation, partitions: readonly PartitionLagOf[]) {
  const th = o.thresholds;
  const parts = partitions.filter((p) => statusOf(o, p) !== "idle");
  if (parts.length < th["hot.minPartitions"]) return null;
  const lagOf = (p: PartitionLagOf) => o.window(p).lag ?? 0;
  const total = parts.reduce((a, p) => a + lagOf(p), 0);
  if (total === 0) return null;
  const byLag = [...parts].sort((a, b) => lagOf(b) - lagOf(a));
  const k = Math.max(1, Math.floor(parts.length * th["hot.topShare"]));
  const hot = byLag.slice(0, k).filter((p) => lagOf(p) > 0 && statusOf(o, p) !== "stalled");
  const rest = byLag.slice(k);
  const hotLag = hot.reduce((a, p) => a + lagOf(p), 0);
  const restRate = median(rest.map((p) => p.produceRatePerSec));
  const skewed = hot.filter((p) => p.produceRatePerSec >= th["hot.rateFactor"] * Math.max(restRate, MIN_MEDIAN_RATE));
  if (!skewed.length || hotLag / total < th["hot.lagShare"] || !skewed.some((p) => statusOf(o, p) === "growing")) return null;
  return { skewed, hotLag, total, restRate };
}
