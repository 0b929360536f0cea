/**
 * The webhook deployment target: each operation is one signed JSON POST to the receiver the
 * operator runs (their deploy tooling, a chat-ops bot, a GitOps committer), which carries it out.
 * docs/deployment-targets.md is the receiver's side of the protocol.
 *
 * Retries: connection errors, timeouts, 429 and 5xx are retried with exponential backoff
 * (Retry-After honoured up to a minute); other answers are final. Every attempt is signed anew
 * (fresh timestamp) and carries the same delivery id, so a receiver that saw the first attempt
 * land after all can drop the repeat. Every operation is idempotent as well (set replicas to N,
 * set these keys), so a repeat the receiver does not drop changes nothing.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { AuthenticationError, KafkaOpsError, RequestTimeoutError, UnavailableError, UnreachableError } from "../../../errors.ts";
import type { DeploymentConfigChange, DeploymentView } from "../deployment.ts";
import { sleep as realSleep, type DeploymentTarget, type GroupBinding, type Sleep, type WebhookSettings } from "./target.ts";
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signature } from "./webhook-signature.ts";

export const WEBHOOK_FORMAT = "kafka-ops.deployment/v1";
const MAX_RETRY_AFTER_MS = 60_000;
/** How much of a failing answer's body an error quotes (it is the receiver's text: evidence, scrubbed). */
const BODY_QUOTE = 200;

export type WebhookOperation = "describe" | "scale" | "set_config" | "stop" | "start";

export interface WebhookRequest {
  format: typeof WEBHOOK_FORMAT;
  delivery: string;
  at: string;
  operation: WebhookOperation;
  group: string;
  service: string;
  replicas?: number;
  config?: DeploymentConfigChange;
}

/** What a receiver answers to `describe`; other fields are ignored. */
const DescribeAnswer = z.object({
  replicas: z.number().int().min(0),
  running: z.boolean(),
  ready: z.number().int().min(0).optional(),
  config: z.record(z.string(), z.string()).default({}),
});

export interface WebhookDeps {
  redact(text: string): string;
  now?: () => Date;
  sleep?: Sleep;
  /** Delivery ids (tests pin them). */
  id?: () => string;
}

export function webhookTarget(name: string, settings: WebhookSettings, deps: WebhookDeps): DeploymentTarget {
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? realSleep;
  const id = deps.id ?? randomUUID;
  const url = new URL(settings.url);
  // Where requests go, for messages: never the query string or user info (either may hold a token).
  const where = `webhook ${name} (${url.origin}${url.pathname})`;
  const secret = settings.secret.reveal();

  async function send(group: string, binding: GroupBinding, operation: WebhookOperation, extra: Pick<WebhookRequest, "replicas" | "config"> = {}): Promise<string> {
    const request: WebhookRequest = { format: WEBHOOK_FORMAT, delivery: id(), at: now().toISOString(), operation, group, service: binding.service ?? group, ...extra };
    const body = JSON.stringify(request);
    const what = `${where} ${operation} ${group}`;
    let last: KafkaOpsError | undefined;
    for (let attempt = 0; attempt <= settings.retries; attempt++) {
      if (attempt > 0) await sleep(delayMs(settings.backoff, attempt, last));
      const timestamp = Math.floor(now().getTime() / 1000);
      let response: Response;
      try {
        response = await fetch(settings.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            [DELIVERY_HEADER]: request.delivery,
            [TIMESTAMP_HEADER]: String(timestamp),
            [SIGNATURE_HEADER]: signature(secret, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(settings.timeout),
          redirect: "error",
        });
      } catch (error) {
        last = transportError(what, settings.timeout, error, group);
        continue;
      }
      const text = await response.text().catch(() => "");
      if (response.ok) return text;
      last = statusError(what, response.status, deps.redact(text.slice(0, BODY_QUOTE)), group, retryAfterMs(response.headers.get("retry-after")));
      if (!last.retriable) break;
    }
    const attempts = settings.retries + 1;
    throw last!.retriable && attempts > 1 ? new UnavailableError(`${deps.redact(last!.message)} (gave up after ${attempts} attempts)`, { cause: last, context: { group } }) : last!;
  }

  return {
    async describe(group, binding): Promise<DeploymentView> {
      const text = await send(group, binding, "describe");
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new UnavailableError(`${where} describe ${group}: the answer is not JSON`, { context: { group } });
      }
      const parsed = DescribeAnswer.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new UnavailableError(`${where} describe ${group}: ${issue ? `${issue.path.join(".") || "(body)"}: ${issue.message}` : "unexpected answer"} (expected {replicas, running, config})`, { context: { group } });
      }
      const { replicas, running, ready, config } = parsed.data;
      return { target: `${where} service ${binding.service ?? group}`, replicas: running ? replicas : 0, running, ...(ready !== undefined && { ready }), config, notes: ["the webhook's receiver decides how a config change reaches the consumers (a restart, a reload)"] };
    },
    scale: async (group, binding, replicas) => void (await send(group, binding, "scale", { replicas })),
    setConfig: async (group, binding, changes) => void (await send(group, binding, "set_config", { config: changes })),
    stop: async (group, binding) => void (await send(group, binding, "stop")),
    start: async (group, binding) => void (await send(group, binding, "start")),
  };
}

/** Backoff before retry `attempt` (1-based): base x 2^(attempt-1), or what Retry-After asked for when that is longer. */
export function delayMs(baseMs: number, attempt: number, last: KafkaOpsError | undefined): number {
  const exponential = baseMs * 2 ** (attempt - 1);
  const asked = last instanceof WebhookStatusError ? (last.retryAfterMs ?? 0) : 0;
  return Math.max(exponential, Math.min(asked, MAX_RETRY_AFTER_MS));
}

/** Retry-After in seconds (the HTTP-date form is rare from such receivers; it is ignored). */
function retryAfterMs(header: string | null): number | undefined {
  if (!header || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}

/** A receiver's non-2xx answer: retriable for 429 and 5xx. */
class WebhookStatusError extends UnavailableError {
  readonly status: number;
  readonly retryAfterMs: number | undefined;
  constructor(message: string, status: number, retryAfterMs: number | undefined, group: string) {
    super(message, { retriable: status === 429 || status >= 500, context: { group } });
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

function statusError(what: string, status: number, body: string, group: string, retryAfter: number | undefined): KafkaOpsError {
  const message = `${what}: HTTP ${status}${body ? `: ${body.replace(/\s+/g, " ").trim()}` : ""}`;
  if (status === 401 || status === 403) return new AuthenticationError(`${message} (the receiver refused the signature or the operation)`, { context: { group } });
  if (status === 404) return new KafkaOpsError("NOT_FOUND", message);
  return new WebhookStatusError(message, status, retryAfter, group);
}

function transportError(what: string, timeoutMs: number, error: unknown, group: string): KafkaOpsError {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === "TimeoutError" || e.name === "AbortError") return new RequestTimeoutError(`${what}: no answer within ${timeoutMs} ms`, { cause: error, context: { group } });
  const reason = e.cause?.code ?? e.cause?.message ?? e.message ?? String(error);
  return new UnreachableError(`${what}: ${reason}`, { cause: error, context: { group } });
}
