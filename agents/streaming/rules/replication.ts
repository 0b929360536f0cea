import { evidence, finding, tp, type Finding, say } from "../../finding.ts";
import type { ToolValue } from "../../../tools/registry.ts";

type Topics = ToolValue<"topic_partitions">["topics"];
type Overview = ToolValue<"cluster_overview">;

/**
 * Replication has no tunable: a leaderless partition or an out-of-sync replica is a fact, not a
 * judgement. What is named here is how sure each finding is and how much of a list a summary shows.
 */
const CONFIDENCE = { offline: 0.97, underReplicated: 0.9 } as const;
const NAMED_IN_SUMMARY = 4;
const QUOTED_IN_EVIDENCE = 5;

/** Partitions without a leader: unavailable for reads and writes. */
export function offlinePartitions(topics: Topics, overview: Overview): Finding | null {
  const offline = topics.flatMap((t) => t.partitions.filter((p) => p.leader < 0).map((p) => ({ topic: t.name, ...p }))).sort(byName);
  if (!offline.length) return null;
  const replicasOn = [...new Set(offline.flatMap((p) => p.replicas))].sort((a, b) => a - b);
  const gone = [...overview.offlineBrokers].sort((a, b) => a - b);
  const first = mostAffected(offline);
  return finding(
    "streaming",
    "replication.offline",
    CONFIDENCE.offline,
    say`${offline.length} ${offline.length === 1 ? "partition has" : "partitions have"} no leader (${summarize(offline.map((p) => tp(p.topic, p.partition)))}); their replicas live on broker${replicasOn.length > 1 ? "s" : ""} ${replicasOn.join(", ")}${gone.length ? say`; broker${gone.length > 1 ? "s" : ""} ${gone.join(", ")} did not answer` : ""}`,
    { topic: first.topic, partition: first.partition, ...(gone[0] !== undefined && { broker: gone[0] }) },
    [
      evidence("topic_partitions", offline.slice(0, QUOTED_IN_EVIDENCE).map((p) => `${tp(p.topic, p.partition)} leader -1 replicas [${p.replicas}] isr [${p.isr}]`).join("; ")),
      evidence("cluster_overview", say`offline partitions per sample: ${overview.samples.map((s) => s.offline).join(", ")}; brokers offline: [${overview.offlineBrokers}]`),
    ],
  );
}

/** Partitions with a leader but fewer in-sync replicas than replicas. */
export function underReplicated(topics: Topics, overview: Overview): Finding | null {
  const urp = topics.flatMap((t) =>
    // A replica missing from the ISR (not a shorter list: replicas may repeat in bad data).
    t.partitions.filter((p) => p.leader >= 0 && p.replicas.some((r) => !p.isr.includes(r))).map((p) => ({ topic: t.name, ...p })),
  ).sort(byName);
  if (!urp.length) return null;
  const missing = new Map<number, number>();
  for (const p of urp) for (const r of p.replicas) if (!p.isr.includes(r)) missing.set(r, (missing.get(r) ?? 0) + 1);
  const lagging = [...missing.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  // One in-sync replica left: the next broker failure takes the partition offline.
  const atMinIsr = urp.filter((p) => p.isr.length <= 1).length;
  return finding(
    "streaming",
    "replication.under_replicated",
    CONFIDENCE.underReplicated,
    say`${urp.length} partitions are under-replicated (${summarize(urp.map((p) => tp(p.topic, p.partition)))}); out of sync: ${lagging.map(([b, n]) => `broker ${b} on ${n}`).join(", ")}${atMinIsr ? say`; ${atMinIsr} are down to one in-sync replica` : ""}`,
    { topic: mostAffected(urp).topic, broker: lagging[0]![0] },
    [
      evidence("topic_partitions", urp.slice(0, QUOTED_IN_EVIDENCE).map((p) => `${tp(p.topic, p.partition)} replicas [${p.replicas}] isr [${p.isr}]`).join("; ")),
      evidence("cluster_overview", say`under-replicated per sample: ${overview.samples.map((s) => s.underReplicated).join(", ")}`),
    ],
  );
}

interface Located {
  topic: string;
  partition: number;
}

/** Topic, then partition: a report's order, whatever order the metadata came in. */
function byName(a: Located, b: Located): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

/** The first partition of the topic with the most of these partitions (ties: the first by name). */
function mostAffected(located: readonly Located[]): Located {
  const count = new Map<string, number>();
  for (const p of located) count.set(p.topic, (count.get(p.topic) ?? 0) + 1);
  let best = located[0]!;
  for (const p of located) if (count.get(p.topic)! > count.get(best.topic)!) best = p;
  return best;
}

function summarize(names: string[]): string {
  if (names.length <= NAMED_IN_SUMMARY) return names.join(", ");
  return `${names.slice(0, NAMED_IN_SUMMARY).join(", ")} and ${names.length - NAMED_IN_SUMMARY} more`;
}
