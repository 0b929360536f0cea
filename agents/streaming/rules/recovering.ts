import { evidence, finding, type Finding, say } from "../../finding.ts";
import { dominantTopic, statusOf, type GroupObservation } from "../observation.ts";

const CONFIDENCE = 0.85;
const MIN_SAMPLES = 2;
const SECONDS_PER_MINUTE = 60;

/** Lag that is high but shrinking fast enough to clear without help. */
export function recovering(o: GroupObservation): Finding | null {
  const { group, lag, thresholds: th } = o;
  const total = lag.totalLag;
  if (total.length < MIN_SAMPLES || group.members.length === 0) return null;
  // Still catching up somewhere (lag above the floor and shrinking), and not stuck anywhere:
  // lag that already cleared is healthy, not recovering.
  const statuses = lag.partitions.map((p) => statusOf(o, p));
  if (!statuses.includes("catching_up") || statuses.some((s) => ["stalled", "stopped", "rewind", "growing"].includes(s))) return null;
  const peak = Math.max(...total);
  const last = total.at(-1)!;
  const shrinking = total.every((t, i) => i === 0 || t <= total[i - 1]!);
  if (peak === 0 || !shrinking || last > th["recovery.maxRemainingShare"] * peak) return null;
  const eta = lag.timeToCatchUpSec;
  if (eta === null || eta > th["recovery.horizonSeconds"]) return null;
  return finding(
    "streaming",
    "lag.recovering",
    CONFIDENCE,
    say`group ${group.groupId} lag fell from ${peak} to ${last}; at ${lag.consumeRatePerSec}/s consumed vs ${lag.produceRatePerSec}/s produced it clears in about ${Math.ceil(eta / SECONDS_PER_MINUTE)} min`,
    { group: group.groupId, topic: dominantTopic(lag.partitions.filter((p) => statusOf(o, p) === "catching_up")) ?? "" },
    [evidence("consumer_group_lag", say`total lag per sample ${total}; time to catch up ${eta} s`)],
  );
}
