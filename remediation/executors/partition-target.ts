/**
 * How many partitions a topic needs, from what was measured: the rate it is written at and
 * what one consumer processes. The one home of this arithmetic: the runbook's draft
 * (remediation/verdicts.ts) proposes the count with it and the add_partitions executor
 * re-checks the proposal with it against the topic as it stands.
 *
 * Each partition is read by one consumer of a group, so the topic needs enough partitions that
 * each is written at no more than HEADROOM of one consumer's rate. Headroom, not 100%: a
 * consumer at its ceiling never catches up after a burst, and key skew puts more than the
 * average on some partitions.
 */

/** The share of one consumer's capacity a partition may be written at after the change. */
export const HEADROOM = 0.7;

export interface Measured {
  /** Records per second written to the topic (all partitions). */
  producedPerSec: number;
  /** Records per second one consumer processes. */
  consumerCapacityPerSec: number;
}

/**
 * Partitions needed so each is written at most at HEADROOM of one consumer's capacity, and
 * never fewer than `current + 1` (the action exists because the current count is not enough;
 * Kafka cannot remove partitions). null when the measurements cannot give a count.
 */
export function partitionsNeeded(m: Partial<Measured>, current: number): number | null {
  const { producedPerSec: produced, consumerCapacityPerSec: capacity } = m;
  if (produced === undefined || capacity === undefined) return null;
  if (!Number.isFinite(produced) || !Number.isFinite(capacity) || produced <= 0 || capacity <= 0) return null;
  // Rounded first: 2.0000000001 partitions' worth of load is 2, not 3.
  const exact = Math.round((produced / (HEADROOM * capacity)) * 1000) / 1000;
  return Math.max(current + 1, Math.ceil(exact));
}

/** Records per second each partition takes at `partitions`, rounded for messages. */
export function perPartition(producedPerSec: number, partitions: number): number {
  return Math.round((producedPerSec / partitions) * 10) / 10;
}
