/**
 * What was checked and found normal, from the tool values the Incident Debugging agent read:
 * the root cause of a `healthy` verdict says this ("group orders-svc: 12 partitions, lag at
 * most 13 records over 5 samples, consuming 35.8/s vs producing 35.8/s; topic orders written at
 * 35.8/s; 3 of 3 brokers online, 0 under-replicated and 0 offline partitions; no DLQ records;
 * 2 schema subjects, no version registered during the window"), never "no pattern matched".
 * Pure: a read that did not answer contributes nothing here (it is a fault elsewhere).
 */
import { formatNumber } from "../../contract/numbers.ts";
import type { ToolValue } from "../../tools/registry.ts";

export interface HealthSources {
  /** Lag of the groups to speak of (the alert's, or every group read), by group id. */
  lags: ToolValue<"consumer_group_lag">[];
  /** How many groups the cluster has, when no one group is the subject. */
  groupsRead: number | undefined;
  /** The topics to speak of (the alert's), from topic_partitions. */
  topics: ToolValue<"topic_partitions">["topics"];
  window: ToolValue<"topic_partitions">["window"] | undefined;
  overview: ToolValue<"cluster_overview"> | undefined;
  dlq: ToolValue<"dlq_records"> | undefined;
  subjects: ToolValue<"schema_subjects"> | undefined;
}

const n = (x: number) => formatNumber(x, 1);
const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

export function healthChecks(s: HealthSources): string[] {
  const out: string[] = [];
  if (s.lags.length === 1) out.push(groupLine(s.lags[0]!));
  else if (s.lags.length > 1) out.push(groupsLine(s.lags, s.groupsRead ?? s.lags.length));
  for (const t of s.topics) out.push(`topic ${t.name}: ${plural(t.partitions.length, "partition")}, written at ${n(t.writeRatePerSec)}/s`);
  if (s.overview) {
    const o = s.overview;
    const online = o.brokers.length - o.offlineBrokers.length;
    out.push(`${online} of ${plural(o.brokers.length, "broker")} online, ${o.underReplicatedPartitions} under-replicated and ${o.offlinePartitions} offline partitions`);
  }
  if (s.dlq) {
    const records = s.dlq.topics.reduce((a, t) => a + t.records.length, 0);
    out.push(records === 0 ? "no DLQ records" : `${plural(records, "DLQ record")} in ${plural(s.dlq.topics.length, "topic")}`);
  }
  if (s.subjects) out.push(subjectsLine(s.subjects, s.window));
  return out;
}

function maxLag(lag: ToolValue<"consumer_group_lag">): number {
  let max = 0;
  for (const p of lag.partitions) for (const l of p.lag) if (l !== null && l > max) max = l;
  return max;
}

function groupLine(lag: ToolValue<"consumer_group_lag">): string {
  const samples = plural(lag.samples.length, "sample");
  return `group ${lag.group}: ${plural(lag.partitions.length, "partition")}, lag at most ${plural(maxLag(lag), "record")} over ${samples}, consuming ${n(lag.consumeRatePerSec)}/s vs producing ${n(lag.produceRatePerSec)}/s`;
}

function groupsLine(lags: readonly ToolValue<"consumer_group_lag">[], groups: number): string {
  const partitions = lags.reduce((a, l) => a + l.partitions.length, 0);
  const worst = lags.reduce((a, l) => Math.max(a, maxLag(l)), 0);
  return `${plural(groups, "group")}: ${plural(partitions, "partition")}, lag at most ${plural(worst, "record")} on any`;
}

function subjectsLine(subjects: ToolValue<"schema_subjects">, window: HealthSources["window"]): string {
  const count = plural(subjects.subjects.length, "schema subject");
  const versions = subjects.subjects.flatMap((s) => s.versions);
  if (!window || !versions.length || versions.some((v) => v.registeredAt === undefined)) return count;
  const during = versions.filter((v) => v.registeredAt! >= window.from && v.registeredAt! <= window.to).length;
  return during === 0 ? `${count}, no version registered during the window` : `${count}, ${plural(during, "version")} registered during the window`;
}
