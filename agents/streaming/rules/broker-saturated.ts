import type { ThresholdValues } from "../../../config/thresholds/index.ts";
import { evidence, finding, tp, type Finding, say } from "../../finding.ts";
import { statusOf, type GroupObservation } from "../observation.ts";
import type { ToolValue } from "../../../tools/registry.ts";

/** Confidence grows with the share of lagging partitions the saturated brokers lead. */
const CONFIDENCE = { base: 0.75, perLedShare: 0.2 } as const;
const QUOTED_IN_EVIDENCE = 6;

/**
 * Lag that follows the leaders: most lagging partitions are led by brokers that are
 * saturated, and the consumers themselves are not failing.
 */
export function brokerSaturated(o: GroupObservation, t: ThresholdValues = o.thresholds): Finding | null {
  const { group, lag, leaders, brokers, metrics } = o;
  if (!brokers || group.members.length === 0) return null;
  const hot = new Map(brokers.brokers.map((b) => [b.broker, saturation(b.worst, t)] as const).filter(([, r]) => r.length > 0));
  if (hot.size === 0) return null;
  const lagging = lag.partitions.filter((p) => ["growing", "stalled"].includes(statusOf(o, p)));
  if (lagging.length === 0) return null;
  const onHot = lagging.filter((p) => hot.has(leaders.get(tp(p.topic, p.partition)) ?? -1));
  const share = onHot.length / lagging.length;
  if (share < t["broker.laggingLedShare"]) return null;
  // Consumers that fail records explain their own lag, whatever the brokers do.
  const failing = metrics ? Math.max(...metrics.series.map((s) => s.metrics.recordsFailedPerSec ?? 0)) : 0;
  if (failing > 0) return null;
  const ids = [...new Set(onHot.map((p) => leaders.get(tp(p.topic, p.partition))!))].sort((a, b) => a - b);
  return finding(
    "streaming",
    "lag.broker_saturated",
    CONFIDENCE.base + CONFIDENCE.perLedShare * share,
    say`${onHot.length} of ${lagging.length} lagging partitions of group ${group.groupId} are led by saturated broker${ids.length > 1 ? "s" : ""} ${ids.join(", ")} (${ids.map((id) => hot.get(id)!.join(", ")).join("; ")}); the consumers report no failures`,
    { group: group.groupId, topic: onHot[0]!.topic, broker: ids[0]!, brokers: ids.join(",") },
    [
      evidence("broker_metrics", ids.map((id) => `broker ${id}: ${hot.get(id)!.join(", ")}`).join("; ")),
      evidence("topic_partitions", say`lagging partitions led by ${ids.join(", ")}: ${onHot.slice(0, QUOTED_IN_EVIDENCE).map((p) => tp(p.topic, p.partition)).join(", ")}`),
    ],
  );
}

/** Whether a broker's worst reading in the window shows it saturated, and why. */
export function saturation(m: ToolValue<"broker_metrics">["brokers"][number]["worst"], t: ThresholdValues): string[] {
  const reasons: string[] = [];
  if (m.cpu !== undefined && m.cpu >= t["broker.cpuSaturated"]) reasons.push(`cpu ${pct(m.cpu)}`);
  if (m.requestHandlerIdle !== undefined && m.requestHandlerIdle <= t["broker.requestHandlerIdleMin"]) reasons.push(`request handler idle ${pct(m.requestHandlerIdle)}`);
  if (m.networkIn !== undefined && m.networkIn >= t["broker.networkSaturated"]) reasons.push(`network in ${pct(m.networkIn)}`);
  if (m.networkOut !== undefined && m.networkOut >= t["broker.networkSaturated"]) reasons.push(`network out ${pct(m.networkOut)}`);
  if (m.diskUsed !== undefined && m.diskUsed >= t["broker.diskUsedSaturated"]) reasons.push(`disk ${pct(m.diskUsed)} used`);
  return reasons;
}

const pct = (ratio: number) => `${Math.round(ratio * 100)}%`;
