/**
 * The one place for errors, in the style of kafkajs' error classes: each carries a code, the
 * Kafka context it happened in (group, topic, partition, broker, subject) and whether trying
 * the same thing again could succeed (`retriable`).
 *
 * Failures a caller is expected to handle travel as values (`Readout` and `Fault` in ports/);
 * a live read that fails is turned into one of the `LiveReadError`s below by the live call
 * layer (ports/live/call.ts), which then reports it as such a value. Thrown, these classes
 * are for input the user must fix, a cluster a command cannot do without, and bugs.
 */
export type ErrorCode =
  | "BAD_INPUT"
  | "NOT_FOUND"
  | "INTERNAL"
  /** Nothing answered: connection refused or reset, unknown host, no route, connect timeout. */
  | "UNREACHABLE"
  /** Something answered TCP but not in Kafka's protocol (an HTTP server, a TLS-only port...). */
  | "NOT_KAFKA"
  /** No answer within a deadline: ours for the whole read, or the client's for one request. */
  | "TIMEOUT"
  /** Credentials refused (SASL) or not allowed (ACLs, HTTP 401/403). */
  | "UNAUTHORIZED"
  /** The broker answered with a Kafka protocol error (its `type`, e.g. NOT_COORDINATOR). */
  | "PROTOCOL"
  /** The source answered with a failure of its own (HTTP 5xx, retries spent). */
  | "UNAVAILABLE";

/** Where in a Kafka estate an error happened. kafkajs' errors carry topic, partition and broker. */
export interface KafkaContext {
  group?: string;
  topic?: string;
  partition?: number;
  /** "host:port" or a broker id. */
  broker?: string;
  subject?: string;
}

export class KafkaOpsError extends Error {
  readonly code: ErrorCode;
  /** Whether trying the same thing again could succeed. */
  readonly retriable: boolean;
  constructor(code: ErrorCode, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** Input that breaks the contract: names the source and the JSON path. CLI exit code 2. */
export class BadInputError extends KafkaOpsError {
  readonly source: string;
  readonly path: string;
  constructor(source: string, path: string, expected: string) {
    super("BAD_INPUT", `${source}: ${path}: ${expected}`);
    this.source = source;
    this.path = path;
  }
}

export interface LiveErrorOptions {
  retriable?: boolean;
  cause?: unknown;
  context?: KafkaContext;
}

/** A read of a live cluster, registry or metrics source that failed. */
export class LiveReadError extends KafkaOpsError {
  readonly context: KafkaContext;
  constructor(code: ErrorCode, message: string, options: LiveErrorOptions = {}) {
    super(code, message, options);
    this.context = options.context ?? {};
  }
}

/** Nothing answered. Retriable: a broker that is restarting answers a moment later. */
export class UnreachableError extends LiveReadError {
  constructor(message: string, options: LiveErrorOptions = {}) {
    super("UNREACHABLE", message, { retriable: true, ...options });
  }
}

/** The address answers, but not as a Kafka broker: asking again gets the same answer. */
export class NotKafkaError extends LiveReadError {
  constructor(message: string, options: LiveErrorOptions = {}) {
    super("NOT_KAFKA", message, { ...options, retriable: false });
  }
}

/**
 * Our deadline for a whole read (retries included) passed. Not retriable: the deadline is the
 * budget of the read, and it is spent.
 */
export class DeadlineExceededError extends LiveReadError {
  readonly ms: number;
  constructor(what: string, ms: number, options: Omit<LiveErrorOptions, "retriable"> = {}) {
    super("TIMEOUT", `${what}: no answer within ${ms} ms`, { ...options, retriable: false });
    this.ms = ms;
  }
}

/** One request got no answer within the client's request timeout; another may. */
export class RequestTimeoutError extends LiveReadError {
  constructor(message: string, options: LiveErrorOptions = {}) {
    super("TIMEOUT", message, { retriable: true, ...options });
  }
}

/** Credentials refused or an operation not allowed: fixing that takes a person. */
export class AuthenticationError extends LiveReadError {
  constructor(message: string, options: LiveErrorOptions = {}) {
    super("UNAUTHORIZED", message, { ...options, retriable: false });
  }
}

/** A Kafka protocol error answered by a broker, with its type; retriable as Kafka says. */
export class KafkaProtocolError extends LiveReadError {
  readonly type: string;
  constructor(type: string, message: string, options: LiveErrorOptions = {}) {
    super("PROTOCOL", message, options);
    this.type = type;
  }
}

/** The source answered with a failure of its own (HTTP 5xx, retries spent, anything else). */
export class UnavailableError extends LiveReadError {
  constructor(message: string, options: LiveErrorOptions = {}) {
    super("UNAVAILABLE", message, options);
  }
}

/**
 * A command that needs the cluster could not read it at all (`lag`, `record`): one line on
 * stderr and exit code 1. `where` is the bootstrap list it tried.
 */
export class ClusterUnreachableError extends KafkaOpsError {
  readonly where: string;
  constructor(where: string, reason: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super("UNREACHABLE", `cannot reach Kafka at ${where}: ${reason}`, { retriable: true, ...options });
    this.where = where;
  }
}
