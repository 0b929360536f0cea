/**
 * Reports to a Kafka topic (`--reports-topic ops.reports`): the value is the report itself
 * (kafka-investigation/v1 JSON), the key the delivery's key (investigation id from the watch,
 * alert id from the workers), so every reader of the topic gets the one contract document and a
 * compacted topic keeps the latest report per key. Headers say where it came from.
 *
 * `deliver` resolves once every in-sync replica has the record (acks -1, idempotent producer):
 * a worker commits its alert only after that. "Cleared" notes are not reports and stay out of
 * the topic (stdout, the file and the webhook carry them).
 */
import type { Kafka, Producer } from "kafkajs";
import type { Delivery, ReportSink } from "./sink.ts";

export const HEADERS = {
  event: "kafka-ops-event",
  entity: "kafka-ops-entity",
  decision: "kafka-ops-decision",
  primary: "kafka-ops-primary",
} as const;

export function topicSink(kafka: Kafka, topic: string, options: { deadlineMs?: number } = {}): ReportSink {
  let producer: Promise<Producer> | undefined;
  const connect = () =>
    (producer ??= (async () => {
      const p = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await p.connect();
      return p;
    })().catch((error: unknown) => {
      producer = undefined; // the next delivery tries again
      throw error;
    }));
  return {
    name: `topic ${topic}`,
    async deliver(d: Delivery) {
      if (d.kind !== "report") return;
      const p = await connect();
      await p.send({
        topic,
        acks: -1,
        ...(options.deadlineMs !== undefined && { timeout: options.deadlineMs }),
        messages: [
          {
            key: d.key,
            value: JSON.stringify(d.report),
            headers: {
              [HEADERS.event]: "report",
              [HEADERS.decision]: d.report.decision,
              [HEADERS.primary]: d.report.primary,
              ...(d.entity && { [HEADERS.entity]: `${d.entity.kind}:${d.entity.name}` }),
            },
          },
        ],
      });
    },
    async close() {
      const p = producer;
      producer = undefined;
      if (p) await (await p.catch(() => undefined))?.disconnect().catch(() => {});
    },
  };
}
