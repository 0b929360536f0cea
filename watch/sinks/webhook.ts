/**
 * Deliveries POSTed to a webhook: `slack` sends the Slack-compatible message (slack.ts), `json`
 * the watch event itself (json-lines.ts's object). Connection errors, timeouts, 429 and 5xx are
 * retried with exponential backoff (Retry-After honoured up to a limit); any other answer is
 * final. The URL is a secret (a Slack webhook URL is its own credential): messages name only
 * its host, and the caller adds it to the redactor.
 */
import { eventOf } from "./json-lines.ts";
import type { Delivery, ReportSink } from "./sink.ts";
import { slackMessage } from "./slack.ts";

export type WebhookFormat = "slack" | "json";

export interface WebhookOptions {
  format: WebhookFormat;
  /** Attempts in all (default 3). */
  attempts?: number;
  /** First backoff; doubles each retry (default 1 s). */
  backoffMs?: number;
  /** Deadline of one attempt (default 10 s). */
  deadlineMs?: number;
  /** Waits between attempts (tests pass one that does not). */
  sleep?: (ms: number) => Promise<void>;
}

const MAX_RETRY_AFTER_MS = 30_000;

export function webhookSink(url: string, options: WebhookOptions): ReportSink {
  const { format, attempts = 3, backoffMs = 1000, deadlineMs = 10_000 } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const host = new URL(url).host;
  const name = `${format === "slack" ? "slack" : "webhook"} ${host}`;
  return {
    name,
    async deliver(d: Delivery) {
      const body = JSON.stringify(format === "slack" ? slackMessage(d) : eventOf(d));
      let why = "";
      for (let attempt = 1; attempt <= attempts; attempt++) {
        let wait = backoffMs * 2 ** (attempt - 1);
        try {
          const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body, signal: AbortSignal.timeout(deadlineMs) });
          await response.arrayBuffer().catch(() => undefined); // drain: keep-alive reuses the socket
          if (response.ok) return;
          why = `answered ${response.status}`;
          if (response.status !== 429 && response.status < 500) break;
          const after = Number(response.headers.get("retry-after"));
          if (Number.isFinite(after) && after > 0) wait = Math.min(after * 1000, MAX_RETRY_AFTER_MS);
        } catch (error) {
          why = (error as Error).name === "TimeoutError" ? `no answer within ${deadlineMs} ms` : `could not be reached (${(error as Error).message})`;
        }
        if (attempt < attempts) await sleep(wait);
      }
      throw new Error(why); // the fan-out names the sink
    },
    async close() {},
  };
}
