/**
 * A healthy bystander: one more topic, written steadily, and one more group that reads it and
 * is caught up (committed = log end in every snapshot), with one stable member, client metrics
 * that match (consumed = produced, nothing failed, fast processing, no rebalances) and default
 * configs where the recording has configs at all.
 *
 * Its partitions sit only on brokers that answered in every snapshot and already host
 * replicas, one partition led by each such broker with its replicas rotating, fully in sync:
 * every such broker gets the same number of extra replicas and leaders, so the bystander
 * neither hides nor creates a replica or leadership skew, and an empty new broker stays empty.
 */
import type { Group, Incident, Partition, Topic } from "../../contract/incident.ts";
import { Rng } from "../../fixtures/generator/prng.ts";

export interface DistractorParams {
  seed: number;
  /** Records per second written to each partition. */
  ratePerSec: number;
}

function healthyBrokers(incident: Incident): number[] {
  const last = incident.snapshots.at(-1)!;
  const hosting = new Set(last.topics.flatMap((t) => t.partitions.flatMap((p) => p.replicas)));
  const known = new Set([...incident.brokers.map((b) => b.id), ...hosting]);
  const online = (id: number) => incident.snapshots.every((s) => !s.brokersOnline || s.brokersOnline.includes(id));
  const offline = new Set(incident.snapshots.flatMap((s) => s.topics.flatMap((t) => t.partitions.flatMap((p) => p.offlineReplicas))));
  return [...known].filter((id) => hosting.has(id) && online(id) && !offline.has(id)).sort((a, b) => a - b);
}

export function addDistractor(incident: Incident, params: DistractorParams): { incident: Incident; note: string } {
  const rng = new Rng(`distractor/${params.seed}`);
  const tag = rng.hex(6);
  const topicName = `bystander-${tag}-events`;
  const groupId = `bystander-${tag}-reader`;
  const brokers = healthyBrokers(incident);
  if (!brokers.length) return { incident, note: "no healthy broker to place a bystander on: unchanged" };
  const rf = Math.min(3, brokers.length);
  const t0 = Date.parse(incident.snapshots[0]!.at);
  const base = BigInt(rng.int(1_000, 5_000_000));

  const partitions = (at: string): Partition[] =>
    brokers.map((_, i) => {
      const replicas = Array.from({ length: rf }, (_, r) => brokers[(i + r) % brokers.length]!);
      const end = base + BigInt(Math.round((params.ratePerSec * (Date.parse(at) - t0)) / 1000));
      return { partition: i, leader: replicas[0]!, replicas, isr: [...replicas], offlineReplicas: [], startOffset: "0", endOffset: end.toString() };
    });

  for (const s of incident.snapshots) {
    // Sections a snapshot did not record stay unrecorded: the bystander appears where its kind was read.
    const ps = partitions(s.at);
    if (s.topics.length) s.topics.push({ name: topicName, internal: false, partitions: ps } satisfies Topic);
    if (s.groups.length) {
      s.groups.push({
        groupId,
        state: "Stable",
        protocolType: "consumer",
        protocol: "cooperative-sticky",
        members: [{ memberId: `${groupId}-1-${rng.fork("member").uuid()}`, clientId: `${groupId}-1`, host: "/10.250.0.9", groupInstanceId: null, assignment: { [topicName]: ps.map((p) => p.partition) } }],
        offsets: { [topicName]: Object.fromEntries(ps.map((p) => [String(p.partition), p.endOffset])) },
      } satisfies Group);
    }
    if (s.clientMetrics) {
      s.clientMetrics[groupId] = { recordsConsumedPerSec: params.ratePerSec * ps.length, recordsFailedPerSec: 0, commitsPerSec: 1, pollIntervalMsMax: 400, processingMsP99: 1, gcPauseMsP99: 8, rebalancesPerHour: 0 };
    }
  }
  if (incident.clientConfigs) {
    incident.clientConfigs[groupId] = { "session.timeout.ms": "45000", "heartbeat.interval.ms": "3000", "max.poll.interval.ms": "300000", "max.poll.records": "500", "partition.assignment.strategy": "cooperative-sticky" };
  }
  if (incident.topicConfigs) incident.topicConfigs[topicName] = { "cleanup.policy": "delete", "retention.ms": "604800000" };
  return { incident, note: `topic ${topicName} (${brokers.length} partitions on brokers ${brokers.join(",")}, ${params.ratePerSec}/s each) read by ${groupId}, caught up` };
}
