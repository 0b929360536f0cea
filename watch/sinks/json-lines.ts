/**
 * Deliveries as JSON lines (one `kafka-ops-watch-event/v1` object per line): on stdout, or
 * appended to a file. A line is written whole or not at all, so a reader tailing the file
 * never sees half an event.
 */
import { appendFile } from "node:fs/promises";
import type { Delivery, DeliveryEntity, ReportSink } from "./sink.ts";

export const EVENT_FORMAT = "kafka-ops-watch-event/v1";

export type WatchEvent =
  | {
      format: typeof EVENT_FORMAT;
      event: "report";
      at: string;
      key: string;
      entity?: DeliveryEntity;
      reason?: string;
      link?: string;
      decision: string;
      primary: string;
      report: unknown;
    }
  | {
      format: typeof EVENT_FORMAT;
      event: "cleared";
      at: string;
      key: string;
      entity: DeliveryEntity;
      code: string;
      investigationId: string;
      summary: string;
    };

/** The one line of a delivery. */
export function eventOf(d: Delivery): WatchEvent {
  if (d.kind === "cleared") {
    return { format: EVENT_FORMAT, event: "cleared", at: d.at, key: d.key, entity: d.entity, code: d.code, investigationId: d.investigationId, summary: d.summary };
  }
  return {
    format: EVENT_FORMAT,
    event: "report",
    at: d.at,
    key: d.key,
    ...(d.entity && { entity: d.entity }),
    ...(d.reason && { reason: d.reason }),
    ...(d.link && { link: d.link }),
    decision: d.report.decision,
    primary: d.report.primary,
    report: d.report,
  };
}

export const eventLine = (d: Delivery): string => `${JSON.stringify(eventOf(d))}\n`;

/** JSON lines on a stream (stdout): each line in one write. */
export function streamSink(stream: { write(text: string): unknown }, name = "stdout"): ReportSink {
  return {
    name,
    async deliver(d) {
      stream.write(eventLine(d));
    },
    async close() {},
  };
}

/** JSON lines appended to `path` (created, readable by the owner only, when missing). */
export function fileSink(path: string): ReportSink {
  return {
    name: `file ${path}`,
    async deliver(d) {
      await appendFile(path, eventLine(d), { encoding: "utf8", mode: 0o600 });
    },
    async close() {},
  };
}
