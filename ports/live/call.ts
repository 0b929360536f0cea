/**
 * Every live read goes through here: a deadline, a bounded retry for what can succeed on a
 * second try, secrets scrubbed from the reason. Whatever a client throws (kafkajs, the registry
 * client, fetch) is first mapped to one of errors.ts' classes (`toLiveError`), which says what
 * kind of failure it is and whether a retry helps; it comes back as an `unavailable` readout
 * carrying that kind, never as an exception, so a dead broker degrades an investigation
 * instead of crashing it.
 */
import { leaderlessTolerated } from "./kafkajs-leaderless.ts";
import type { Settings } from "../../config/settings.ts";
import {
  AuthenticationError,
  DeadlineExceededError,
  KafkaProtocolError,
  LiveReadError,
  NotKafkaError,
  RequestTimeoutError,
  UnavailableError,
  UnreachableError,
  type KafkaContext,
} from "../../errors.ts";
import { ok, unavailable, type FailureKind, type FaultEntity, type Readout } from "../ports.ts";

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

/**
 * The `code` of a socket error that ports/live/connection.ts raises when a server answers in
 * something other than Kafka's protocol; kafkajs passes it on in its KafkaJSConnectionError.
 */
export const NOT_KAFKA_CODE = "KAFKA_OPS_NOT_KAFKA";

/** One read: `context` names the group, topic or subject it is about, for the error and the fault. */
export async function liveCall<T>(what: string, policy: CallPolicy, read: () => Promise<T>, context: KafkaContext = {}): Promise<Readout<T>> {
  let last: LiveReadError | undefined;
  for (let attempt = 0; attempt <= policy.retries; attempt++) {
    try {
      return ok(await withDeadline(what, policy.deadlineMs, leaderlessTolerated(read)));
    } catch (error) {
      last = toLiveError(error, context);
      if (!last.retriable || attempt === policy.retries) break;
      await new Promise((r) => setTimeout(r, policy.backoffMs * 2 ** attempt));
    }
  }
  const entity = entityOf(context);
  return unavailable(what, policy.redact(describe(last)), {
    cause: failureKind(last!),
    retriable: last!.retriable,
    ...(Object.keys(entity).length && { entity }),
  });
}

/** Runs a promise against a deadline; the loser is left to settle on its own. */
export function withDeadline<T>(what: string, ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(what, ms)), ms);
  });
  promise.catch(() => {}); // a late rejection after the deadline must not surface as unhandled
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** kafkajs' protocol error types that mean "not allowed" rather than "try again". */
const AUTH_TYPES = new Set([
  "SASL_AUTHENTICATION_FAILED",
  "ILLEGAL_SASL_STATE",
  "UNSUPPORTED_SASL_MECHANISM",
  "TOPIC_AUTHORIZATION_FAILED",
  "GROUP_AUTHORIZATION_FAILED",
  "CLUSTER_AUTHORIZATION_FAILED",
  "TRANSACTIONAL_ID_AUTHORIZATION_FAILED",
  "DELEGATION_TOKEN_AUTHORIZATION_FAILED",
]);

/** Node's socket error codes for "nothing answered" (ENOTFOUND: the name does not resolve). */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EPIPE"]);

interface ClientError {
  name?: string;
  message?: string;
  retriable?: boolean;
  code?: string | number;
  type?: string;
  status?: number;
  broker?: string;
  topic?: string;
  partition?: number;
  cause?: unknown;
}

/**
 * Maps whatever a client threw to errors.ts' classes, keeping its first message line and its
 * Kafka context (kafkajs' `broker`, `topic`, `partition`, plus what the caller knows).
 * KafkaJSNumberOfRetriesExceeded is mapped by its cause, but is not retriable: kafkajs
 * already spent its retries on it.
 */
export function toLiveError(error: unknown, context: KafkaContext = {}): LiveReadError {
  if (error instanceof LiveReadError) return error;
  const e = (typeof error === "object" && error !== null ? error : { message: String(error) }) as ClientError;
  const message = firstLine(e.message ?? String(error));
  const ctx: KafkaContext = {
    ...context,
    ...(typeof e.broker === "string" && { broker: e.broker }),
    ...(typeof e.topic === "string" && { topic: e.topic }),
    ...(typeof e.partition === "number" && { partition: e.partition }),
  };
  const options = { cause: error, context: ctx };
  if (e.name === "KafkaJSNumberOfRetriesExceeded" && e.cause !== undefined && e.cause !== error) {
    const inner = toLiveError(e.cause, ctx);
    return rebuild(inner, { retriable: false, cause: error });
  }
  if (e.name === "KafkaJSSASLAuthenticationError" || (typeof e.type === "string" && AUTH_TYPES.has(e.type))) return new AuthenticationError(message, options);
  if (e.name === "KafkaJSRequestTimeoutError") return new RequestTimeoutError(message, options);
  if (e.name === "KafkaJSConnectionError" || e.name === "KafkaJSConnectionClosedError") {
    if (e.code === NOT_KAFKA_CODE) return new NotKafkaError(message, options);
    return new UnreachableError(message, options);
  }
  if (e.name === "KafkaJSProtocolError" || e.name === "KafkaJSOffsetOutOfRange" || e.name === "KafkaJSMemberIdRequired") {
    return new KafkaProtocolError(e.type ?? "UNKNOWN", message, { ...options, retriable: e.retriable === true });
  }
  if (typeof e.status === "number") {
    if (e.status === 401 || e.status === 403) return new AuthenticationError(message, options);
    return new UnavailableError(message, { ...options, retriable: e.status >= 500 || e.status === 429 });
  }
  if (typeof e.code === "string" && UNREACHABLE_CODES.has(e.code)) {
    // A name that does not resolve will not resolve on a second try within one read.
    return new UnreachableError(message, { ...options, retriable: e.code !== "ENOTFOUND" });
  }
  return new UnavailableError(message, { ...options, retriable: e.retriable === true });
}

/** The same class with another retriable flag (and cause). */
function rebuild(e: LiveReadError, override: { retriable: boolean; cause: unknown }): LiveReadError {
  const options = { ...override, context: e.context };
  switch (e.code) {
    case "UNREACHABLE":
      return new UnreachableError(e.message, options);
    case "NOT_KAFKA":
      return new NotKafkaError(e.message, options);
    case "TIMEOUT":
      return new RequestTimeoutError(e.message, options);
    case "UNAUTHORIZED":
      return new AuthenticationError(e.message, options);
    case "PROTOCOL":
      return new KafkaProtocolError(e instanceof KafkaProtocolError ? e.type : "UNKNOWN", e.message, options);
    default:
      return new UnavailableError(e.message, options);
  }
}

/** The fault kind a failed read reports. */
export function failureKind(e: LiveReadError): FailureKind {
  switch (e.code) {
    case "UNREACHABLE":
      return "unreachable";
    case "NOT_KAFKA":
      return "notKafka";
    case "TIMEOUT":
      return "timeout";
    case "UNAUTHORIZED":
      return "unauthorized";
    default:
      return "unavailable";
  }
}

function entityOf(context: KafkaContext): FaultEntity {
  return {
    ...(context.group !== undefined && { group: context.group }),
    ...(context.topic !== undefined && { topic: context.topic }),
    ...(context.broker !== undefined && { broker: context.broker }),
    ...(context.subject !== undefined && { subject: context.subject }),
  };
}

const firstLine = (text: string) => text.split("\n")[0]!.slice(0, 300);

function describe(error: LiveReadError | undefined): string {
  return error ? firstLine(error.message) : "failed";
}
