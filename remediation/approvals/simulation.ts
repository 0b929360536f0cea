/**
 * The cluster a replay's dry runs and applies act on: an in-memory estate seeded from the
 * recorded incident's last snapshot (brokers, topics with placement, log starts, configs and
 * the sampled records, groups with members and committed offsets, one simulated deployment per
 * group). Nothing here reaches a real cluster; everything that reports on it says "simulation".
 */
import type { Incident } from "../../contract/incident.ts";
import { emptyCluster, memoryWritePorts, type MemoryCluster } from "../../ports/write/memory/index.ts";
import type { MovedRecord } from "../../ports/write/record-mover.ts";
import type { WritePorts } from "../../ports/write/ports.ts";

export function simulationLabel(incident: Pick<Incident, "id">): string {
  return `simulation on recorded incident ${incident.id} (in memory: no cluster is changed)`;
}

export function simulationPorts(incident: Incident): WritePorts {
  return memoryWritePorts(simulationCluster(incident), simulationLabel(incident));
}

export function simulationCluster(incident: Incident): MemoryCluster {
  const last = incident.snapshots[incident.snapshots.length - 1]!;
  const brokerIds = incident.brokers.length ? incident.brokers.map((b) => b.id) : (last.brokersOnline ?? [1]);
  const cluster = emptyCluster(brokerIds);
  for (const b of incident.brokers) if (b.rack) cluster.brokers.find((x) => x.id === b.id)!.rack = b.rack;
  const recorded = { ...incident.samples, ...incident.dlq };
  for (const topic of last.topics) {
    const partitions = [...topic.partitions].sort((a, b) => a.partition - b.partition);
    const count = partitions.length ? partitions[partitions.length - 1]!.partition + 1 : 0;
    const records: MovedRecord[][] = Array.from({ length: count }, () => []);
    for (const r of recorded[topic.name] ?? []) {
      records[r.partition]?.push({
        topic: topic.name,
        partition: r.partition,
        offset: r.offset,
        key: r.key === null ? null : Buffer.from(r.key),
        value: r.value === null ? null : Buffer.from(r.value),
        headers: Object.entries(r.headers).map(([key, value]) => ({ key, value: Buffer.from(value) })),
        timestamp: r.timestamp,
      });
    }
    for (const list of records) list.sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
    cluster.topics.set(topic.name, {
      partitions: partitions.map((p) => ({ partition: p.partition, leader: p.leader < 0 ? null : p.leader, replicas: [...p.replicas], isr: [...p.isr] })),
      records,
      logStart: Array.from({ length: count }, (_, i) => Number(partitions.find((p) => p.partition === i)?.startOffset ?? 0)),
      // The recording holds a few sampled records; the log end is what the broker reported.
      logEnd: Array.from({ length: count }, (_, i) => Number(partitions.find((p) => p.partition === i)?.endOffset ?? 0)),
      configs: { ...incident.topicConfigs?.[topic.name] },
    });
  }
  for (const group of last.groups) {
    cluster.groups.set(group.groupId, {
      state: group.state,
      members: group.members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        host: m.host,
        assignment: Object.entries(m.assignment).map(([topic, partitions]) => ({ topic, partitions: [...partitions] })),
      })),
      offsets: Object.fromEntries(Object.entries(group.offsets).map(([topic, byPartition]) => [topic, Object.fromEntries(Object.entries(byPartition).map(([p, o]) => [Number(p), o]))])),
    });
    cluster.deployments.set(group.groupId, {
      replicas: group.members.length,
      config: { ...incident.clientConfigs?.[group.groupId] },
      running: group.members.length > 0,
    });
  }
  return cluster;
}
