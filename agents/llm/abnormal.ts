/**
 * What "a tool result shows the abnormal value" means, per diagnosis code: the tool that
 * measures the symptom, and a predicate over that tool's typed result for the finding's
 * entity. A model finding on an entity the rules read as healthy stands only when it cites,
 * by id, one of the model's own reads whose result passes this check: the model may have seen
 * what the rules did not, but it has to point at the number.
 *
 * Codes with no entry here (broker saturation, data quality) cannot be raised by a model on
 * an entity the rules found healthy: their symptom is a judgement over series and thresholds
 * that only the rules make.
 */
import type { DiagnosisCode } from "../../contract/vocabulary.ts";

export interface Subject {
  group?: string | undefined;
  topic?: string | undefined;
  partition?: number | undefined;
  broker?: number | undefined;
  subject?: string | undefined;
  dlqTopic?: string | undefined;
}

type Obj = Record<string, unknown>;
type Check = { tool: string; shows: (value: Obj, s: Subject) => boolean };

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : []);
const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const matches = (want: string | number | undefined, got: unknown) => want === undefined || want === got;

/** consumer_group_lag of the finding's group: some partition (the named one, if any) is behind. */
const behind: Check = {
  tool: "consumer_group_lag",
  shows: (v, s) =>
    s.group !== undefined && v.group === s.group &&
    list(v.partitions).some((p) => matches(s.topic, p.topic) && matches(s.partition, p.partition) && num(p.lagLatest) > 0),
};

/** topic_partitions of the finding's topic: a partition (the named one, if any) with the defect. */
const partitionDefect = (defect: (p: Obj) => boolean): Check => ({
  tool: "topic_partitions",
  shows: (v, s) =>
    s.topic !== undefined &&
    list(v.topics).some((t) => t.name === s.topic && list(t.partitions).some((p) => matches(s.partition, p.partition) && defect(p))),
});
const len = (v: unknown) => (Array.isArray(v) ? v.length : 0);

export const ABNORMAL: Partial<Record<DiagnosisCode, Check[]>> = {
  "lag.slow_consumer": [behind],
  "lag.partition_bound": [behind],
  "lag.hot_partition": [behind],
  "lag.poison_message": [behind],
  "lag.consumer_down": [behind],
  "lag.recovering": [behind],
  "partition.under_provisioned": [behind],
  "rebalance.storm": [
    {
      tool: "consumer_groups",
      shows: (v, s) => list(v.groups).some((g) => g.groupId === s.group && (num(g.rebalancingSamples) > 0 || num(g.membershipChanges) > 0)),
    },
  ],
  "replication.under_replicated": [partitionDefect((p) => len(p.isr) < len(p.replicas))],
  "replication.offline": [
    partitionDefect((p) => p.leader === -1 || len(p.offlineReplicas) > 0),
    { tool: "cluster_overview", shows: (v, s) => s.broker !== undefined && Array.isArray(v.offlineBrokers) && v.offlineBrokers.includes(s.broker) },
  ],
  "cluster.imbalance": [{ tool: "cluster_overview", shows: (v) => num(v.preferredLeaderMismatches) > 0 }],
  "dlq.transient": [dlqHas()],
  "dlq.schema_mismatch": [dlqHas()],
  "dlq.poison": [dlqHas()],
  "dlq.business_logic": [dlqHas()],
  "schema.incompatible_change": [{ tool: "schema_compatibility", shows: (v, s) => s.subject !== undefined && v.subject === s.subject && v.compatible === false }],
};

/** dlq_records of the finding's DLQ topic (or topic) holds records. */
function dlqHas(): Check {
  return {
    tool: "dlq_records",
    shows: (v, s) => {
      const topic = s.dlqTopic ?? s.topic;
      return topic !== undefined && list(v.topics).some((t) => t.topic === topic && len(t.records) > 0);
    },
  };
}

/** Whether the result of a `tool` read shows the abnormal value of `code` for the subject. */
export function showsAbnormal(code: DiagnosisCode, tool: string, value: unknown, subject: Subject): boolean {
  if (!isObj(value)) return false;
  return (ABNORMAL[code] ?? []).some((c) => c.tool === tool && c.shows(value, subject));
}
