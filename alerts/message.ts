/**
 * What an alerts-topic record may hold, read into the work it asks for: one investigation per
 * alert, each under an alert id that stays the same however often the alert is delivered.
 *
 * Two formats, told apart by their shape:
 * - the project's own alert (`kafka-ops-alert/v1`): `{ "format": "kafka-ops-alert/v1", "id"?,
 *   "alert": <the contract's alert>, "question"? }`; a bare contract alert (`kind`, `summary`,
 *   `labels`, `firedAt`) is taken as well. Its id is the `id` given, else a hash of the alert,
 *   so a re-sent copy is the same alert;
 * - Prometheus Alertmanager's webhook payload (version 4), as its `webhook_configs` receiver
 *   posts it (a bridge or Alertmanager's Kafka receiver puts it on the topic): one investigation
 *   per firing alert, under `am-<fingerprint>-<startsAt>` (Alertmanager repeats a firing alert
 *   with the same two; a new firing of the same rule starts at another time). Resolved alerts
 *   start nothing.
 *
 * Anything else is a poison alert: `parseAlertMessage` says why in one line, naming the field.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { Alert } from "../contract/incident.ts";
import { AlertmanagerPayload, mapAlert } from "./alertmanager.ts";

export const ALERT_FORMAT = "kafka-ops-alert/v1";

/** An alert value larger than this is refused unread: an alert is a few hundred bytes. */
export const MAX_ALERT_BYTES = 1024 * 1024;

const ID = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:@-]+$/, "expected letters, digits and . _ : @ - only");

export const AlertMessage = z.strictObject({
  format: z.literal(ALERT_FORMAT).optional(),
  id: ID.optional(),
  alert: Alert,
  question: z.string().max(4000).optional(),
});
export type AlertMessage = z.infer<typeof AlertMessage>;

/** One investigation an alerts record asks for. */
export interface AlertWork {
  /** The alert id: the reports' key, the ledger's row, the checkpoint thread. */
  id: string;
  alert: Alert;
  question?: string;
  /** One line for logs. */
  title: string;
  from: "kafka-ops" | "alertmanager";
}

export type ParsedAlerts =
  | { ok: true; work: AlertWork[]; /** Alerts in it that start nothing (resolved ones), and why. */ ignored: string[] }
  | { ok: false; error: string };

export function parseAlertMessage(value: Buffer | null): ParsedAlerts {
  if (value === null || value.length === 0) return { ok: false, error: "the record has no value (expected an alert as JSON)" };
  if (value.length > MAX_ALERT_BYTES) return { ok: false, error: `the value is ${value.length} bytes; an alert is at most ${MAX_ALERT_BYTES}` };
  let json: unknown;
  try {
    json = JSON.parse(value.toString("utf8").replace(/^\uFEFF/, ""));
  } catch (error) {
    return { ok: false, error: `the value is not JSON: ${(error as Error).message}` };
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) return { ok: false, error: "expected a JSON object (a kafka-ops alert or an Alertmanager webhook payload)" };
  const record = json as Record<string, unknown>;
  if ("version" in record || "alerts" in record) return fromAlertmanager(record);
  if ("alert" in record || "format" in record) return fromOwn(AlertMessage.safeParse(record));
  return fromOwn(Alert.safeParse(record), (alert) => ({ alert }));
}

function fromOwn<T>(parsed: z.ZodSafeParseResult<T>, wrap: (v: T) => AlertMessage = (v) => v as AlertMessage): ParsedAlerts {
  if (!parsed.success) return { ok: false, error: `not a ${ALERT_FORMAT} alert: ${issueLine(parsed.error)}` };
  const message = wrap(parsed.data);
  const id = message.id ?? `alert-${contentHash({ alert: message.alert, question: message.question ?? null })}`;
  const about = ["group", "topic", "broker"].flatMap((k) => (message.alert.labels[k] ? [`${k} ${message.alert.labels[k]}`] : [])).join(", ");
  return {
    ok: true,
    ignored: [],
    work: [{ id, alert: message.alert, ...(message.question && { question: message.question }), title: `${message.alert.kind}${about ? ` (${about})` : ""}: ${message.alert.summary}`, from: "kafka-ops" }],
  };
}

function fromAlertmanager(record: Record<string, unknown>): ParsedAlerts {
  const parsed = AlertmanagerPayload.safeParse(record);
  if (!parsed.success) return { ok: false, error: `not an Alertmanager webhook payload (version 4): ${issueLine(parsed.error)}` };
  const work: AlertWork[] = [];
  const ignored: string[] = [];
  for (const a of parsed.data.alerts) {
    if (a.status === "resolved") {
      ignored.push(`${a.fingerprint}: resolved`);
      continue;
    }
    const mapped = mapAlert(a);
    const startedAt = mapped.alert.firedAt ? Date.parse(mapped.alert.firedAt) : undefined;
    const fingerprint = ID.safeParse(a.fingerprint).success ? a.fingerprint : contentHash(a.fingerprint);
    // Without a start time, Alertmanager's fingerprint alone names the alert.
    const id = `am-${fingerprint}${startedAt !== undefined ? `-${startedAt}` : ""}`;
    work.push({ id, alert: mapped.alert, title: mapped.title, from: "alertmanager" });
  }
  return { ok: true, work, ignored };
}

/** The first problem, as `path: message`. */
function issueLine(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.length ? issue.path.map(String).join(".") : "(value)";
  return `${path}: ${issue.message}`;
}

/** A short stable hash of a JSON value with its keys sorted: equal alerts, equal ids. */
function contentHash(value: unknown): string {
  return createHash("sha256").update(canonical(value)).digest("hex").slice(0, 20);
}

function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
}
