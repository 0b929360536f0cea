/**
 * The Streaming agent: lag, partitions, rebalances, DLQs, replication and balance.
 * Reads the cluster-wide picture in one concurrent wave, then every consumer group's lag,
 * metrics and settings in a second, and runs the rules over what came back.
 */
import { valueOf, type Agent } from "../agent.ts";
import { tp, type Finding } from "../finding.ts";
import type { GroupObservation } from "./observation.ts";
import { brokerSaturated } from "./rules/broker-saturated.ts";
import { consumerDown } from "./rules/consumer-down.ts";
import { dlqFailures } from "./rules/dlq-failures.ts";
import { hotPartition } from "./rules/hot-partition.ts";
import { imbalance } from "./rules/imbalance.ts";
import { lagGrowth } from "./rules/lag-growth.ts";
import { poisonMessage } from "./rules/poison-message.ts";
import { rebalanceStorm } from "./rules/rebalance-storm.ts";
import { recovering } from "./rules/recovering.ts";
import { offlinePartitions, underReplicated } from "./rules/replication.ts";
import { underProvisioned } from "./rules/under-provisioned.ts";

/** Rules over one consumer group, most specific first. */
export const GROUP_RULES = [
  consumerDown,
  rebalanceStorm,
  poisonMessage,
  brokerSaturated,
  hotPartition,
  recovering,
  lagGrowth,
  underProvisioned,
] as const satisfies readonly ((o: GroupObservation) => Finding | null)[];

export const streamingAgent: Agent = {
  name: "streaming",
  async investigate({ call }) {
    const [overviewR, topicsR, groupsR, brokersR, dlqR, logsR] = await Promise.all([
      call("cluster_overview", {}),
      call("topic_partitions", {}),
      call("consumer_groups", {}),
      call("broker_metrics", {}),
      call("dlq_records", {}),
      call("search_logs", { minLevel: "WARN", limit: 500 }),
    ]);
    const findings: Finding[] = [];
    const overview = valueOf(overviewR);
    const topics = valueOf(topicsR)?.topics ?? [];
    if (overview) {
      for (const rule of [offlinePartitions, underReplicated]) {
        const f = rule(topics, overview);
        if (f) findings.push(f);
      }
      const skew = imbalance(overview);
      if (skew) findings.push(skew);
    }
    for (const dlq of valueOf(dlqR)?.topics ?? []) {
      const f = dlqFailures(dlq);
      if (f) findings.push(f);
    }

    const leaders = new Map<string, number>();
    for (const t of topics) for (const p of t.partitions) leaders.set(tp(t.name, p.partition), p.leader);
    const brokers = valueOf(brokersR);
    const logs = valueOf(logsR)?.lines ?? [];
    const groups = (valueOf(groupsR)?.groups ?? []).filter((g) => g.protocolType === "consumer");

    const observations = await Promise.all(
      groups.map(async (group): Promise<GroupObservation | null> => {
        const [lagR, metricsR, configR] = await Promise.all([
          call("consumer_group_lag", { group: group.groupId }),
          call("client_metrics", { group: group.groupId }),
          call("consumer_config", { group: group.groupId }),
        ]);
        const lag = valueOf(lagR);
        if (!lag) return null;
        return { group, lag, metrics: valueOf(metricsR), config: valueOf(configR)?.effective, leaders, brokers, logs };
      }),
    );
    for (const observation of observations) {
      if (!observation) continue;
      for (const rule of GROUP_RULES) {
        const f = rule(observation);
        if (f) findings.push(f);
      }
    }
    return { findings, missing: [] };
  },
};
