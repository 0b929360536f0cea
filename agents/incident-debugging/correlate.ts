/**
 * Correlation: picks the finding that explains the others (the primary), ranks the rest, and
 * works out the blast radius. Pure, so every ranking decision is unit-testable.
 */
import type { Alert } from "../../contract/incident.ts";
import type { BlastRadius } from "../../contract/report.ts";
import type { AlertKind, DiagnosisCode } from "../../contract/vocabulary.ts";
import type { Finding } from "../finding.ts";
import { explains } from "./explains.ts";

export interface Correlation {
  /** Index into the findings of the root cause, or null when nothing was found. */
  primary: number | null;
  /** For each finding index, the codes of the findings it explains. */
  explained: Record<number, DiagnosisCode[]>;
  blastRadius: BlastRadius;
  rootCause: string;
}

/** The code families an alert of each kind is about: a finding there answers the page. */
const ALERT_FAMILIES: Record<AlertKind, string[]> = {
  consumer_lag: ["lag.", "rebalance.", "partition.", "dlq.", "schema."],
  rebalance: ["rebalance."],
  dlq: ["dlq.", "schema."],
  schema: ["schema."],
  replication: ["replication."],
  broker: ["replication.", "lag.broker_saturated", "cluster."],
  throughput: ["partition.", "quality.volume_drop", "lag."],
  quality: ["quality."],
  other: [],
};

/** Severity of the cause itself, to break ties between unrelated findings. */
const GRAVITY: Partial<Record<DiagnosisCode, number>> = {
  "replication.offline": 0.3,
  "schema.incompatible_change": 0.15,
  "lag.consumer_down": 0.12,
  "replication.under_replicated": 0.1,
  "lag.broker_saturated": 0.1,
  "rebalance.storm": 0.08,
  "lag.poison_message": 0.08,
};

export function correlate(findings: readonly Finding[], alert: Alert | undefined): Correlation {
  const explained: Record<number, DiagnosisCode[]> = {};
  const explainedBy = new Set<number>();
  findings.forEach((cause, i) =>
    findings.forEach((effect, j) => {
      if (i !== j && explains(cause, effect) && !explains(effect, cause)) {
        (explained[i] ??= []).push(effect.code);
        explainedBy.add(j);
      }
    }),
  );
  const score = (f: Finding, i: number) =>
    f.confidence + relevance(f, alert) + (GRAVITY[f.code] ?? 0) + 0.02 * (explained[i]?.length ?? 0);
  let primary: number | null = null;
  findings.forEach((f, i) => {
    if (explainedBy.has(i)) return;
    if (primary === null || score(f, i) > score(findings[primary]!, primary)) primary = i;
  });
  // A cycle of mutual explanations leaves no unexplained finding: fall back to the best score.
  if (primary === null && findings.length) {
    primary = findings.reduce((best, f, i) => (score(f, i) > score(findings[best]!, best) ? i : best), 0);
  }
  const blastRadius = radius(findings, primary, explained);
  const p = primary === null ? undefined : findings[primary];
  const rootCause = p
    ? `${p.summary}.${explained[primary!]?.length ? ` This explains ${[...new Set(explained[primary!])].join(", ")}.` : ""}`
    : "No known failure pattern matched the evidence.";
  return { primary, explained, blastRadius, rootCause };
}

/** How strongly a finding answers the alert: its entity is the alert's, or its family is. */
function relevance(f: Finding, alert: Alert | undefined): number {
  if (!alert) return 0;
  let r = 0;
  const labels = alert.labels;
  for (const key of ["group", "topic", "subject", "broker", "partition"] as const) {
    const want = labels[key];
    if (want !== undefined && (String(f.entities[key]) === want || (key === "topic" && f.entities.dlqTopic === want))) r += 0.15;
  }
  if (ALERT_FAMILIES[alert.kind].some((prefix) => f.code.startsWith(prefix))) r += 0.1;
  return Math.min(r, 0.35);
}

function radius(findings: readonly Finding[], primary: number | null, explained: Record<number, DiagnosisCode[]>): BlastRadius {
  const involved = primary === null ? [] : [primary, ...findings.flatMap((f, j) => (explained[primary]?.includes(f.code) ? [j] : []))];
  const pick = (key: string) =>
    [...new Set(involved.map((i) => findings[i]!.entities[key]).filter((v) => v !== undefined && v !== "").map(String))].sort();
  const brokers = [
    ...new Set(
      involved.flatMap((i) => {
        const e = findings[i]!.entities;
        return [e.broker, ...(typeof e.brokers === "string" ? e.brokers.split(",") : [])].filter((b) => b !== undefined).map(Number);
      }),
    ),
  ].sort((a, b) => a - b);
  // A schema change's readers (the Schema Evolution agent's) are reached too, with their topics.
  const readers = [...new Map(involved.flatMap((i) => findings[i]!.readers ?? []).map((r) => [`${r.subject}\u0000${r.topic}\u0000${r.group}`, r])).values()];
  const also = (key: "group" | "topic") => readers.map((r) => r[key]);
  return {
    groups: [...new Set([...pick("group"), ...also("group")])].sort(),
    topics: [...new Set([...pick("topic"), ...pick("dlqTopic"), ...also("topic")])].sort(),
    subjects: pick("subject"),
    brokers,
    ...(readers.length && { readers }),
  };
}

/**
 * `correlate` with the rules first: when any finding came from the rules, the primary is
 * chosen among the rules' findings only (model findings stay secondary and explain nothing);
 * only when the rules found nothing may a model finding be the primary. With no model
 * findings this is exactly `correlate`.
 */
export function correlateByOrigin(findings: readonly Finding[], alert: Alert | undefined): Correlation {
  if (!findings.some((f) => f.origin === "model")) return correlate(findings, alert);
  const ruled = findings.flatMap((f, i) => (f.origin === "model" ? [] : [i]));
  const pool = ruled.length ? ruled : findings.map((_, i) => i);
  const sub = correlate(pool.map((i) => findings[i]!), alert);
  const explained: Record<number, DiagnosisCode[]> = {};
  for (const [k, v] of Object.entries(sub.explained)) explained[pool[Number(k)]!] = v;
  return { ...sub, primary: sub.primary === null ? null : pool[sub.primary]!, explained };
}
