import type { ThresholdValues } from "../../../config/thresholds/index.ts";
import { evidence, finding, type Finding } from "../../finding.ts";
import type { GroupObservation } from "../observation.ts";
import { thresholdsOf } from "./thresholds-of.ts";

/** Confidence rises with how far past the capacity share the partitions are written, up to a cap. */
const CONFIDENCE = { base: 0.7, maxGain: 0.2 } as const;

/**
 * The capacity problem before it becomes lag: each partition is written about as fast as one
 * consumer can process, and the group already has one member per partition, so it cannot
 * scale out. Capacity per member comes from the clients' own consume rate (they are at their
 * ceiling) or from 1000 / p99 processing ms.
 */
export function underProvisioned(o: GroupObservation, t: ThresholdValues = thresholdsOf(o)): Finding | null {
  const { group, lag, metrics } = o;
  if (!metrics || group.members.length === 0) return null;
  const partitions = lag.partitions.length;
  if (partitions === 0 || group.members.length < partitions) return null;
  const consumed = metrics.latest.recordsConsumedPerSec;
  const p99 = metrics.latest.processingMsP99;
  const perMember = [
    consumed !== undefined ? consumed / group.members.length : undefined,
    p99 ? 1000 / p99 : undefined,
  ].filter((x): x is number => x !== undefined && x > 0);
  if (!perMember.length) return null;
  const capacity = Math.max(...perMember);
  const perPartition = lag.produceRatePerSec / partitions;
  const atCapacity = t["capacity.perPartitionShare"];
  if (perPartition < atCapacity * capacity) return null;
  const total = lag.totalLag;
  const behindSec = lag.produceRatePerSec > 0 ? total.at(-1)! / lag.produceRatePerSec : 0;
  return finding(
    "streaming",
    "partition.under_provisioned",
    CONFIDENCE.base + Math.min(CONFIDENCE.maxGain, perPartition / capacity - atCapacity),
    `topic ${lag.partitions[0]!.topic} takes ${Math.round(perPartition)} records/s per partition against about ${Math.round(capacity)}/s one consumer of ${group.groupId} processes; with ${group.members.length} members on ${partitions} partitions the group cannot scale out (lag ${total.at(-1)}, ${Math.round(behindSec)} s behind)`,
    { group: group.groupId, topic: lag.partitions[0]!.topic, partitions },
    [
      evidence("consumer_group_lag", `produce ${lag.produceRatePerSec}/s over ${partitions} partitions; lag per sample ${total.join(", ")}`),
      evidence("client_metrics", `recordsConsumedPerSec ${consumed ?? "?"} over ${group.members.length} members; processingMsP99 ${p99 ?? "?"}`),
    ],
  );
}
