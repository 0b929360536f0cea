/**
 * `--throttle auto`: a replication throttle sized from what the brokers take in now.
 *
 * Two readings of every replica's size (DescribeLogDirs) `sampleMs` apart give each broker's
 * bytes in per second (all its replicas' growth: produce plus the replication it already does)
 * and each partition's write rate (its largest replica's growth). Then, per batch:
 *
 *   floor    = catchUpFactor x the write rate of the partitions the busiest receiving broker takes on
 *              (below the write rate a new replica never catches up; twice it, it does in bounded time)
 *   headroom = brokerCapacity - the bytes in of the busiest broker involved
 *   rate     = max(floor, headroomShare x headroom, minimum)
 *
 * A floor above the headroom is a warning, not a refusal: the operator asked for auto, and a
 * throttle below the write rate would never finish.
 */
import type { ReplicaSize, TopicAdminPort } from "../../ports/write/topic-admin.ts";
import { formatRate, type ThrottleMove } from "./throttles.ts";

/** Documented defaults (house style: thresholds are data). */
export const AUTO_THROTTLE = {
  /** What one broker can take in, bytes per second: a 1 Gbit/s link. Override with --broker-capacity. */
  brokerCapacityBytesPerSec: 125_000_000,
  /** The part of the headroom replication may use; the rest stays for produce bursts. */
  headroomShare: 0.5,
  /** How many times a partition's write rate its new replica must be able to copy. */
  catchUpFactor: 2,
  /** Never below this, bytes per second: a throttle of almost nothing only stalls the move. */
  minimumBytesPerSec: 1_000_000,
  /** Between the two size readings. */
  sampleMs: 5_000,
} as const;

export interface AutoThrottleOptions {
  brokerCapacityBytesPerSec?: number;
  sampleMs?: number;
  sleep(ms: number): Promise<void>;
}

export interface Measured {
  /** Bytes in per second by broker id. */
  brokerBytesIn: Map<number, number>;
  /** Write rate per partition ("topic\u0000partition"). */
  partitionRate: Map<string, number>;
  seconds: number;
}

export async function measureBytesIn(topics: TopicAdminPort, options: AutoThrottleOptions): Promise<Measured> {
  if (!topics.replicaSizes) throw new Error("--throttle auto needs replica sizes (DescribeLogDirs), which this adapter cannot read: give a rate (--throttle 50MB/s)");
  const sampleMs = options.sampleMs ?? AUTO_THROTTLE.sampleMs;
  const t0 = performance.now();
  const first = await topics.replicaSizes();
  await options.sleep(sampleMs);
  const second = await topics.replicaSizes();
  const seconds = Math.max((performance.now() - t0) / 1000, 0.001);
  return rates(first, second, seconds);
}

export function rates(first: readonly ReplicaSize[], second: readonly ReplicaSize[], seconds: number): Measured {
  const key = (s: ReplicaSize) => `${s.broker}\u0000${s.topic}\u0000${s.partition}`;
  const before = new Map(first.map((s) => [key(s), s.bytes]));
  const brokerBytesIn = new Map<number, number>();
  const partitionRate = new Map<string, number>();
  for (const s of second) {
    const was = before.get(key(s));
    // A replica not seen before (created, or moving in) is replication we cannot size: left out.
    if (was === undefined) continue;
    const rate = Math.max(0, s.bytes - was) / seconds; // retention deleting a segment is not negative input
    brokerBytesIn.set(s.broker, (brokerBytesIn.get(s.broker) ?? 0) + rate);
    const pk = `${s.topic}\u0000${s.partition}`;
    partitionRate.set(pk, Math.max(partitionRate.get(pk) ?? 0, rate));
  }
  return { brokerBytesIn, partitionRate, seconds };
}

export function autoRate(moves: readonly ThrottleMove[], measured: Measured, capacity: number = AUTO_THROTTLE.brokerCapacityBytesPerSec): { bytesPerSec: number; why: string; warning?: string } {
  const incoming = new Map<number, number>();
  const involved = new Set<number>();
  for (const m of moves) {
    const rate = measured.partitionRate.get(`${m.topic}\u0000${m.partition}`) ?? 0;
    for (const b of m.from) involved.add(b);
    for (const b of m.to.filter((x) => !m.from.includes(x))) {
      involved.add(b);
      incoming.set(b, (incoming.get(b) ?? 0) + rate);
    }
  }
  const need = Math.max(0, ...incoming.values());
  const busiest = Math.max(0, ...[...involved].map((b) => measured.brokerBytesIn.get(b) ?? 0));
  const floor = AUTO_THROTTLE.catchUpFactor * need;
  const headroom = Math.max(0, capacity - busiest);
  const bytesPerSec = Math.round(Math.max(floor, AUTO_THROTTLE.headroomShare * headroom, AUTO_THROTTLE.minimumBytesPerSec));
  const why = `auto: busiest involved broker takes in ${formatRate(busiest)} of ${formatRate(capacity)}; the moving partitions write ${formatRate(need)} into the busiest receiver; throttle ${formatRate(bytesPerSec)}`;
  const warning = floor > headroom ? `the moving partitions need ${formatRate(floor)} to catch up but the brokers have ${formatRate(headroom)} headroom: replication competes with produce traffic` : undefined;
  return { bytesPerSec, why, ...(warning && { warning }) };
}
