/**
 * The Streaming agent: lag, partitions, rebalances, DLQs, replication and balance.
 * Reads the cluster-wide picture in one concurrent wave, then every consumer group's lag,
 * metrics and settings in a second, and runs the rules over what came back.
 */
import { valueOf, type Agent } from "../agent.ts";
import { tp, type Finding } from "../finding.ts";
import { observeGroups } from "./observe.ts";
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
import { unexplainedLag } from "./rules/unexplained-lag.ts";
import { withDeletedUnread } from "./rules/deleted-unread.ts";
import type { GroupObservation } from "./observation.ts";
import type { GroupLagView } from "../../contract/report.ts";
import type { Fault } from "../../ports/faults.ts";
import type { GroupView } from "../../tools/kafka/consumer-groups.ts";

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

/** Every group rule's findings, then `unknown` for abnormal lag none of them explained. */
export function judgeGroup(o: GroupObservation): Finding[] {
  const found = GROUP_RULES.map((rule) => rule(o)).filter((f): f is Finding => f !== null);
  if (!found.length) {
    const unexplained = unexplainedLag(o);
    if (unexplained) found.push(unexplained);
  }
  return withDeletedUnread(o, found);
}

export const streamingAgent: Agent = {
  name: "streaming",
  async investigate({ call, thresholds, alert }) {
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
      const skew = imbalance(overview, thresholds.for());
      if (skew) findings.push(skew);
    }
    for (const dlq of valueOf(dlqR)?.topics ?? []) {
      const f = dlqFailures(dlq);
      if (f) findings.push(f);
    }
    const leaders = new Map<string, number>();
    for (const t of topics) for (const p of t.partitions) leaders.set(tp(t.name, p.partition), p.leader);
    const listed = valueOf(groupsR)?.groups ?? [];
    const groups = listed.filter((g) => g.protocolType === "consumer" && !notAnalysed(g));
    const observations = await observeGroups(call, groups, {
      leaders,
      brokers: valueOf(brokersR),
      logs: valueOf(logsR)?.lines ?? [],
      alert,
      thresholds,
    });
    for (const o of observations) findings.push(...judgeGroup(o));
    return { findings, missing: listed.filter(notAnalysed).map(notAnalysedFault), lag: observations.map(lagView) };
  },
};

/** Streams (KIP-1071) and share (KIP-932) groups: listed, never judged by the consumer group rules. */
const notAnalysed = (g: GroupView): g is GroupView & { type: "streams" | "share" } => g.type === "streams" || g.type === "share";

/** Named in the report's missing evidence, so a reader knows the group was seen and left alone. */
function notAnalysedFault(g: GroupView & { type: "streams" | "share" }): Fault {
  return { tool: "consumer_groups", kind: "notRecorded", what: "analysis", entity: { group: g.groupId }, reason: `a ${g.type} group: not analysed`, retriable: false };
}

/** A group's partitions as the report lists them: lag in records and seconds, and the window's status. */
export function lagView(o: GroupObservation): GroupLagView {
  return {
    group: o.group.groupId,
    samples: o.lag.samples,
    partitions: o.lag.partitions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      status: o.window(p).status,
      lag: p.lagLatest,
      lagSeconds: p.lagSecondsLatest,
      lagSecondsExtrapolated: p.lagSecondsExtrapolated,
      timeToCatchUpSec: p.timeToCatchUpSec,
      owner: p.owner,
      lagBySample: p.lag,
      lagSecondsBySample: p.lagSeconds,
    })),
  };
}
