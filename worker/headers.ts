/**
 * The headers the workers write: on each report (which alert, from where, how many attempts,
 * beside the watch's event, decision and primary) and on each DLQ record (why it is there, so
 * an operator reads the error without the worker's logs). Values are plain UTF-8 text.
 */
import type { IHeaders } from "kafkajs";
import type { AlertWork } from "../alerts/message.ts";
import type { Report } from "../contract/report.ts";
import type { AlertSource } from "../state/alert-ledger.ts";
import { HEADERS } from "../watch/sinks/topic.ts";

export const ALERT_HEADERS = {
  alertId: "kafka-ops-alert-id",
  /** `<alerts topic>/<partition>/<offset>` of the record the alert came in. */
  source: "kafka-ops-alert-source",
  attempts: "kafka-ops-attempts",
  /** unparseable (not an alert) or failing (its investigation failed every attempt). */
  errorClass: "kafka-ops-error-class",
  error: "kafka-ops-error",
  failedAt: "kafka-ops-failed-at",
} as const;

const position = (s: AlertSource) => `${s.topic}/${s.partition}/${s.offset}`;

export function reportHeaders(report: Report, work: AlertWork, source: AlertSource, attempts: number): IHeaders {
  return {
    [HEADERS.event]: "report",
    [HEADERS.decision]: report.decision,
    [HEADERS.primary]: report.primary,
    [ALERT_HEADERS.alertId]: work.id,
    [ALERT_HEADERS.source]: position(source),
    [ALERT_HEADERS.attempts]: String(attempts),
  };
}

export function deadLetterHeaders(d: { error: string; kind: "unparseable" | "failing"; attempts: number; source: AlertSource; at: string; alertId?: string }): IHeaders {
  return {
    [HEADERS.event]: "dead-letter",
    [ALERT_HEADERS.errorClass]: d.kind,
    [ALERT_HEADERS.error]: d.error,
    [ALERT_HEADERS.attempts]: String(d.attempts),
    [ALERT_HEADERS.source]: position(d.source),
    [ALERT_HEADERS.failedAt]: d.at,
    ...(d.alertId && { [ALERT_HEADERS.alertId]: d.alertId }),
  };
}
