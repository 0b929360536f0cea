/**
 * Prometheus Alertmanager's webhook (payload version 4) as the contract's alerts: one per alert
 * fingerprint. Labels are the alert rule's, so the usual names of each are read: the consumer
 * group from `consumergroup` (kafka-exporter, Burrow), `consumer_group` or `group`; the topic from
 * `topic`; the cluster from `cluster` or `kafka_cluster`. The alert kind comes from a
 * `kafka_ops_alert` label when the rule sets one, else from the alert's name.
 */
import { AlertKind, type AlertKind as AlertKindType } from "../contract/vocabulary.ts";
import type { Alert } from "../contract/incident.ts";
import type { AlertmanagerAlert } from "./schemas.ts";

const GROUP_LABELS = ["consumergroup", "consumer_group", "group"] as const;
const TOPIC_LABELS = ["topic"] as const;
const CLUSTER_LABELS = ["cluster", "kafka_cluster"] as const;

/** Alert names as the common Kafka exporters and rule sets spell them, first match wins. */
const NAME_KINDS: [RegExp, AlertKindType][] = [
  [/rebalanc/i, "rebalance"],
  [/dlq|dead.?letter/i, "dlq"],
  [/schema/i, "schema"],
  [/under.?replicated|replica|isr|offline.?partition|leader/i, "replication"],
  [/lag|offset|consumer/i, "consumer_lag"],
  [/broker|controller/i, "broker"],
  [/throughput|bytes|messages.?in|produce/i, "throughput"],
  [/quality|null|volume/i, "quality"],
];

function first(labels: Record<string, string>, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = labels[n]?.trim();
    if (v) return v;
  }
  return undefined;
}

export function alertKind(labels: Record<string, string>): AlertKindType {
  const explicit = AlertKind.safeParse(labels.kafka_ops_alert);
  if (explicit.success) return explicit.data;
  const name = labels.alertname ?? "";
  return NAME_KINDS.find(([re]) => re.test(name))?.[1] ?? "other";
}

export interface MappedAlert {
  fingerprint: string;
  alert: Alert;
  /** The `cluster` label, when the rule sets one. */
  cluster: string | undefined;
  title: string;
}

export function mapAlert(a: AlertmanagerAlert): MappedAlert {
  const group = first(a.labels, GROUP_LABELS);
  const topic = first(a.labels, TOPIC_LABELS);
  const cluster = first(a.labels, CLUSTER_LABELS);
  const name = a.labels.alertname?.trim() || "alert";
  const summary = a.annotations.summary?.trim() || a.annotations.description?.trim() || name;
  const firedAt = a.startsAt && !Number.isNaN(Date.parse(a.startsAt)) && !a.startsAt.startsWith("0001-") ? new Date(a.startsAt).toISOString() : undefined;
  const labels = { alertname: name, ...(group && { group }), ...(topic && { topic }), ...(cluster && { cluster }) };
  return {
    fingerprint: a.fingerprint,
    alert: { kind: alertKind(a.labels), summary, labels, ...(firedAt && { firedAt }) },
    cluster,
    title: `Alertmanager ${name}${group ? ` group ${group}` : ""}${topic ? ` topic ${topic}` : ""}: ${summary}`,
  };
}
