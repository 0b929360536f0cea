import { z } from "zod";
import { defineTool, passThrough } from "../define-tool.ts";

const BrokerView = z.object({
  id: z.number(),
  host: z.string(),
  rack: z.string().optional(),
  online: z.boolean().describe("answered in the latest sample"),
  replicas: z.number().describe("partition replicas hosted"),
  leaders: z.number().describe("partitions led"),
});

export const clusterOverview = defineTool({
  name: "cluster_overview",
  description:
    "Brokers online, controller, replica and leader counts per broker, and under-replicated / offline partition counts over the sampling window.",
  input: z.object({}),
  output: z.object({
    controllerId: z.number().nullable(),
    brokers: z.array(BrokerView),
    offlineBrokers: z.array(z.number()),
    topics: z.number(),
    partitions: z.number(),
    partitionsWithoutReplicas: z.number().describe("latest sample, partitions whose metadata lists no replicas: replica counts per broker are then incomplete"),
    underReplicatedPartitions: z.number().describe("latest sample, partitions with a leader and isr < replicas"),
    offlinePartitions: z.number().describe("latest sample, partitions without a leader"),
    preferredLeaderMismatches: z.number().describe("partitions whose leader is not their first (preferred) replica"),
    samples: z.array(
      z.object({ at: z.string(), brokersOnline: z.number().nullable(), underReplicated: z.number(), offline: z.number() }),
    ),
  }),
  async run(ports) {
    const [brokers, cluster, topics] = await Promise.all([
      ports.metadata.brokers(),
      ports.metadata.cluster(),
      ports.metadata.topics(),
    ]);
    if (cluster.kind !== "ok") return passThrough(cluster);
    if (topics.kind !== "ok") return passThrough(topics);
    const known = brokers.kind === "ok" ? brokers.value : [];

    const samples = topics.value.map((sample, i) => {
      let underReplicated = 0;
      let offline = 0;
      for (const topic of sample.value) {
        for (const p of topic.partitions) {
          if (p.leader < 0) offline++;
          else if (p.isr.length < p.replicas.length) underReplicated++;
        }
      }
      const online = cluster.value[i]?.value.brokersOnline;
      return { at: sample.at, brokersOnline: online ? online.length : null, underReplicated, offline };
    });

    const latestTopics = topics.value.at(-1)!.value;
    const latestCluster = cluster.value.at(-1)!.value;
    const replicas = new Map<number, number>();
    const leaders = new Map<number, number>();
    let partitions = 0;
    let preferredLeaderMismatches = 0;
    let partitionsWithoutReplicas = 0;
    for (const topic of latestTopics) {
      for (const p of topic.partitions) {
        partitions++;
        if (p.replicas.length === 0) partitionsWithoutReplicas++;
        for (const r of p.replicas) replicas.set(r, (replicas.get(r) ?? 0) + 1);
        if (p.leader >= 0) {
          leaders.set(p.leader, (leaders.get(p.leader) ?? 0) + 1);
          if (p.replicas[0] !== undefined && p.leader !== p.replicas[0]) preferredLeaderMismatches++;
        }
      }
    }
    const ids = new Set([...known.map((b) => b.id), ...replicas.keys(), ...(latestCluster.brokersOnline ?? [])]);
    const online = latestCluster.brokersOnline ? new Set(latestCluster.brokersOnline) : null;
    const brokerViews = [...ids]
      .sort((a, b) => a - b)
      .map((id) => {
        const b = known.find((k) => k.id === id);
        return {
          id,
          host: b?.host ?? "unknown",
          ...(b?.rack ? { rack: b.rack } : {}),
          online: online ? online.has(id) : true,
          replicas: replicas.get(id) ?? 0,
          leaders: leaders.get(id) ?? 0,
        };
      });
    const last = samples.at(-1)!;
    const offlineBrokers = brokerViews.filter((b) => !b.online).map((b) => b.id);
    return {
      kind: "ok",
      value: {
        controllerId: latestCluster.controllerId,
        brokers: brokerViews,
        offlineBrokers,
        topics: latestTopics.length,
        partitions,
        underReplicatedPartitions: last.underReplicated,
        offlinePartitions: last.offline,
        preferredLeaderMismatches,
        partitionsWithoutReplicas,
        samples,
      },
      summary: `${brokerViews.length - offlineBrokers.length}/${brokerViews.length} brokers online, ${partitions} partitions, ${last.underReplicated} under-replicated, ${last.offline} offline`,
    };
  },
});
