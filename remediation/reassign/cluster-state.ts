/**
 * What the planner weighs, read from a cluster through the topic admin port: every partition's
 * replicas and ISR (internal topics left out: no action touches them), the brokers with their
 * racks, and, when the adapter can read log dirs, each partition's size (its largest replica)
 * so moves weigh bytes and batches say how much they copy.
 */
import type { TopicAdminPort } from "../../ports/write/topic-admin.ts";
import { internalTopic } from "../guards.ts";
import type { BrokerInfo, PartitionState } from "./plan-format.ts";

export interface ClusterState {
  partitions: PartitionState[];
  brokers: BrokerInfo[];
  /** Internal topics left out, by name. */
  skipped: string[];
}

export async function readClusterState(topics: TopicAdminPort, options: { sizes?: boolean } = {}): Promise<ClusterState> {
  const all = await topics.describeTopics();
  const skipped = all.filter((t) => internalTopic(t.name) !== null).map((t) => t.name).sort();
  const kept = all.filter((t) => !skipped.includes(t.name)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const racks: { id: number; rack?: string }[] = topics.brokerRacks ? await topics.brokerRacks() : (await topics.brokerIds()).map((id) => ({ id }));
  const size = new Map<string, number>();
  if (options.sizes !== false && topics.replicaSizes && kept.length) {
    for (const s of await topics.replicaSizes(kept.map((t) => t.name))) {
      const k = `${s.topic}\u0000${s.partition}`;
      size.set(k, Math.max(size.get(k) ?? 0, s.bytes));
    }
  }
  const partitions: PartitionState[] = kept.flatMap((t) =>
    t.partitions.map((p) => {
      const bytes = size.get(`${t.name}\u0000${p.partition}`);
      return { topic: t.name, partition: p.partition, replicas: [...p.replicas], isr: [...p.isr], ...(bytes !== undefined && { sizeBytes: bytes }) };
    }),
  );
  const brokers: BrokerInfo[] = racks.map((b) => ({ id: b.id, ...(b.rack !== undefined && { rack: b.rack }) })).sort((a, b) => a.id - b.id);
  return { partitions, brokers, skipped };
}
