import { z } from "zod";
import type { RecordSample } from "../../contract/incident.ts";
import { defineTool, passThrough } from "../define-tool.ts";
import { classifyFailure, FailureClass } from "./lib/classify-failure.ts";
import { parseDlqHeaders } from "./lib/error-headers.ts";

/** Values are untrusted and can be large: the report quotes a bounded preview only. */
const PREVIEW_CHARS = 160;

const DlqRecordView = z.object({
  partition: z.number(),
  offset: z.string(),
  timestamp: z.string(),
  key: z.string().nullable(),
  valuePreview: z.string().nullable(),
  family: z.enum(["connect", "spring", "unknown"]),
  exceptionClass: z.string().optional(),
  message: z.string().optional(),
  originalTopic: z.string().optional(),
  originalPartition: z.number().optional(),
  originalOffset: z.string().optional(),
  failureClass: FailureClass,
  reason: z.string(),
});
export type DlqRecordView = z.infer<typeof DlqRecordView>;

export const dlqRecords = defineTool({
  name: "dlq_records",
  description:
    "Recent records of dead-letter topics with their error headers parsed (Kafka Connect __connect.errors.*, Spring kafka_dlt-*), each failure classified, and records that failed repeatedly.",
  input: z.object({
    topic: z.string().optional().describe("one DLQ topic; omit for every known DLQ topic"),
    limit: z.number().int().min(1).max(5000).default(500).describe("records per topic, newest"),
  }),
  output: z.object({
    topics: z.array(
      z.object({
        topic: z.string(),
        records: z.array(DlqRecordView),
        byClass: z.record(z.string(), z.number()),
        repeated: z
          .array(z.object({ source: z.string(), failures: z.number() }))
          .describe("original records (topic-partition@offset, else key) that reached the DLQ more than once"),
        firstAt: z.string().nullable(),
        lastAt: z.string().nullable(),
      }),
    ),
  }),
  async run(ports, input) {
    const topics = input.topic === undefined ? await ports.records.dlqTopics() : ({ kind: "ok", value: [input.topic] } as const);
    if (topics.kind !== "ok") return passThrough(topics);
    const peeked = await Promise.all(topics.value.map(async (topic) => ({ topic, read: await ports.records.peekDlq(topic, input.limit) })));
    const views = [];
    for (const { topic, read } of peeked) {
      if (read.kind !== "ok") {
        if (input.topic !== undefined) return passThrough(read);
        continue;
      }
      const records = read.value.map((r) => {
        const error = parseDlqHeaders(r.headers);
        const { class: failureClass, reason } = classifyFailure(error);
        return {
          partition: r.partition,
          offset: r.offset,
          timestamp: r.timestamp,
          key: r.key,
          valuePreview: r.value === null ? null : r.value.slice(0, PREVIEW_CHARS),
          family: error.family,
          ...(error.exceptionClass !== undefined && { exceptionClass: error.exceptionClass }),
          ...(error.message !== undefined && { message: error.message }),
          ...(error.originalTopic !== undefined && { originalTopic: error.originalTopic }),
          ...(error.originalPartition !== undefined && { originalPartition: error.originalPartition }),
          ...(error.originalOffset !== undefined && { originalOffset: error.originalOffset }),
          failureClass,
          reason,
        };
      });
      const byClass: Record<string, number> = {};
      for (const r of records) byClass[r.failureClass] = (byClass[r.failureClass] ?? 0) + 1;
      const sources = repeatedSources(read.value, records);
      const repeated = [...sources.entries()]
        .map(([source, failures]) => ({ source, failures }))
        .sort((a, b) => b.failures - a.failures);
      const times = records.map((r) => r.timestamp).sort();
      views.push({ topic, records, byClass, repeated, firstAt: times[0] ?? null, lastAt: times.at(-1) ?? null });
    }
    return {
      kind: "ok",
      value: { topics: views },
      summary: views.map((v) => `${v.topic}: ${v.records.length} records ${JSON.stringify(v.byClass)}`).join("; ") || "no DLQ records",
    };
  },
});

/**
 * Records that reached the DLQ more than once. The same record is recognised by its source
 * position (topic-partition@offset) or, because a re-drive job re-publishes it at a new
 * source offset, by identical key and value. Returns identity -> failures, repeats only.
 */
function repeatedSources(raw: readonly RecordSample[], views: readonly DlqRecordView[]): Map<string, number> {
  const byPosition = new Map<string, number>();
  const byContent = new Map<string, number>();
  const contentIds = new Map<string, string | null>();
  views.forEach((r, i) => {
    if (r.originalOffset !== undefined) {
      const position = `${r.originalTopic ?? "?"}-${r.originalPartition ?? "?"}@${r.originalOffset}`;
      byPosition.set(position, (byPosition.get(position) ?? 0) + 1);
    }
    const { key, value } = raw[i]!;
    if (key !== null) {
      const content = `key ${key}`;
      const seen = contentIds.get(content);
      // Same key with different values is different records (a customer's many orders), not a repeat.
      if (seen === undefined || seen === value) {
        contentIds.set(content, value);
        byContent.set(content, (byContent.get(content) ?? 0) + 1);
      } else byContent.set(content, -Infinity);
    }
  });
  const repeats = new Map<string, number>();
  for (const [id, n] of [...byPosition, ...byContent]) if (n > 1) repeats.set(id, n);
  return repeats;
}
