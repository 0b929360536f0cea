/**
 * Gathers what the group rules read: one observation per consumer group, from the group's
 * lag, client metrics and settings (read concurrently) plus the cluster-wide reads.
 */
import { valueOf, type CallTool } from "../agent.ts";
import type { Thresholds } from "../../config/thresholds/index.ts";
import type { GroupView } from "../../tools/kafka/consumer-groups.ts";
import { windowsOf, type GroupObservation } from "./observation.ts";

export type SharedReads = Pick<GroupObservation, "leaders" | "brokers" | "logs" | "alert"> & { thresholds: Thresholds };

export async function observeGroups(call: CallTool, groups: readonly GroupView[], shared: SharedReads): Promise<GroupObservation[]> {
  const observed = await Promise.all(
    groups.map(async (group): Promise<GroupObservation | null> => {
      const [lagR, metricsR, configR] = await Promise.all([
        call("consumer_group_lag", { group: group.groupId }),
        call("client_metrics", { group: group.groupId }),
        call("consumer_config", { group: group.groupId }),
      ]);
      const lag = valueOf(lagR);
      if (!lag) return null;
      const { thresholds, ...rest } = shared;
      return {
        ...rest,
        group,
        lag,
        metrics: valueOf(metricsR),
        config: valueOf(configR)?.effective,
        // Group-level rules: resolved for the group and, when it reads one topic, that topic too,
        // so a per-topic override reaches them; per-partition judgement uses each partition's topic.
        thresholds: thresholds.for({ group: group.groupId, topic: soleTopic(lag) }),
        window: windowsOf(lag, (topic) => thresholds.for({ group: group.groupId, topic })),
      };
    }),
  );
  return observed.filter((o): o is GroupObservation => o !== null);
}

function soleTopic(lag: { partitions: readonly { topic: string }[] }): string | undefined {
  const topics = new Set(lag.partitions.map((p) => p.topic));
  return topics.size === 1 ? [...topics][0] : undefined;
}
