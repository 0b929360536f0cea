import type { ThresholdValues } from "../../../config/thresholds/index.ts";
import { evidence, finding, type Finding, say } from "../../finding.ts";
import { partitionsOf, type GroupObservation } from "../observation.ts";

/** Confidence rises with how far past the capacity share the partitions are written, up to a cap. */
const CONFIDENCE = { base: 0.7, maxGain: 0.2 } as const;
/** "Behind on most partitions": more than half of them. */
const MOST = 0.5;

/**
 * The capacity problem before it becomes lag: each partition is written about as fast as one
 * consumer can process, and the group already has one member per partition, so it cannot
 * scale out. Capacity per member comes from 1000 / p99 processing ms, or from the clients' own
 * consume rate when they are behind on most partitions (then they are at their ceiling). A group
 * that keeps up consumes exactly what is produced: its rate measures demand, not capacity.
 */
export function underProvisioned(o: GroupObservation, t: ThresholdValues = o.thresholds): Finding | null {
  const { group, lag, metrics } = o;
  if (!metrics || group.members.length === 0 || lag.partitions.length === 0) return null;
  const consumed = metrics.latest.recordsConsumedPerSec;
  const p99 = metrics.latest.processingMsP99;
  // A group that is stuck somewhere tells nothing about its capacity.
  if (lag.partitions.some((p) => ["stalled", "stopped", "rewind"].includes(o.window(p).status))) return null;
  const capacity = capacityPerMember(o, consumed, p99);
  if (capacity === null) return null;
  const atCapacity = t["capacity.perPartitionShare"];
  // Per topic: a group reading several topics can be at capacity on one of them only, and only
  // that topic's partitions bound its parallelism. The hottest topic that crosses the bar.
  const hottest = [...new Set(lag.partitions.map((p) => p.topic))]
    .map((topic) => {
      const own = partitionsOf(lag, topic);
      const rate = own.reduce((sum, p) => sum + p.produceRatePerSec, 0);
      return { topic, partitions: own.length, rate, perPartition: rate / own.length };
    })
    .filter((x) => group.members.length >= x.partitions && x.perPartition >= atCapacity * capacity)
    .sort((a, b) => b.perPartition - a.perPartition || (a.topic < b.topic ? -1 : 1))[0];
  if (!hottest) return null;
  const { topic, partitions, rate, perPartition } = hottest;
  const total = lag.totalLag;
  const behindSec = lag.produceRatePerSec > 0 ? total.at(-1)! / lag.produceRatePerSec : 0;
  return finding(
    "streaming",
    "partition.under_provisioned",
    CONFIDENCE.base + Math.min(CONFIDENCE.maxGain, perPartition / capacity - atCapacity),
    say`topic ${topic} takes ${Math.round(perPartition)} records/s per partition against about ${Math.round(capacity)}/s one consumer of ${group.groupId} processes; with ${group.members.length} members on ${partitions} partitions the group cannot scale out (lag ${total.at(-1)}, ${Math.round(behindSec)} s behind)`,
    // The measured rates, for the runbook to size the fix from (remediation/executors/partition-target.ts).
    { group: group.groupId, topic, partitions, producedPerSec: round2(rate), consumerCapacityPerSec: round2(capacity) },
    [
      evidence("consumer_group_lag", say`${topic}: produce ${rate}/s over ${partitions} partitions; lag per sample ${total}`),
      evidence("client_metrics", say`recordsConsumedPerSec ${consumed ?? "?"} over ${group.members.length} members; processingMsP99 ${p99 ?? "?"}`),
    ],
  );
}

/**
 * What one member can process per second. Behind on most partitions, the members consume at
 * their ceiling: their rate is the capacity. Keeping up, their rate is only a lower bound, and
 * 1000 / p99 is the estimate, valid only when it is not below what they already do (a consumer
 * that processes in parallel or in batches beats it). Without a valid estimate, a busy group
 * that keeps up looks exactly like one at its ceiling; only a throughput alert about this group
 * or topic says which, so without one there is no finding.
 */
function capacityPerMember(o: GroupObservation, consumed: number | undefined, p99: number | undefined): number | null {
  const members = o.group.members.length;
  const observed = consumed !== undefined && consumed > 0 ? consumed / members : undefined;
  const behind = o.lag.partitions.filter((p) => !o.window(p).withinFloor).length > MOST * o.lag.partitions.length;
  const estimate = p99 ? 1000 / p99 : undefined;
  if (behind && observed !== undefined) return Math.max(observed, estimate ?? 0);
  if (estimate === undefined) return observed !== undefined && throughputAlertOn(o) ? observed : null;
  if (observed === undefined || estimate >= observed) return estimate;
  return throughputAlertOn(o) ? observed : null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function throughputAlertOn({ alert, group, lag }: GroupObservation): boolean {
  if (alert?.kind !== "throughput") return false;
  return alert.labels.group === group.groupId || lag.partitions.some((p) => p.topic === alert.labels.topic);
}
