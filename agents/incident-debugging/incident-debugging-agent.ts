/**
 * The Incident Debugging agent: correlates every specialist's findings into one root cause,
 * widens the blast radius to the groups reading the affected topics, and lays out the timeline.
 */
import type { Alert } from "../../contract/incident.ts";
import type { Diagnosis, TimelineEntry } from "../../contract/report.ts";
import { valueOf, type CallTool } from "../agent.ts";
import { correlateByOrigin, type Correlation } from "./correlate.ts";
import { healthChecks } from "./health-checks.ts";
import { buildTimeline } from "./timeline.ts";

/** What the Incident Debugging agent concludes: the correlation plus the timeline. */
export interface Conclusion extends Correlation {
  timeline: TimelineEntry[];
  /** Entities the alert names that the evidence does not contain ("group payments-svc"). */
  unseen: string[];
  /** Entities the alert names whose reads did not answer: nothing is known about them. */
  unread: string[];
  /**
   * ERROR-level (and above) log lines read, however many the timeline shows: errors with no
   * finding to explain them keep an investigation from calling the cluster healthy.
   */
  errorLogLines: number;
}

export async function debugIncident(call: CallTool, findings: readonly Diagnosis[], alert: Alert | undefined): Promise<Conclusion> {
  const correlation = correlateByOrigin(findings, alert);
  const [overview, groups, subjects, dlq, logs, topics] = await Promise.all([
    call("cluster_overview", {}),
    call("consumer_groups", {}),
    call("schema_subjects", {}),
    call("dlq_records", {}),
    call("search_logs", { minLevel: "ERROR", limit: 20 }),
    call("topic_partitions", { includeInternal: true }),
  ]);
  const groupList = valueOf(groups)?.groups ?? [];
  const radius = correlation.blastRadius;
  // Groups that read an affected topic are hit too, even when their own lag has not shown it yet.
  const readers = groupList.filter((g) => g.topics.some((t) => radius.topics.includes(t))).map((g) => g.groupId);
  const blastRadius = { ...radius, groups: [...new Set([...radius.groups, ...readers])].sort() };
  const timeline = buildTimeline({
    alert,
    overview: valueOf(overview),
    groups: valueOf(groups),
    subjects: valueOf(subjects),
    dlq: valueOf(dlq),
    logs: valueOf(logs),
    focus: { groups: blastRadius.groups, topics: blastRadius.topics, subjects: blastRadius.subjects },
  });
  const unseen = unseenAlertEntities(alert, {
    groups: valueOf(groups) && groupList.map((g) => g.groupId),
    topics: valueOf(topics)?.topics.map((t) => t.name),
  });
  let rootCause = correlation.rootCause;
  let unread: string[] = [];
  if (correlation.primary === null && unseen.length) {
    rootCause = `No finding: the alert names ${unseen.join(" and ")}, which the cluster does not report (a typo, a deleted group, or the wrong cluster).`;
  } else if (correlation.primary === null) {
    // No finding: say what was checked and found normal (remediation/ decides whether that is enough).
    const group = alert?.labels.group;
    const topic = alert?.labels.topic;
    const wanted = group !== undefined ? [group] : groupList.map((g) => g.groupId);
    const lags = await Promise.all(wanted.map((g) => call("consumer_group_lag", { group: g })));
    const topicValue = valueOf(topics);
    unread = [
      ...(group !== undefined && lags[0]?.kind !== "ok" ? [`group ${group}`] : []),
      ...(topic !== undefined && !topicValue ? [`topic ${topic}`] : []),
    ];
    const checks = healthChecks({
      lags: lags.flatMap((l) => (l.kind === "ok" ? [l.value] : [])),
      groupsRead: valueOf(groups) && groupList.length,
      topics: topic === undefined ? [] : (topicValue?.topics.filter((t) => t.name === topic) ?? []),
      window: topicValue?.window,
      overview: valueOf(overview),
      dlq: valueOf(dlq),
      subjects: valueOf(subjects),
    });
    rootCause = checks.length ? `Nothing abnormal found. Checked: ${checks.join("; ")}.` : "Nothing abnormal found, but nothing could be checked.";
  }
  return { ...correlation, rootCause, blastRadius, timeline, unseen, unread, errorLogLines: valueOf(logs)?.matched ?? 0 };
}

/**
 * The alert's group and topic that the reads came back without. Only judged where the read
 * itself succeeded: a failed read proves nothing about what exists.
 */
export function unseenAlertEntities(alert: Alert | undefined, seen: { groups: string[] | undefined; topics: string[] | undefined }): string[] {
  const out: string[] = [];
  const group = alert?.labels.group;
  const topic = alert?.labels.topic;
  if (group !== undefined && seen.groups && !seen.groups.includes(group)) out.push(`group ${group}`);
  if (topic !== undefined && seen.topics && !seen.topics.includes(topic)) out.push(`topic ${topic}`);
  return out;
}
