/**
 * The incident's timeline from what the tools read: schema registrations, group state
 * changes, broker and partition availability, DLQ failures, error logs, the alert.
 */
import type { Alert } from "../../contract/incident.ts";
import type { TimelineEntry } from "../../contract/report.ts";
import type { ToolValue } from "../../tools/registry.ts";

export interface TimelineSources {
  alert: Alert | undefined;
  overview: ToolValue<"cluster_overview"> | undefined;
  groups: ToolValue<"consumer_groups"> | undefined;
  subjects: ToolValue<"schema_subjects"> | undefined;
  dlq: ToolValue<"dlq_records"> | undefined;
  logs: ToolValue<"search_logs"> | undefined;
  /** Entities the timeline is about; other groups' churn is noise. */
  focus: { groups: string[]; topics: string[]; subjects: string[] };
}

const MAX_LOG_ENTRIES = 5;

export function buildTimeline(s: TimelineSources): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const subject of s.subjects?.subjects ?? []) {
    if (!s.focus.subjects.includes(subject.subject)) continue;
    for (const v of subject.versions.slice(-2)) {
      if (v.registeredAt) out.push({ at: v.registeredAt, event: `${subject.subject} version ${v.version} (id ${v.id}) registered`, source: "schema_subjects" });
    }
  }
  for (const g of s.groups?.groups ?? []) {
    if (!s.focus.groups.includes(g.groupId)) continue;
    g.history.forEach((h, i) => {
      const prev = g.history[i - 1];
      if (!prev || prev.state !== h.state || prev.members !== h.members) {
        out.push({ at: h.at, event: `${g.groupId} ${h.state} with ${h.members} members`, source: "consumer_groups" });
      }
    });
  }
  s.overview?.samples.forEach((sample, i) => {
    const prev = s.overview!.samples[i - 1];
    if (prev && (prev.offline !== sample.offline || prev.underReplicated !== sample.underReplicated || prev.brokersOnline !== sample.brokersOnline)) {
      out.push({
        at: sample.at,
        event: `${sample.brokersOnline ?? "?"} brokers online, ${sample.underReplicated} under-replicated, ${sample.offline} offline partitions`,
        source: "cluster_overview",
      });
    }
  });
  for (const t of s.dlq?.topics ?? []) {
    if (t.firstAt) out.push({ at: t.firstAt, event: `first of ${t.records.length} recent failures in ${t.topic}`, source: "dlq_records" });
  }
  // Repeated lines (a retry loop logs the same error every few seconds) collapse into their
  // first occurrence with a count. Quoted, bounded and JSON-escaped: log text is untrusted.
  const repeats = new Map<string, { line: NonNullable<TimelineSources["logs"]>["lines"][number]; count: number }>();
  for (const line of s.logs?.lines ?? []) {
    const key = `${line.source}\u0000${line.message}`;
    const seen = repeats.get(key);
    if (seen) seen.count++;
    else repeats.set(key, { line, count: 1 });
  }
  for (const { line, count } of [...repeats.values()].slice(0, MAX_LOG_ENTRIES)) {
    const times = count > 1 ? ` (x${count})` : "";
    out.push({ at: line.at, event: `${line.level} ${line.source}${times}: ${JSON.stringify(line.message.slice(0, 160))}`, source: "search_logs" });
  }
  if (s.alert?.firedAt) out.push({ at: s.alert.firedAt, event: `alert fired: ${s.alert.summary}`, source: "alert" });
  return out
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}
