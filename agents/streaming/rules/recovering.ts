import { evidence, finding, type Finding } from "../../finding.ts";
import { statusOf, type GroupObservation } from "../observation.ts";

/** Lag that is high but shrinking fast enough to clear without help. */
export function recovering(o: GroupObservation): Finding | null {
  const { group, lag, thresholds: th } = o;
  const total = lag.totalLag;
  if (total.length < 2 || group.members.length === 0) return null;
  if (lag.partitions.some((p) => ["stalled", "stopped", "rewind", "growing"].includes(statusOf(o, p)))) return null;
  const peak = Math.max(...total);
  const last = total.at(-1)!;
  const shrinking = total.every((t, i) => i === 0 || t <= total[i - 1]!);
  if (peak === 0 || !shrinking || last > th["recovery.maxRemainingShare"] * peak) return null;
  const eta = lag.timeToCatchUpSec;
  if (eta === null || eta > th["recovery.horizonSeconds"]) return null;
  return finding(
    "streaming",
    "lag.recovering",
    0.85,
    `group ${group.groupId} lag fell from ${peak} to ${last}; at ${lag.consumeRatePerSec}/s consumed vs ${lag.produceRatePerSec}/s produced it clears in about ${Math.ceil(eta / 60)} min`,
    { group: group.groupId, topic: lag.partitions[0]?.topic ?? "" },
    [evidence("consumer_group_lag", `total lag per sample ${total.join(", ")}; time to catch up ${eta} s`)],
  );
}
