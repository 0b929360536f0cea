/**
 * A cluster as functions of time, and a clock the test moves: the watch's unit tests run ten
 * minutes of 30 s samples in milliseconds, with nothing waiting on a timer. Topics are written
 * at a steady rate per partition; each group's committed offsets and members are functions of
 * the simulated time, so a test states the behaviour (keeps up, stops at 03:05, hangs, flaps)
 * and nothing else.
 */
import type { Broker, Group, Snapshot } from "../../contract/incident.ts";
import type { Clock } from "../../watch/clock.ts";
import type { SampleOutcome, Sampler } from "../../watch/sampler.ts";

export const T0 = Date.parse("2026-11-02T03:00:00Z");

export interface FakeClock extends Clock {
  advance(ms: number): void;
  /** Sleeps taken by a running loop, in ms (a sleep moves the clock by its length). */
  readonly slept: number[];
}

export function fakeClock(start = T0): FakeClock {
  let now = start;
  const slept: number[] = [];
  return {
    now: () => now,
    advance(ms) {
      now += ms;
    },
    slept,
    async sleep(ms, signal) {
      if (signal?.aborted) return;
      slept.push(ms);
      now += ms;
    },
  };
}

export interface SimTopic {
  name: string;
  partitions: number;
  /** Records written per second to each partition (0: an idle topic). */
  ratePerSec: number;
  /** Log end offset at T0. */
  startEnd?: number;
}

export interface SimGroup {
  id: string;
  topic: string;
  /** Members at a time (0: the group is Empty). */
  members: (t: number) => number;
  /** Committed offset of a partition at time t, given the partition's log end then. */
  committed: (t: number, p: number, endAt: (t: number) => number) => number | null;
  clientId?: string;
}

export const BROKERS: Broker[] = [{ id: 1, host: "b1", port: 9092 }];

export class SimCluster {
  readonly topics = new Map<string, SimTopic>();
  readonly groups = new Map<string, SimGroup>();
  /** Outcomes to return instead of a sample, in order (a broker outage). */
  readonly failures: SampleOutcome[] = [];
  samples = 0;
  readonly clusterId: string;

  constructor(clusterId = "sim-cluster") {
    this.clusterId = clusterId;
  }

  topic(t: SimTopic): this {
    this.topics.set(t.name, t);
    return this;
  }

  group(g: SimGroup): this {
    this.groups.set(g.id, g);
    return this;
  }

  endAt(topic: string, t: number): number {
    const s = this.topics.get(topic)!;
    return (s.startEnd ?? 1000) + Math.floor((s.ratePerSec * Math.max(0, t - T0)) / 1000);
  }

  snapshot(t: number): Snapshot {
    const topics = [...this.topics.values()].map((s) => ({
      name: s.name,
      internal: false,
      partitions: Array.from({ length: s.partitions }, (_, p) => ({
        partition: p,
        leader: 1,
        replicas: [1],
        isr: [1],
        offlineReplicas: [],
        startOffset: "0",
        endOffset: String(this.endAt(s.name, t)),
      })),
    }));
    const groups: Group[] = [...this.groups.values()].map((g) => {
      const topic = this.topics.get(g.topic)!;
      const n = g.members(t);
      const offsets: Record<string, string> = {};
      for (let p = 0; p < topic.partitions; p++) {
        const c = g.committed(t, p, (at) => this.endAt(g.topic, at));
        if (c !== null) offsets[String(p)] = String(c);
      }
      return {
        groupId: g.id,
        state: n > 0 ? "Stable" : "Empty",
        protocolType: "consumer",
        protocol: n > 0 ? "range" : "",
        members: Array.from({ length: n }, (_, m) => ({
          memberId: `${g.id}-member-${m}`,
          clientId: g.clientId ?? g.id,
          host: `/10.0.0.${m + 1}`,
          groupInstanceId: null,
          assignment: { [g.topic]: Array.from({ length: topic.partitions }, (_, p) => p).filter((p) => p % n === m) },
        })),
        offsets: { [g.topic]: offsets },
      };
    });
    return { at: new Date(t).toISOString(), controllerId: 1, brokersOnline: [1], topics, groups };
  }

  sampler(clock: Clock): Sampler {
    return {
      sample: async () => {
        this.samples++;
        const failure = this.failures.shift();
        if (failure) return failure;
        return { kind: "ok", sample: { snapshot: this.snapshot(clock.now()), brokers: BROKERS, clusterId: this.clusterId }, faults: [] };
      },
    };
  }
}

/** A consumer that keeps up: `behind` records short of the log end at every sample. */
export const keepsUp = (behind = 3) => (t: number, _p: number, endAt: (t: number) => number) => Math.max(0, endAt(t) - behind);

/** Keeps up until `at`, then its committed offset stays where it was. */
export const stopsAt = (at: number, behind = 3) => (t: number, p: number, endAt: (t: number) => number) => keepsUp(behind)(Math.min(t, at), p, endAt);
