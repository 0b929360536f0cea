import { clock, evidence, finding, tp, type Finding } from "../../finding.ts";
import type { GroupObservation } from "../observation.ts";
import { partitionStatus } from "./lag-status.ts";

/**
 * One partition's committed offset stops while its log grows and its siblings advance: the
 * consumer is stuck on one record. Failure metrics and log lines naming the partition add weight.
 */
export function poisonMessage({ group, lag, metrics, logs }: GroupObservation): Finding | null {
  if (group.members.length === 0) return null;
  const stuck = lag.partitions.filter((p) => partitionStatus(p) === "stalled" && p.committed.filter((c) => c !== null).length >= 3);
  const advancing = lag.partitions.filter((p) => p.consumeRatePerSec > 0);
  if (stuck.length === 0 || stuck.length > 2 || advancing.length === 0) return null;

  const p = stuck.sort((a, b) => b.lagLatest - a.lagLatest)[0]!;
  // The latest committed offset read: a sample whose group read failed holds null.
  const offset = p.committed.findLast((c) => c !== null)!;
  const name = tp(p.topic, p.partition);
  const failing = metrics ? Math.max(...metrics.series.map((s) => s.metrics.recordsFailedPerSec ?? 0)) : 0;
  const mentions = logs.filter((l) => l.message.includes(name) || l.message.includes(`${name}@`) || l.message.includes(offset));
  const quotes = [
    evidence("consumer_group_lag", `${name} committed ${offset} at ${lag.samples.map(clock).join(", ")} while log end grew ${p.end[0]} -> ${p.end.at(-1)}; ${advancing.length} sibling partitions advanced`),
  ];
  if (failing > 0) quotes.push(evidence("client_metrics", `recordsFailedPerSec up to ${failing}`));
  if (mentions[0]) quotes.push(evidence("search_logs", `${mentions.length} log lines name ${name}, e.g. ${JSON.stringify(mentions[0].message.slice(0, 160))}`));
  return finding(
    "streaming",
    "lag.poison_message",
    // Log lines are quoted as evidence but never weigh in: their text is untrusted.
    0.8 + (failing > 0 ? 0.1 : 0),
    `partition ${name} of group ${group.groupId} is stuck at offset ${offset} for ${p.committed.length} samples while the log grew and its siblings advanced`,
    { group: group.groupId, topic: p.topic, partition: p.partition, offset },
    quotes,
  );
}
