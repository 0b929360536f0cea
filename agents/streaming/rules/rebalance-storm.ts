import { evidence, finding, type Finding } from "../../finding.ts";
import type { GroupObservation } from "../observation.ts";

/**
 * The group keeps rebalancing: state churn, member churn, or the clients' own rebalance rate.
 * Two independent signals are needed, so one deployment's rolling restart does not count.
 */
export function rebalanceStorm({ group, metrics, config }: GroupObservation): Finding | null {
  if (group.protocolType !== "consumer") return null;
  const rate = metrics ? Math.max(...metrics.series.map((s) => s.metrics.rebalancesPerHour ?? 0)) : 0;
  const signals: string[] = [];
  if (group.rebalancingSamples >= 2) signals.push(`${group.rebalancingSamples} of ${group.history.length} samples rebalancing`);
  if (group.membershipChanges >= 2) signals.push(`membership changed ${group.membershipChanges} times`);
  // Evicted members rejoin under new ids: many more ids than members is churn even when the
  // samples happened to fall between rebalances.
  const peakMembers = Math.max(...group.history.map((h) => h.members), 1);
  if (group.distinctMembersSeen >= 1.5 * peakMembers && group.distinctMembersSeen - peakMembers >= 2) {
    signals.push(`${group.distinctMembersSeen} member ids seen for at most ${peakMembers} members`);
  }
  if (rate >= 6) signals.push(`${rate} rebalances/hour`);
  if (signals.length < 2 && rate < 20) return null;

  const causes = likelyCauses({ metrics, config });
  return finding(
    "streaming",
    "rebalance.storm",
    0.75 + 0.05 * signals.length + (causes.length ? 0.05 : 0),
    `group ${group.groupId} keeps rebalancing (${signals.join("; ")})${causes.length ? `: ${causes.map((c) => c.text).join("; ")}` : ""}`,
    {
      group: group.groupId,
      cause: causes[0]?.kind ?? "unexplained",
      "max.poll.records": config?.["max.poll.records"] ?? "500",
      "max.poll.interval.ms": config?.["max.poll.interval.ms"] ?? "300000",
      "session.timeout.ms": config?.["session.timeout.ms"] ?? "45000",
    },
    [
      evidence("consumer_groups", `${group.groupId} states: ${group.history.map((h) => `${h.state}/${h.members}m`).join(" -> ")}`),
      ...(rate ? [evidence("client_metrics", `rebalancesPerHour up to ${rate}`)] : []),
      ...causes.map((c) => evidence("consumer_config", c.text)),
    ],
  );
}

export interface StormCause {
  /** poll_interval: processing a batch outlasts max.poll.interval.ms; session_timeout: pauses outlast the session. */
  kind: "poll_interval" | "session_timeout";
  text: string;
}

/** Why members get kicked out: processing outlasting the poll interval, or GC outlasting the session. */
export function likelyCauses({ metrics, config }: Pick<GroupObservation, "metrics" | "config">): StormCause[] {
  if (!metrics) return [];
  const causes: StormCause[] = [];
  const worst = (key: "pollIntervalMsMax" | "gcPauseMsP99" | "processingMsP99") =>
    Math.max(0, ...metrics.series.map((s) => s.metrics[key] ?? 0));
  const maxPoll = Number(config?.["max.poll.interval.ms"] ?? 300000);
  const session = Number(config?.["session.timeout.ms"] ?? 45000);
  const records = Number(config?.["max.poll.records"] ?? 500);
  const poll = worst("pollIntervalMsMax");
  if (poll > maxPoll) causes.push({ kind: "poll_interval", text: `time between polls reached ${poll} ms, above max.poll.interval.ms ${maxPoll}` });
  const batch = worst("processingMsP99") * records;
  if (!causes.length && batch > maxPoll) {
    causes.push({ kind: "poll_interval", text: `max.poll.records ${records} x p99 processing ${worst("processingMsP99")} ms = ${batch} ms, above max.poll.interval.ms ${maxPoll}` });
  }
  const gc = worst("gcPauseMsP99");
  if (gc > session) causes.push({ kind: "session_timeout", text: `GC pauses of ${gc} ms exceed session.timeout.ms ${session}` });
  return causes;
}
