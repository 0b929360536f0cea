import { consumerNumber, consumerSetting } from "../../../config/consumer-defaults.ts";
import type { ThresholdValues } from "../../../config/thresholds/index.ts";
import { evidence, finding, type Finding, say } from "../../finding.ts";
import { dominantTopic, type GroupObservation } from "../observation.ts";

/** Each extra signal, and a known cause, make the storm more certain. */
const CONFIDENCE = { base: 0.75, perSignal: 0.05, knownCause: 0.05 } as const;

/**
 * The group keeps rebalancing: state churn, member churn, or the clients' own rebalance rate.
 * Two independent signals are needed, so one deployment's rolling restart does not count.
 */
export function rebalanceStorm(o: GroupObservation, t: ThresholdValues = o.thresholds): Finding | null {
  const { group, metrics, config } = o;
  if (group.protocolType !== "consumer") return null;
  const rate = metrics ? Math.max(...metrics.series.map((s) => s.metrics.rebalancesPerHour ?? 0)) : 0;
  const signals: string[] = [];
  if (group.rebalancingSamples >= t["rebalance.minRebalancingSamples"]) signals.push(say`${group.rebalancingSamples} of ${group.history.length} samples rebalancing`);
  if (group.membershipChanges >= t["rebalance.minMembershipChanges"]) signals.push(say`membership changed ${group.membershipChanges} times`);
  // Evicted members rejoin under new ids: many more ids than members is churn even when the
  // samples happened to fall between rebalances.
  const peakMembers = Math.max(...group.history.map((h) => h.members), 1);
  if (
    group.distinctMembersSeen >= t["rebalance.memberIdChurnFactor"] * peakMembers &&
    group.distinctMembersSeen - peakMembers >= t["rebalance.minExtraMemberIds"]
  ) {
    signals.push(say`${group.distinctMembersSeen} member ids seen for at most ${peakMembers} members`);
  }
  if (rate > 0 && rate >= t["rebalance.ratePerHour"]) signals.push(say`${rate} rebalances/hour`);
  const alone = rate > 0 && rate >= t["rebalance.ratePerHourAlone"];
  if (signals.length === 0 || (signals.length < t["rebalance.minSignals"] && !alone)) return null;

  const causes = likelyCauses({ metrics, config });
  const stormTopic = dominantTopic(o.lag.partitions);
  return finding(
    "streaming",
    "rebalance.storm",
    CONFIDENCE.base + CONFIDENCE.perSignal * signals.length + (causes.length ? CONFIDENCE.knownCause : 0),
    say`group ${group.groupId} keeps rebalancing (${signals.join("; ")})${causes.length ? say`: ${causes.map((c) => c.text).join("; ")}` : ""}`,
    {
      group: group.groupId,
      // The topic the group reads is hit by the storm whether or not its lag shows it yet.
      ...(stormTopic && { topic: stormTopic }),
      cause: causes[0]?.kind ?? "unexplained",
      "max.poll.records": consumerSetting(config, "max.poll.records"),
      "max.poll.interval.ms": consumerSetting(config, "max.poll.interval.ms"),
      "session.timeout.ms": consumerSetting(config, "session.timeout.ms"),
    },
    [
      evidence("consumer_groups", say`${group.groupId} states: ${group.history.map((h) => `${h.state}/${h.members}m`).join(" -> ")}`),
      ...(rate ? [evidence("client_metrics", say`rebalancesPerHour up to ${rate}`)] : []),
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
  const maxPoll = consumerNumber(config, "max.poll.interval.ms");
  const session = consumerNumber(config, "session.timeout.ms");
  const records = consumerNumber(config, "max.poll.records");
  const poll = worst("pollIntervalMsMax");
  if (poll > maxPoll) causes.push({ kind: "poll_interval", text: say`time between polls reached ${poll} ms, above max.poll.interval.ms ${maxPoll}` });
  const batch = worst("processingMsP99") * records;
  if (!causes.length && batch > maxPoll) {
    causes.push({ kind: "poll_interval", text: say`max.poll.records ${records} x p99 processing ${worst("processingMsP99")} ms = ${batch} ms, above max.poll.interval.ms ${maxPoll}` });
  }
  const gc = worst("gcPauseMsP99");
  if (gc > session) causes.push({ kind: "session_timeout", text: say`GC pauses of ${gc} ms exceed session.timeout.ms ${session}` });
  return causes;
}
