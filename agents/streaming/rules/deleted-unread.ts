import type { Finding } from "../../finding.ts";
import { evidence, tp, say } from "../../finding.ts";
import type { GroupObservation } from "../observation.ts";

/**
 * Records that retention deleted before the group read them are lost to it, whatever the
 * cause of its lag: every finding on the group says how many, and carries `deletedUnread` so
 * the verdict can raise the severity. No finding of its own: data loss is an aggravation of a
 * cause, and a group whose only trouble it is would already be stopped or behind.
 */
/** Partitions named before ", ...". */
const NAMED = 4;

export function withDeletedUnread(o: GroupObservation, findings: Finding[]): Finding[] {
  const lost = o.lag.partitions.filter((p) => p.deletedUnread > 0);
  if (!lost.length) return findings;
  const total = lost.reduce((a, p) => a + p.deletedUnread, 0);
  const where = lost.slice(0, NAMED).map((p) => `${tp(p.topic, p.partition)} (${p.deletedUnread})`).join(", ");
  return findings.map((f) =>
    f.entities.group !== o.group.groupId
      ? f
      : {
          ...f,
          summary: say`${f.summary}; ${total} records were deleted by retention before the group read them (${where}${lost.length > NAMED ? ", ..." : ""})`,
          entities: { ...f.entities, deletedUnread: total },
          evidence: [...f.evidence, evidence("consumer_group_lag", say`committed offset below the log start on ${lost.length} partitions: ${where}`)],
        },
  );
}

