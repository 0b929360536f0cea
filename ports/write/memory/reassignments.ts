/**
 * Reassignment on the in-memory cluster, the way the controller does it: the new replicas are
 * added first (the replica set is target + original while the move runs, the adding ones out of
 * the ISR), and only when they have caught up does the set shrink to the target. Here "caught up"
 * is `cluster.reassignSteps` ListPartitionReassignments calls later (default 1), so a test can
 * hold a move in flight and see it through. A null target cancels: the original set comes back,
 * in the in-flight list's order as on Kafka 4.1 (so [1,2] -> [4,2] cancelled is [2,1]). A target
 * that only reorders the replicas completes at once.
 */
import type { OngoingReassignment, ReassignmentResult, ReplicaSize, TopicAdminPort } from "../topic-admin.ts";
import type { MemoryCluster, MemoryReassignment } from "./cluster.ts";

type ReassignMethods = Required<Pick<TopicAdminPort, "alterPartitionReassignments" | "listPartitionReassignments" | "replicaSizes" | "brokerRacks">>;

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export function memoryReassignments(cluster: MemoryCluster): ReassignMethods {
  const inFlight = () => (cluster.reassignments ??= new Map<string, MemoryReassignment>());
  const placementOf = (topic: string, partition: number) => cluster.topics.get(topic)?.partitions.find((p) => p.partition === partition);

  const complete = (r: MemoryReassignment) => {
    const p = placementOf(r.topic, r.partition);
    inFlight().delete(key(r.topic, r.partition));
    if (!p) return;
    p.replicas = [...r.target];
    p.isr = [...r.target];
    // The controller keeps a leader that stays in the set and elects the first target replica otherwise.
    if (p.leader === null || !r.target.includes(p.leader)) p.leader = r.target[0] ?? null;
  };

  return {
    async alterPartitionReassignments(changes) {
      return changes.map(({ topic, partition, replicas }): ReassignmentResult => {
        const p = placementOf(topic, partition);
        if (!p) return { topic, partition, error: "UNKNOWN_TOPIC_OR_PARTITION: no such partition" };
        const k = key(topic, partition);
        const running = inFlight().get(k);
        if (replicas === null) {
          if (!running) return { topic, partition, error: "NO_REASSIGNMENT_IN_PROGRESS: no reassignment of this partition is in flight" };
          inFlight().delete(k);
          // As Kafka does: the original set, in the order of the in-flight list (not the original order).
          p.replicas = p.replicas.filter((b) => running.original.includes(b));
          p.isr = p.isr.filter((b) => running.original.includes(b));
          if (p.leader === null || !running.original.includes(p.leader)) p.leader = p.isr[0] ?? null;
          return { topic, partition };
        }
        const unknown = replicas.find((b) => !cluster.brokers.some((x) => x.id === b));
        if (unknown !== undefined) return { topic, partition, error: `INVALID_REPLICA_ASSIGNMENT: broker ${unknown} is not in the cluster` };
        if (new Set(replicas).size !== replicas.length || replicas.length === 0) return { topic, partition, error: "INVALID_REPLICA_ASSIGNMENT: a replica set must name distinct brokers" };
        const original = running?.original ?? [...p.replicas];
        const move: MemoryReassignment = { topic, partition, original, target: [...replicas], steps: cluster.reassignSteps ?? 1 };
        if (!running && sameSet(original, replicas)) {
          // Only the order changes: nothing to copy, the controller completes it at once.
          p.replicas = [...replicas];
          return { topic, partition };
        }
        inFlight().set(k, move);
        p.replicas = [...replicas, ...original.filter((b) => !replicas.includes(b))];
        return { topic, partition };
      });
    },

    async listPartitionReassignments() {
      const out: OngoingReassignment[] = [];
      for (const r of [...inFlight().values()]) {
        if (r.steps <= 0) {
          complete(r);
          continue;
        }
        r.steps -= 1;
        const replicas = [...r.target, ...r.original.filter((b) => !r.target.includes(b))];
        out.push({ topic: r.topic, partition: r.partition, replicas, adding: r.target.filter((b) => !r.original.includes(b)), removing: r.original.filter((b) => !r.target.includes(b)) });
      }
      return out;
    },

    async brokerRacks() {
      return cluster.brokers.map((b) => ({ id: b.id, ...(b.rack !== undefined && { rack: b.rack }) }));
    },

    async replicaSizes(topics) {
      const out: ReplicaSize[] = [];
      for (const [name, t] of cluster.topics) {
        if (topics && !topics.includes(name)) continue;
        for (const p of t.partitions) {
          const bytes = cluster.partitionBytes?.get(key(name, p.partition)) ?? 0;
          // A replica being added has copied nothing yet here: it holds 0 until the move completes.
          const adding = inFlight().get(key(name, p.partition));
          for (const b of p.replicas) out.push({ broker: b, topic: name, partition: p.partition, bytes: adding && !adding.original.includes(b) ? 0 : bytes });
        }
      }
      return out;
    },
  };
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
