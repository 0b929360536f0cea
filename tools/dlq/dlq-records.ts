import { z } from "zod";
import { defineTool, passThrough } from "../define-tool.ts";
import { classifyFailure, FailureClass } from "./lib/classify-failure.ts";
import { parseDlqHeaders } from "./lib/error-headers.ts";
import { countAttempts, describeAttempts } from "./lib/repeats.ts";

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
        distinct: z.number().describe("distinct original records among the records read (one that failed 3 times counts once)"),
        attempts: z.object({ min: z.number(), max: z.number() }).describe("failures per distinct record: fewest and most"),
        failures: z.string().describe('the count in words, e.g. "12 records failed, 4 distinct, 3 attempts each"'),
        repeated: z
          .array(z.object({ source: z.string(), failures: z.number() }))
          .describe("original records (topic-partition@offset, else key) that reached the DLQ more than once, most failures first"),
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
      // Identity by content reads the raw value, not the bounded preview.
      const attempts = countAttempts(records.map((r, i) => ({ ...r, value: read.value[i]!.value })));
      const times = records.map((r) => r.timestamp).sort();
      views.push({
        topic,
        records,
        byClass,
        distinct: attempts.distinct,
        attempts: { min: attempts.min, max: attempts.max },
        failures: describeAttempts(attempts),
        repeated: attempts.repeated,
        firstAt: times[0] ?? null,
        lastAt: times.at(-1) ?? null,
      });
    }
    return {
      kind: "ok",
      value: { topics: views },
      summary: views.map((v) => `${v.topic}: ${v.failures} ${JSON.stringify(v.byClass)}`).join("; ") || "no DLQ records",
    };
  },
});
