import { evidence, finding, tp, type Finding, say } from "../../finding.ts";
import type { PartitionLag } from "../../../tools/kafka/consumer-group-lag.ts";
import { statusOf, type GroupObservation } from "../observation.ts";

/** Statuses that are abnormal whatever the cause: unread records a consumer is not getting through. */
/** Below every known cause's confidence: any real finding outranks it. */
const CONFIDENCE = 0.5;
/** Partitions described in the summary before "and N more". */
const DESCRIBED = 6;

const ABNORMAL = new Set(["growing", "stalled", "stopped", "rewind"]);

/**
 * Abnormal lag that no runbook pattern explains. It is not healthy and not a known cause, so
 * it becomes an `unknown` finding that names the partitions, their owners and leaders: the
 * investigation escalates with that instead of calling the group healthy. Run only for groups
 * no other rule had a finding on.
 */
export function unexplainedLag(o: GroupObservation): Finding | null {
  if (o.group.protocolType !== "consumer") return null;
  const abnormal = o.lag.partitions.filter((p) => ABNORMAL.has(statusOf(o, p)));
  if (abnormal.length === 0) return null;
  const shown = abnormal.slice(0, DESCRIBED).map((p) => describe(o, p));
  return finding(
    "streaming",
    "unknown",
    CONFIDENCE,
    say`group ${o.group.groupId} has abnormal lag that no known pattern explains on ${abnormal.length} of ${o.lag.partitions.length} partitions: ${shown.join("; ")}${abnormal.length > shown.length ? say`; and ${abnormal.length - shown.length} more` : ""}`,
    { group: o.group.groupId, topic: abnormal[0]!.topic, partition: abnormal[0]!.partition, partitions: abnormal.length },
    [evidence("consumer_group_lag", say`partition status: ${abnormal.map((p) => `${tp(p.topic, p.partition)} ${statusOf(o, p)}`).join(", ")}; lag per sample ${o.lag.totalLag}`)],
  );
}

function describe(o: GroupObservation, p: PartitionLag): string {
  const w = o.window(p);
  const leader = o.leaders.get(tp(p.topic, p.partition));
  const what =
    w.status === "rewind" && w.rewind
      ? say`committed offset moved back from ${w.rewind.from} to ${w.rewind.to} and has not got back (lag ${w.lag})`
      : w.status === "stalled" || w.status === "stopped"
        ? say`committed offset frozen at ${w.frozenTail?.offset} for ${Math.round(w.frozenTail?.seconds ?? 0)} s (lag ${w.lag})`
        : say`lag grew by ${w.lagChange} to ${w.lag}`;
  return `${tp(p.topic, p.partition)} ${what}, owner ${p.owner ?? "none"}, leader ${leader ?? "unknown"}`;
}
