/**
 * Burrow-style status of one partition's lag over the window, with one improvement: a
 * partition whose log did not grow is `idle`, never stalled. Burrow flags a consumer whose
 * offset stops moving on a topic nobody writes to (or where the only "lag" is a transaction
 * marker); nobody is waiting on such a partition, so it must not page anyone.
 */
import type { PartitionLag } from "../../../tools/kafka/consumer-group-lag.ts";
import { memoByIdentity } from "../../../tools/lib/memo.ts";

export type PartitionStatus =
  | "ok" // caught up, or lag fluctuating without a trend
  | "idle" // no writes in the window: not an alarm whatever the committed offset does
  | "catching_up" // lag shrinking
  | "growing" // lag never decreased and ended higher (Burrow WARN)
  | "stalled" // committed offset did not move while the log grew, the partition has an owner (Burrow STALL)
  | "stopped" // same, with no member owning the partition (Burrow STOP)
  | "rewind" // committed offset went backwards (Burrow REWIND)
  | "no_offsets"; // the group never committed for this partition

/** Status of one partition's lag; computed once per partition however many rules ask. */
export const partitionStatus = memoByIdentity(statusOf);

function statusOf(p: PartitionLag): PartitionStatus {
  const committed = p.committed.filter((c): c is string => c !== null);
  if (committed.length === 0) return "no_offsets";
  for (let i = 1; i < committed.length; i++) if (BigInt(committed[i]!) < BigInt(committed[i - 1]!)) return "rewind";
  const wrote = p.end.length > 1 && p.end.at(-1) !== p.end[0];
  if (!wrote) return "idle";
  if (p.lagLatest === 0) return "ok";
  const lags = p.lag.filter((l): l is number => l !== null);
  if (lags.length < 2) return "ok";
  if (committed.length >= 2 && committed.every((c) => c === committed[0])) return p.owner ? "stalled" : "stopped";
  const first = lags[0]!;
  const last = lags.at(-1)!;
  const neverDecreased = lags.every((l, i) => i === 0 || l >= lags[i - 1]!);
  if (neverDecreased && last > first) return "growing";
  if (last < first) return "catching_up";
  return "ok";
}

export function countStatuses(partitions: readonly PartitionLag[]): Record<PartitionStatus, number> {
  const counts: Record<PartitionStatus, number> = {
    ok: 0, idle: 0, catching_up: 0, growing: 0, stalled: 0, stopped: 0, rewind: 0, no_offsets: 0,
  };
  for (const p of partitions) counts[partitionStatus(p)]++;
  return counts;
}
