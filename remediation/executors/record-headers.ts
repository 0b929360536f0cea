/**
 * The headers the record-side executors write, and what they read back from a record's own
 * headers. Header values are untrusted bytes: only our own counter is parsed (as a bounded
 * decimal), the rest is copied or dropped, never interpreted.
 */
import type { MovedRecord, RecordHeader } from "../../ports/write/record-mover.ts";
import { isDlqErrorHeader, parseDlqHeaders } from "../../tools/dlq/lib/error-headers.ts";

/** How many times kafka-ops has replayed this record from a DLQ (1 on the first replay). */
export const REPLAY_COUNT = "kafka-ops-replay-count";
/** Where the replayed copy came from: `<dlq topic>/<partition>/<offset>`. */
export const REPLAYED_FROM = "kafka-ops-replayed-from";
/** Quarantine copies: why, from where (`<topic>/<partition>/<offset>`), when, by which action (and for which group). */
export const QUARANTINE = {
  reason: "kafka-ops-quarantine-reason",
  source: "kafka-ops-quarantine-source",
  at: "kafka-ops-quarantine-at",
  action: "kafka-ops-quarantine-action",
  group: "kafka-ops-quarantine-group",
  timestamp: "kafka-ops-quarantine-original-timestamp",
} as const;

const OWN = new Set<string>([REPLAY_COUNT, REPLAYED_FROM, ...Object.values(QUARANTINE)]);

export const positionOf = (r: Pick<MovedRecord, "topic" | "partition" | "offset">): string => `${r.topic}/${r.partition}/${r.offset}`;

const text = (value: string): RecordHeader => ({ key: "", value: Buffer.from(value, "utf8") });
const header = (key: string, value: string): RecordHeader => ({ ...text(value), key });

/** The last value of a header, as UTF-8 text. */
export function lastHeader(record: Pick<MovedRecord, "headers">, name: string): string | undefined {
  for (let i = record.headers.length - 1; i >= 0; i--) {
    const h = record.headers[i]!;
    if (h.key === name) return h.value.toString("utf8");
  }
  return undefined;
}

/** Times kafka-ops already replayed the record (0 when never, or when the header is not a small decimal). */
export function replayCount(record: Pick<MovedRecord, "headers">): number {
  const value = lastHeader(record, REPLAY_COUNT)?.trim();
  return value !== undefined && /^\d{1,6}$/.test(value) ? Number(value) : 0;
}

/** The topic the record was dead-lettered from, as its DLQ headers say (Connect, Spring or hand-rolled names). */
export function originalTopicOf(record: Pick<MovedRecord, "headers">): string | undefined {
  const asText: Record<string, string> = {};
  for (const h of record.headers) asText[h.key] = printable(h.value) ?? `base64:${h.value.toString("base64")}`;
  return parseDlqHeaders(asText).originalTopic;
}

/** A replayed copy's headers: the record's own minus the DLQ's error headers and ours, plus the replay counter and origin. */
export function replayHeaders(record: MovedRecord, count: number): RecordHeader[] {
  return [
    ...record.headers.filter((h) => !isDlqErrorHeader(h.key) && !OWN.has(h.key)).map((h) => ({ key: h.key, value: Buffer.from(h.value) })),
    header(REPLAY_COUNT, String(count)),
    header(REPLAYED_FROM, positionOf(record)),
  ];
}

/** A quarantine copy's headers: every header the record had (they are the diagnosis), then ours. */
export function quarantineHeaders(record: MovedRecord, why: { reason: string; action: string; at: Date; group?: string }): RecordHeader[] {
  return [
    ...record.headers.filter((h) => !Object.values(QUARANTINE).includes(h.key as never)).map((h) => ({ key: h.key, value: Buffer.from(h.value) })),
    header(QUARANTINE.reason, why.reason),
    header(QUARANTINE.source, positionOf(record)),
    header(QUARANTINE.at, why.at.toISOString()),
    header(QUARANTINE.action, why.action),
    ...(why.group !== undefined ? [header(QUARANTINE.group, why.group)] : []),
    header(QUARANTINE.timestamp, record.timestamp),
  ];
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });
function printable(bytes: Buffer): string | undefined {
  try {
    const s = UTF8.decode(bytes);
    return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s) ? undefined : s;
  } catch {
    return undefined;
  }
}
