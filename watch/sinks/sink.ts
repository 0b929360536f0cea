/**
 * Where reports go: stdout, a file, the reports topic, a webhook. A sink takes deliveries; the
 * watch hands it a report when an entity opens an investigation and a short note when the entity
 * has cleared, and the workers (one alert in, one report out) hand it reports keyed by alert id.
 *
 * One failing sink never stops the others, nor the loop: `fanOut` delivers to every sink,
 * counts what failed and says why, once per failure, through `onFailure`.
 */
import type { Redact } from "../../config/secret.ts";
import type { Report } from "../../contract/report.ts";
import type { DiagnosisCode } from "../../contract/vocabulary.ts";

/** What a delivery is about, when it is about a watched entity. */
export interface DeliveryEntity {
  kind: "group" | "topic" | "broker" | "cluster";
  name: string;
}

export type Delivery =
  | {
      kind: "report";
      /** The message key: the investigation id (watch) or the alert id (workers). */
      key: string;
      at: string;
      report: Report;
      entity?: DeliveryEntity;
      /** Why the watch opened it: the entity turned unhealthy, its diagnosis changed, or a restart re-ran an unreported one. */
      reason?: "raised" | "changed" | "restarted";
      /** The report page, when a server URL is configured. */
      link?: string;
    }
  | {
      kind: "cleared";
      key: string;
      at: string;
      entity: DeliveryEntity;
      /** The diagnosis that was open, and the investigation that opened it. */
      code: DiagnosisCode;
      investigationId: string;
      summary: string;
    };

export interface ReportSink {
  /** For messages and the failure metric: "stdout", "file", "topic ops.reports", "webhook hooks.slack.com". */
  readonly name: string;
  deliver(delivery: Delivery): Promise<void>;
  close(): Promise<void>;
}

export interface FanOut {
  /** Every sink, concurrently; resolves with the names of those that failed. */
  deliver(delivery: Delivery): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * All sinks as one. The delivery is scrubbed of the configured secrets once, before any sink
 * sees it: a report is already scrubbed, but entity names and summaries come from the cluster.
 */
export function fanOut(sinks: readonly ReportSink[], redact: Redact, onFailure: (sink: string, reason: string) => void = () => {}): FanOut {
  return {
    async deliver(delivery) {
      const clean = redact.deep(delivery);
      const results = await Promise.allSettled(sinks.map((s) => s.deliver(clean)));
      const failed: string[] = [];
      results.forEach((r, i) => {
        if (r.status === "fulfilled") return;
        const name = sinks[i]!.name;
        failed.push(name);
        onFailure(name, redact(r.reason instanceof Error ? r.reason.message : String(r.reason)));
      });
      return failed;
    },
    async close() {
      await Promise.allSettled(sinks.map((s) => s.close()));
    },
  };
}
