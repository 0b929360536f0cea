import { evidence, finding, tp, type Finding } from "../../finding.ts";
import { median } from "../../../tools/lib/series.ts";
import type { GroupObservation } from "../observation.ts";
import { partitionStatus } from "./lag-status.ts";

/**
 * Lag concentrated on the few partitions that receive a disproportionate share of writes:
 * key skew. More consumers cannot split one partition, so this belongs to the producers.
 */
export function hotPartition({ group, lag }: GroupObservation): Finding | null {
  const parts = lag.partitions.filter((p) => partitionStatus(p) !== "idle");
  if (parts.length < 3 || group.members.length === 0) return null;
  const total = parts.reduce((a, p) => a + p.lagLatest, 0);
  if (total === 0) return null;
  const byLag = [...parts].sort((a, b) => b.lagLatest - a.lagLatest);
  const k = Math.max(1, Math.floor(parts.length * 0.2));
  const hot = byLag.slice(0, k).filter((p) => p.lagLatest > 0 && partitionStatus(p) !== "stalled");
  const rest = byLag.slice(k);
  const hotLag = hot.reduce((a, p) => a + p.lagLatest, 0);
  const restRate = median(rest.map((p) => p.produceRatePerSec));
  const skewed = hot.filter((p) => p.produceRatePerSec >= 3 * Math.max(restRate, 0.01));
  if (!skewed.length || hotLag / total < 0.7 || !skewed.some((p) => partitionStatus(p) === "growing")) return null;
  const names = skewed.map((p) => tp(p.topic, p.partition));
  return finding(
    "streaming",
    "lag.hot_partition",
    0.75 + 0.2 * (hotLag / total),
    `${Math.round((100 * hotLag) / total)}% of group ${group.groupId}'s lag sits on ${names.join(", ")}, which receive ${skewed.map((p) => p.produceRatePerSec).join(", ")} records/s against a median of ${restRate}/s on the other partitions (key skew)`,
    { group: group.groupId, topic: skewed[0]!.topic, partition: skewed[0]!.partition },
    [
      evidence("consumer_group_lag", skewed.map((p) => `${tp(p.topic, p.partition)} lag ${p.lag.join(" -> ")}`).join("; ")),
      evidence("topic_partitions", `write rate: hot ${skewed.map((p) => p.produceRatePerSec).join(", ")}/s, median of others ${restRate}/s`),
    ],
  );
}
