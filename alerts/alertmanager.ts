/**
 * Prometheus Alertmanager's webhook (payload version 4) as the contract's alerts: one per alert
 * fingerprint. Labels are the alert rule's, so the usual names of each are read: the consumer
 * group from `consumergroup` (kafka-exporter, Burrow), `consumer_group` or `group`; the topic from
 * `topic`; the cluster from `cluster` or `kafka_cluster`. The alert kind comes from a
 * `kafka_ops_alert` label when the rule sets one, else from the alert's name.
 */
import { z } from "zod";
import { AlertKind, type AlertKind as AlertKindType } from "../contract/vocabulary.ts";
import type { Alert } from "../contract/incident.ts";

/** Prometheus Alertmanager's webhook payload, version 4 (extra fields are allowed: newer versions add some). */
export const AlertmanagerAlert = z.looseObject({
  status: z.enum(["firing", "resolved"]),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1).max(200),
});
export type AlertmanagerAlert = z.infer<typeof AlertmanagerAlert>;

export const AlertmanagerPayload = z
  .looseObject({
    version: z.literal("4"),
    groupKey: z.string().optional(),
    truncatedAlerts: z.number().int().min(0).optional(),
    status: z.enum(["firing", "resolved"]),
    receiver: z.string().optional(),
    groupLabels: z.record(z.string(), z.string()).optional(),
    commonLabels: z.record(z.string(), z.string()).optional(),
    commonAnnotations: z.record(z.string(), z.string()).optional(),
    externalURL: z.string().optional(),
    alerts: z.array(AlertmanagerAlert).max(1000),
  })
  .meta({ id: "AlertmanagerWebhook" });
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayload>;

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
