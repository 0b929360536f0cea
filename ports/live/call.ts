/**
 * Every live read goes through here: a deadline, a bounded retry for what can succeed on a
 * second try, secrets scrubbed from the reason. Failures come back as `unavailable` readouts,
 * never as exceptions, so a dead broker degrades an investigation instead of crashing it.
 */
import type { Settings } from "../../config/settings.ts";
import { ok, unavailable, type Readout } from "../ports.ts";

export interface CallPolicy {
  deadlineMs: number;
  retries: number;
  backoffMs: number;
  /** Scrubs secrets from error text. */
  redact: (text: string) => string;
}

export function callPolicy(settings: Settings, redact: (text: string) => string): CallPolicy {
  return { deadlineMs: settings.calls.deadline, retries: settings.calls.retries, backoffMs: settings.calls.backoff, redact };
}

export class DeadlineExceeded extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no answer within ${ms} ms`);
  }
}

export async function liveCall<T>(what: string, policy: CallPolicy, read: () => Promise<T>): Promise<Readout<T>> {
  let lastError: unknown;
  for (let attempt = 0; attempt <= policy.retries; attempt++) {
    try {
      return ok(await withDeadline(what, policy.deadlineMs, read()));
    } catch (error) {
      lastError = error;
      if (!retriable(error) || attempt === policy.retries) break;
      await new Promise((r) => setTimeout(r, policy.backoffMs * 2 ** attempt));
    }
  }
  return unavailable(what, policy.redact(describe(lastError)));
}

/** Runs a promise against a deadline; the loser is left to settle on its own. */
export function withDeadline<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(what, ms)), ms);
  });
  promise.catch(() => {}); // a late rejection after the deadline must not surface as unhandled
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** kafkajs marks its errors `retriable`; deadlines and connection resets can also pass. */
function retriable(error: unknown): boolean {
  if (error instanceof DeadlineExceeded) return false; // the deadline is the budget for the whole read
  const e = error as { retriable?: boolean; code?: string; status?: number };
  if (typeof e?.retriable === "boolean") return e.retriable;
  if (typeof e?.status === "number") return e.status >= 500 || e.status === 429;
  return e?.code === "ECONNRESET" || e?.code === "ECONNREFUSED";
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split("\n")[0]!.slice(0, 300);
  return String(error).slice(0, 300);
}
