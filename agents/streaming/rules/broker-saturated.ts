import { evidence, finding, tp, type Finding } from "../../finding.ts";
import { saturation, type GroupObservation } from "../observation.ts";
import { partitionStatus } from "./lag-status.ts";

/**
 * Lag that follows the leaders: most lagging partitions are led by brokers that are
 * saturated, and the consumers themselves are not failing.
 */
export function brokerSaturated({ group, lag, leaders, brokers, metrics }: GroupObservation): Finding | null {
  if (!brokers || group.members.length === 0) return null;
  const hot = new Map(brokers.brokers.map((b) => [b.broker, saturation(b.worst)] as const).filter(([, r]) => r.length > 0));
  if (hot.size === 0) return null;
  const lagging = lag.partitions.filter((p) => ["growing", "stalled"].includes(partitionStatus(p)));
  if (lagging.length === 0) return null;
  const onHot = lagging.filter((p) => hot.has(leaders.get(tp(p.topic, p.partition)) ?? -1));
  if (onHot.length / lagging.length < 0.5) return null;
  const failing = metrics ? Math.max(...metrics.series.map((s) => s.metrics.recordsFailedPerSec ?? 0)) : 0;
  if (failing > 0) return null;
  const ids = [...new Set(onHot.map((p) => leaders.get(tp(p.topic, p.partition))!))].sort((a, b) => a - b);
  return finding(
    "streaming",
    "lag.broker_saturated",
    0.75 + 0.2 * (onHot.length / lagging.length),
    `${onHot.length} of ${lagging.length} lagging partitions of group ${group.groupId} are led by saturated broker${ids.length > 1 ? "s" : ""} ${ids.join(", ")} (${ids.map((id) => hot.get(id)!.join(", ")).join("; ")}); the consumers report no failures`,
    { group: group.groupId, topic: onHot[0]!.topic, broker: ids[0]!, brokers: ids.join(",") },
    [
      evidence("broker_metrics", ids.map((id) => `broker ${id}: ${hot.get(id)!.join(", ")}`).join("; ")),
      evidence("topic_partitions", `lagging partitions led by ${ids.join(", ")}: ${onHot.slice(0, 6).map((p) => tp(p.topic, p.partition)).join(", ")}`),
    ],
  );
}
