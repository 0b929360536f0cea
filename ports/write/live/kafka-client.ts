/**
 * The kafkajs client a live write port works through: built by ports/live/connection.ts from the
 * settings (TLS, SASL, redacted logging, sockets released on close), an admin connected lazily
 * and once, and every call bounded by the call deadline with its error redacted and named.
 */
import type { Admin, Kafka } from "kafkajs";
import { createKafkaClient } from "../../live/connection.ts";
import { toLiveError, withDeadline } from "../../live/call.ts";
import type { LiveWriteContext } from "./context.ts";

export interface LiveKafka {
  kafka: Kafka;
  admin(): Promise<Admin>;
  /**
   * Runs `fn` within the call deadline, again after the policy's backoff while it fails with an
   * error a retry can cure (a coordinator loading, a leader moving) unless `once`; a failure
   * becomes an Error naming `what`, redacted.
   */
  call<T>(what: string, fn: () => Promise<T>, options?: { deadlineMs?: number; once?: boolean }): Promise<T>;
  /** An Error naming `what`, with the cause's first line, redacted. */
  failure(what: string, error: unknown): Error;
  close(): Promise<void>;
}

export function liveKafka(ctx: LiveWriteContext): LiveKafka {
  const kafkaSettings = ctx.settings.kafka;
  if (!kafkaSettings) throw new Error("acting on a cluster needs kafka.bootstrap (--bootstrap or KAFKA_BOOTSTRAP_SERVERS)");
  const client = createKafkaClient(kafkaSettings, ctx.settings, ctx.redact, ctx.log);
  let admin: Admin | undefined;
  let connecting: Promise<Admin> | undefined;
  const failure = (what: string, error: unknown): Error => {
    const message = error instanceof Error ? error.message : String(error);
    return new Error(ctx.redact(`${what}: ${message.split("\n")[0]}`), { cause: error });
  };
  return {
    kafka: client.kafka,
    admin: () =>
      (connecting ??= (async () => {
        const a = client.kafka.admin();
        admin = a;
        try {
          await withDeadline("connect", ctx.policy.deadlineMs, a.connect());
          return a;
        } catch (error) {
          connecting = undefined;
          await a.disconnect().catch(() => {});
          throw failure("connecting to the cluster", error);
        }
      })()),
    async call(what, fn, options = {}) {
      const retries = options.once ? 0 : ctx.policy.retries;
      for (let attempt = 0; ; attempt++) {
        try {
          return await withDeadline(what, options.deadlineMs ?? ctx.policy.deadlineMs, fn());
        } catch (error) {
          if (attempt >= retries || !toLiveError(error).retriable) throw failure(what, error);
          await new Promise((resolve) => setTimeout(resolve, ctx.policy.backoffMs * 2 ** attempt));
        }
      }
    },
    failure,
    async close() {
      if (admin) await withDeadline("disconnect", ctx.policy.deadlineMs, admin.disconnect()).catch(() => {});
      admin = undefined;
      connecting = undefined;
      client.release();
    },
  };
}
