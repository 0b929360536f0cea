/**
 * One sample of the whole cluster per call, through the one sampling code path
 * (ports/live/sampling.ts `sampleOnce`, the same as every live command). Injectable: unit tests
 * give the watch a simulated cluster instead.
 */
import type { Kafka } from "kafkajs";
import type { CallPolicy } from "../ports/live/call.ts";
import type { OffsetMemory } from "../ports/live/cluster-sampler.ts";
import type { GroupProtocolReader } from "../ports/live/consumer-group-model.ts";
import { sampleOnce } from "../ports/live/sampling.ts";
import type { Sample } from "./window.ts";

export type SampleOutcome =
  /** A complete snapshot; `faults` are reads that failed without spoiling it. */
  | { kind: "ok"; sample: Sample; faults: string[] }
  /** Some topic's offsets could not be read: the sample would fake a flat log, so it is dropped. */
  | { kind: "incomplete"; faults: string[] }
  /** The cluster could not be read at all. */
  | { kind: "failed"; reason: string; faults: string[] };

export interface Sampler {
  sample(): Promise<SampleOutcome>;
}

/**
 * `groups`: the reader of group types and of consumer-protocol (KIP-848) groups, kept open across
 * samples by the caller; without it every group is read as kafkajs sees it (a KIP-848 group then
 * has no members to show).
 */
export function liveSampler(kafka: Kafka, policy: CallPolicy, groups?: GroupProtocolReader): Sampler {
  // Kept across samples: a leaderless partition keeps its last known offsets.
  const memory: OffsetMemory = new Map();
  return {
    async sample() {
      const r = await sampleOnce(kafka, policy, memory, groups);
      if (r.unreachable !== undefined) return { kind: "failed", reason: r.unreachable, faults: r.faults };
      if (!r.complete || !r.snapshot) return { kind: "incomplete", faults: r.faults };
      return { kind: "ok", sample: { snapshot: r.snapshot, brokers: r.brokers, clusterId: r.clusterId }, faults: r.faults };
    },
  };
}
