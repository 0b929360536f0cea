/**
 * A large, deterministic `kafka-incident/v1` recording for the benchmark, built in memory:
 * by default 50 brokers, 250 topics x 20 partitions (5,000 partitions), 300 consumer groups,
 * 8 snapshots 60 s apart, with offsets growing at per-partition rates. Two problems are planted:
 * one poison partition (a committed offset stuck while the log and its siblings advance) and
 * one consumer group that goes Empty while its lag grows. Everything else is healthy noise.
 *
 * Seeded (mulberry32): the same options always build the same object. No clock, no Math.random.
 */
import type { IncidentInput } from "../contract/incident.ts";

export interface LargeIncidentOptions {
  seed?: number;
  brokers?: number;
  topics?: number;
  partitionsPerTopic?: number;
  groups?: number;
  snapshots?: number;
  intervalSec?: number;
}

export interface Planted {
  poison: { group: string; topic: string; partition: number; offset: string };
  consumerDown: { group: string; topics: string[] };
}

export interface LargeIncident {
  incident: IncidentInput;
  planted: Planted;
  stats: { brokers: number; topics: number; partitions: number; groups: number; snapshots: number; groupPartitions: number };
}

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    let t = (state = (state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    float: (lo: number, hi: number) => lo + next() * (hi - lo),
    chance: (p: number) => next() < p,
    hex: (n: number) => Array.from({ length: n }, () => "0123456789abcdef"[Math.floor(next() * 16)]).join(""),
  };
}

const DOMAINS = ["orders", "payments", "inventory", "shipping", "users", "search", "billing", "catalog", "fraud", "notify"];
const START = Date.parse("2026-11-02T03:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

export function largeIncident(options: LargeIncidentOptions = {}): LargeIncident {
  const o = { seed: 42, brokers: 50, topics: 250, partitionsPerTopic: 20, groups: 300, snapshots: 8, intervalSec: 60, ...options };
  const rng = prng(o.seed);
  const times = Array.from({ length: o.snapshots }, (_, k) => START + k * o.intervalSec * 1000);

  const brokers = Array.from({ length: o.brokers }, (_, i) => ({ id: i + 1, host: `b${i + 1}.kafka.prod-east.internal`, port: 9092, rack: `use1-az${(i % 3) + 1}` }));

  // Topics: a produce rate per partition (records/s), a log start and an end offset at t0.
  interface PartitionModel { rate: number; start: number; end0: number; replicas: number[] }
  const topics = Array.from({ length: o.topics }, (_, t) => {
    const name = `${DOMAINS[t % DOMAINS.length]}.events-${String(t).padStart(3, "0")}`;
    const base = rng.int(50, 400);
    const partitions: PartitionModel[] = Array.from({ length: o.partitionsPerTopic }, (_, p) => {
      const first = (t * o.partitionsPerTopic + p) % o.brokers;
      const replicas = [0, 1, 2].map((k) => ((first + k * 7) % o.brokers) + 1);
      const start = rng.int(0, 5_000_000);
      return { rate: Math.round(base * rng.float(0.85, 1.15)), start, end0: start + rng.int(10_000_000, 400_000_000), replicas };
    });
    return { name, partitions };
  });
  const endAt = (p: PartitionModel, k: number) => p.end0 + p.rate * o.intervalSec * k;

  // Groups: each reads 1 or 2 topics, with 2..8 members sharing the partitions round-robin.
  interface GroupModel { id: string; topics: number[]; members: { memberId: string; clientId: string; host: string }[]; lagSec: number }
  const groups: GroupModel[] = Array.from({ length: o.groups }, (_, g) => {
    const first = g % o.topics;
    const second = (g * 7 + 13) % o.topics;
    const read = rng.chance(0.3) && second !== first ? [first, second] : [first];
    const service = `${DOMAINS[first % DOMAINS.length]}-svc-${String(g).padStart(3, "0")}`;
    const members = Array.from({ length: rng.int(2, 8) }, (_, m) => ({
      memberId: `${service}-${m}-${rng.hex(8)}`,
      clientId: service,
      host: `/10.${20 + (g % 40)}.${m}.${rng.int(2, 250)}`,
    }));
    return { id: service, topics: read, members, lagSec: rng.float(0.5, 3) };
  });

  const poisonGroup = groups[17 % o.groups]!;
  const downGroup = groups[123 % o.groups]!;
  const poisonTopic = topics[poisonGroup.topics[0]!]!;
  const poisonPartition = 7 % o.partitionsPerTopic;
  const poisonModel = poisonTopic.partitions[poisonPartition]!;
  // The record the consumer keeps failing on: what it had reached at t0.
  const poisonOffset = endAt(poisonModel, 0) - Math.round(poisonModel.rate * 2);
  const downAfter = 2; // snapshots 0..1 healthy, then Empty

  // Committed offsets per group, topic, partition and snapshot: a few seconds behind the log
  // end (healthy), frozen for the planted problems.
  const lagDraws = groups.map((g) => g.topics.map(() => Array.from({ length: o.partitionsPerTopic }, () => Array.from({ length: o.snapshots }, () => rng.float(0.6, 1.4)))));
  const committedAt = (gi: number, ti: number, p: number, k: number): number => {
    const g = groups[gi]!;
    const model = topics[g.topics[ti]!]!.partitions[p]!;
    if (g === poisonGroup && ti === 0 && p === poisonPartition) return poisonOffset;
    const kk = g === downGroup ? Math.min(k, downAfter - 1) : k; // nobody commits once it is Empty
    return Math.max(model.start, endAt(model, kk) - Math.round(model.rate * g.lagSec * lagDraws[gi]![ti]![p]![kk]!));
  };

  const snapshots = times.map((at, k) => {
    const brokerMetrics: Record<string, { cpu: number; diskUsed: number; networkIn: number; networkOut: number; requestHandlerIdle: number; underReplicatedPartitions: number }> = {};
    for (const b of brokers) {
      brokerMetrics[String(b.id)] = {
        cpu: round(rng.float(0.2, 0.55)),
        diskUsed: round(rng.float(0.35, 0.7)),
        networkIn: round(rng.float(0.15, 0.5)),
        networkOut: round(rng.float(0.2, 0.6)),
        requestHandlerIdle: round(rng.float(0.6, 0.9)),
        underReplicatedPartitions: 0,
      };
    }
    const clientMetrics: Record<string, { recordsConsumedPerSec: number; recordsFailedPerSec: number; commitsPerSec: number; pollIntervalMsMax: number; processingMsP99: number; gcPauseMsP99: number; rebalancesPerHour: number }> = {};
    const groupsAt = groups.map((g, gi) => {
      const down = g === downGroup && k >= downAfter;
      const offsets: Record<string, Record<string, string>> = {};
      const assignment = new Map<string, Record<string, number[]>>(g.members.map((m) => [m.memberId, {}]));
      let slot = 0;
      let rate = 0;
      g.topics.forEach((t, ti) => {
        const topic = topics[t]!;
        const perTopic: Record<string, string> = {};
        topic.partitions.forEach((model, p) => {
          perTopic[String(p)] = String(committedAt(gi, ti, p, k));
          rate += model.rate;
          const member = g.members[slot++ % g.members.length]!;
          (assignment.get(member.memberId)![topic.name] ??= []).push(p);
        });
        offsets[topic.name] = perTopic;
      });
      if (!down) {
        const poisoned = g === poisonGroup;
        clientMetrics[g.id] = {
          recordsConsumedPerSec: Math.round(rate * (poisoned ? 0.95 : rng.float(0.97, 1.03))),
          recordsFailedPerSec: poisoned ? round(rng.float(4, 9)) : 0,
          commitsPerSec: round(g.members.length * 0.2),
          pollIntervalMsMax: rng.int(300, 2500),
          processingMsP99: round(rng.float(1, 12)),
          gcPauseMsP99: rng.int(5, 60),
          rebalancesPerHour: 0,
        };
      }
      return down
        ? { groupId: g.id, state: "Empty" as const, protocolType: "consumer", protocol: "", members: [], offsets }
        : {
            groupId: g.id,
            state: "Stable" as const,
            protocolType: "consumer",
            protocol: "cooperative-sticky",
            members: g.members.map((m) => ({ ...m, groupInstanceId: null, assignment: assignment.get(m.memberId)! })),
            offsets,
          };
    });
    return {
      at: iso(at),
      controllerId: 1,
      brokersOnline: brokers.map((b) => b.id),
      topics: topics.map((t) => ({
        name: t.name,
        internal: false,
        partitions: t.partitions.map((model, p) => ({
          partition: p,
          leader: model.replicas[0]!,
          replicas: model.replicas,
          isr: model.replicas,
          offlineReplicas: [],
          startOffset: String(model.start),
          endOffset: String(endAt(model, k)),
        })),
      })),
      groups: groupsAt,
      brokerMetrics,
      clientMetrics,
    };
  });

  const poisonName = `${poisonTopic.name}-${poisonPartition}`;
  const logs = [
    ...times.flatMap((at, k) => [
      { at: iso(at + 5_000), source: poisonGroup.id, level: "ERROR", message: `Error processing ${poisonName}@${poisonOffset}: com.fasterxml.jackson.core.JsonParseException: Unexpected character ('}' (code 125)), will retry (attempt ${k * 12 + 1})` },
      { at: iso(at + 20_000), source: "kafka-broker-7", level: "INFO", message: `[Log partition=${topics[3]!.name}-2] Rolled new log segment at offset ${endAt(topics[3]!.partitions[2]!, k)}` },
    ]),
    { at: iso(times[downAfter]! - 10_000), source: downGroup.id, level: "WARN", message: `[Consumer clientId=${downGroup.id}] Member left group after SIGTERM from the orchestrator (deployment rollout paused)` },
  ].sort((a, b) => a.at.localeCompare(b.at));

  const clientConfigs: Record<string, Record<string, string>> = {};
  for (const g of groups) {
    clientConfigs[g.id] = {
      "session.timeout.ms": "45000",
      "heartbeat.interval.ms": "3000",
      "max.poll.interval.ms": "300000",
      "max.poll.records": "500",
      "partition.assignment.strategy": "cooperative-sticky",
    };
  }
  const topicConfigs: Record<string, Record<string, string>> = {};
  for (const t of topics) topicConfigs[t.name] = { "retention.ms": "604800000", "cleanup.policy": "delete", "min.insync.replicas": "2" };

  const incident: IncidentInput = {
    format: "kafka-incident/v1",
    id: "bench-large-prod-east",
    title: `Benchmark: ${o.brokers} brokers, ${o.topics * o.partitionsPerTopic} partitions, ${o.groups} groups`,
    cluster: { id: "prod-east", flavor: "apache" },
    alert: {
      kind: "consumer_lag",
      summary: `${poisonGroup.id} lag growing on ${poisonName}`,
      labels: { group: poisonGroup.id, topic: poisonTopic.name },
      firedAt: iso(times.at(-1)!),
    },
    brokers,
    snapshots,
    clientConfigs,
    topicConfigs,
    logs,
  };
  return {
    incident,
    planted: {
      poison: { group: poisonGroup.id, topic: poisonTopic.name, partition: poisonPartition, offset: String(poisonOffset) },
      consumerDown: { group: downGroup.id, topics: downGroup.topics.map((t) => topics[t]!.name) },
    },
    stats: {
      brokers: o.brokers,
      topics: o.topics,
      partitions: o.topics * o.partitionsPerTopic,
      groups: o.groups,
      snapshots: o.snapshots,
      groupPartitions: groups.reduce((s, g) => s + g.topics.length * o.partitionsPerTopic, 0),
    },
  };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
