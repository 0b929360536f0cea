/**
 * Classifies why a record reached a dead-letter topic, from its parsed error headers.
 *
 * The exception message and stack trace are untrusted text written by the failing application:
 * they are only matched against fixed patterns here, never evaluated, and the reason returned
 * names the rule that matched (a fixed label), not a copy of the message. Only the first
 * MAX_SCAN characters of each text are scanned.
 *
 * Classes considered: the exception class, Spring's cause class, and the `Caused by:` classes of
 * the stack trace. Precedence, first match wins:
 *
 *  1. transient       an exception class in the chain is a transient failure (retriable Kafka
 *                     errors, timeouts, java.net connection failures, unknown host, throttling).
 *                     A transient cause wins over everything: the data may be fine (e.g. a
 *                     converter that could not reach the schema registry).
 *  2. deserialization a class in the chain is a (de)serialization/schema failure, or the Connect
 *                     stage is a converter (KEY_CONVERTER, VALUE_CONVERTER, HEADER_CONVERTER).
 *  3. business        a class in the chain is a validation failure (ValidationException,
 *                     ConstraintViolationException, ...), or an IllegalArgumentException /
 *                     IllegalStateException whose message sounds like validation.
 *  4. poison          a class in the chain is a programming error (NullPointerException,
 *                     ClassCastException, index out of bounds, NumberFormatException,
 *                     StackOverflowError, ...), or a JSON parse/mapping failure outside a
 *                     deserializer. Only a hint: whether the same record fails repeatedly is
 *                     judged elsewhere.
 *  5. transient       the message says so: connection refused/reset, timed out, temporarily
 *                     unavailable, throttled, HTTP 502/503/504/429/408.
 *  6. deserialization the message says so: unknown magic byte, error deserializing, schema ...
 *  7. business        the message says so: must be, invalid, not allowed, unknown customer ...,
 *                     or an HTTP 4xx status other than 408/429.
 *  8. unknown
 */
import { z } from "zod";
import type { DlqError } from "./error-headers.ts";

export const FailureClass = z.enum(["transient", "deserialization", "business", "poison", "unknown"]);
export type FailureClass = z.infer<typeof FailureClass>;

export type FailureClassification = { class: FailureClass; reason: string };

/** Untrusted texts are scanned up to this many characters. */
const MAX_SCAN = 20_000;

type ClassRule = { test: (fqcn: string, simple: string) => boolean; why: string };

const TRANSIENT_CLASSES: ClassRule[] = [
  { test: (_, s) => s === "RetriableException", why: "is a retriable Kafka error" },
  {
    test: (_, s) =>
      [
        "NetworkException",
        "DisconnectException",
        "NotLeaderOrFollowerException",
        "NotLeaderForPartitionException",
        "LeaderNotAvailableException",
        "NotEnoughReplicasException",
        "NotEnoughReplicasAfterAppendException",
        "CoordinatorNotAvailableException",
        "NotCoordinatorException",
        "CoordinatorLoadInProgressException",
        "UnknownTopicOrPartitionException",
        "KafkaStorageException",
        "ThrottlingQuotaExceededException",
      ].includes(s),
    why: "is a retriable Kafka error",
  },
  { test: (_, s) => s.endsWith("TimeoutException") || s === "TimeoutError", why: "is a timeout" },
  {
    // java.net.ConnectException and its subclasses; NOT org.apache.kafka.connect.errors.ConnectException.
    test: (f, s) =>
      f === "java.net.ConnectException" ||
      ["HttpHostConnectException", "NoRouteToHostException", "UnknownHostException", "PortUnreachableException"].includes(s) ||
      f === "java.net.SocketException" ||
      s === "ConnectionClosedException" ||
      s === "ClosedChannelException" ||
      s === "ResourceAccessException",
    why: "is a transient I/O failure",
  },
  {
    test: (_, s) => /Transient|Throttl|ServiceUnavailable|TooManyRequests|RateLimit/.test(s) || s === "RecoverableDataAccessException" || s === "CannotAcquireLockException",
    why: "is a transient failure of a dependency",
  },
];

const CONVERTER_STAGES = new Set(["KEY_CONVERTER", "VALUE_CONVERTER", "HEADER_CONVERTER"]);

const DESERIALIZATION_CLASSES: ClassRule[] = [
  {
    test: (_, s) =>
      [
        "SerializationException",
        "DeserializationException",
        "RecordDeserializationException",
        "AvroTypeException",
        "SchemaParseException",
        "InvalidProtocolBufferException",
        "MessageConversionException",
        "ConversionException",
        "RestClientException",
        "SchemaException",
      ].includes(s),
    why: "is a (de)serialization or schema failure",
  },
  {
    test: (f) => f === "org.apache.kafka.connect.errors.DataException",
    why: "is a Kafka Connect data conversion failure",
  },
];

const BUSINESS_CLASSES: ClassRule[] = [
  {
    test: (_, s) =>
      s.endsWith("ValidationException") ||
      s.startsWith("ConstraintViolation") ||
      s === "MethodArgumentNotValidException" ||
      s === "BindException" ||
      /^(Business|Domain)[A-Za-z]*Exception$/.test(s) ||
      /(Rule|Policy|Limit|Quota|Invariant)Violation(Exception)?$/.test(s) ||
      /^(Rule|Policy)[A-Za-z]*(Exception|Rejection)$/.test(s),
    why: "is a validation (business rule) failure",
  },
];

const POISON_CLASSES: ClassRule[] = [
  {
    test: (_, s) =>
      [
        "NullPointerException",
        "ClassCastException",
        "ArrayIndexOutOfBoundsException",
        "StringIndexOutOfBoundsException",
        "IndexOutOfBoundsException",
        "NumberFormatException",
        "StackOverflowError",
        "ArithmeticException",
        "NoSuchElementException",
        "NegativeArraySizeException",
        "ArrayStoreException",
      ].includes(s),
    why: "is a programming error on this record (poison hint)",
  },
];

/** JSON parse/mapping failures: deserialization at a converter stage, else a malformed record. */
const JSON_FAILURES = new Set(["JsonParseException", "JsonMappingException", "MismatchedInputException", "InvalidFormatException", "JsonEOFException", "JsonSyntaxException", "UnrecognizedPropertyException"]);

type MessageRule = { re: RegExp; label: string };

const TRANSIENT_MESSAGES: MessageRule[] = [
  { re: /connection refused/i, label: "connection refused" },
  { re: /connection reset/i, label: "connection reset" },
  { re: /\btimed out\b|\b(?:read|connect|connection|request|socket|gateway) time-?out\b|\btime-?out (?:expired|exceeded|occurred)\b/i, label: "timed out" },
  { re: /temporar(il)?y unavailable/i, label: "temporarily unavailable" },
  { re: /\bservice unavailable\b/i, label: "service unavailable" },
  { re: /\bbad gateway\b/i, label: "bad gateway" },
  { re: /\bgateway time-?out\b/i, label: "gateway timeout" },
  { re: /\btoo many requests\b/i, label: "too many requests" },
  { re: /throttl/i, label: "throttled" },
  { re: /rate limit/i, label: "rate limited" },
  { re: /unknown host|name or service not known|nodename nor servname/i, label: "unknown host" },
  { re: /no route to host|network is unreachable|broken pipe/i, label: "network unreachable" },
  { re: /\b(?:leader not available|not leader for partition|not enough replicas)\b/i, label: "Kafka partition unavailable" },
  { re: /\bdeadlock\b|lock wait timeout/i, label: "lock contention" },
  { re: /\btry again later\b|\bretry later\b/i, label: "asks to retry later" },
];

const DESERIALIZATION_MESSAGES: MessageRule[] = [
  { re: /unknown magic byte/i, label: "unknown magic byte" },
  { re: /error deserializ/i, label: "error deserializing" },
  { re: /failed to deserializ|could not deserializ|cannot deserializ|unable to deserializ/i, label: "failed to deserialize" },
  { re: /error serializ|failed to serializ/i, label: "serialization error" },
  { re: /converting byte\[\] to kafka connect data failed/i, label: "Connect converter failure" },
  { re: /error retrieving (avro|json|protobuf)? ?schema/i, label: "schema lookup failed" },
  { re: /subject .{0,200}not found|schema .{0,50}not found|error code:?\s*4040[1-3]/i, label: "schema or subject not found" },
  { re: /\bschema\b/i, label: "mentions a schema" },
  { re: /malformed (json|avro|protobuf|record|payload)|unexpected character .{0,40}expected/i, label: "malformed payload" },
];

const BUSINESS_MESSAGES: MessageRule[] = [
  { re: /\bmust (?:be|not|have|contain)\b/i, label: "must be" },
  { re: /\binvalid\b/i, label: "invalid" },
  { re: /\bnot allowed\b|\bnot permitted\b/i, label: "not allowed" },
  {
    re: /\bunknown (?:customer|account|product|order|user|item|sku|merchant|currency|country|tenant|store|supplier)\b/i,
    label: "unknown business entity",
  },
  { re: /\b(?:validation|constraint)s? (?:failed|error|violat)/i, label: "validation failed" },
  { re: /\bis required\b|\bis mandatory\b|\bmissing required\b/i, label: "required value missing" },
  { re: /\binsufficient (?:funds|balance|stock|inventory)\b/i, label: "insufficient funds/stock" },
  { re: /\b(?:duplicate|already exists)\b/i, label: "duplicate" },
  { re: /\brule [\w.-]+ (?:violated|failed)\b|\bexceeds (?:the )?(?:daily |monthly )?(?:cap|limit|quota)\b/i, label: "business rule violated" },
];

/** A validation-sounding message, for IllegalArgumentException / IllegalStateException. */
const VALIDATION_SOUNDING = /\bmust (?:be|not|have|contain)\b|\binvalid\b|\bnot allowed\b|\bis required\b|\bmissing\b|\bunknown [a-z]+\b|\bexceeds?\b|\bout of range\b|\bnot supported\b|\bnegative\b/i;

/** HTTP-looking status codes in a message: `HTTP 503`, `status 503`, `status code: 422`, `503 Service Unavailable`. */
function httpStatuses(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/\b(?:HTTP(?:\/\d(?:\.\d)?)?|status(?:[ _-]?code)?|response(?:[ _-]?code)?|http[ _-]?code)\s*[:=]?\s*\(?([1-5]\d{2})\b/gi)) {
    out.push(Number(m[1]));
  }
  for (const m of text.matchAll(/\b([1-5]\d{2})\s+(bad request|unauthorized|forbidden|not found|conflict|unprocessable entity|too many requests|request timeout|internal server error|bad gateway|service unavailable|gateway time-?out)\b/gi)) {
    out.push(Number(m[1]));
  }
  return out;
}

export function classifyFailure(err: DlqError): FailureClassification {
  try {
    return classify(err);
  } catch {
    return { class: "unknown", reason: "the error headers could not be read" };
  }
}

function simpleName(fqcn: string): string {
  const parts = fqcn.split(/[.$]/);
  return parts[parts.length - 1] ?? fqcn;
}

/** Whether a header value looks like a Java class name (so that free text is never read as one). */
function isClassName(s: string): boolean {
  return s.length <= 300 && /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$/.test(s);
}

function classChain(err: DlqError): string[] {
  const chain: string[] = [];
  const add = (c: string | undefined): void => {
    const name = c?.trim();
    if (name && isClassName(name) && !chain.includes(name)) chain.push(name);
  };
  add(err.exceptionClass);
  add(err.causeClass);
  const trace = typeof err.stacktrace === "string" ? err.stacktrace.slice(0, MAX_SCAN) : "";
  // The first line of a Java stack trace is `fqcn: message`; each cause is `Caused by: fqcn: message`.
  const first = /^\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+)(?::|\s*$)/m.exec(trace);
  add(first?.[1]);
  for (const m of trace.matchAll(/Caused by:\s*([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)/g)) add(m[1]);
  return chain;
}

function matchClass(chain: string[], rules: ClassRule[]): { fqcn: string; why: string } | undefined {
  for (const rule of rules) {
    for (const fqcn of chain) {
      if (rule.test(fqcn, simpleName(fqcn))) return { fqcn, why: rule.why };
    }
  }
  return undefined;
}

function matchMessage(texts: string[], rules: MessageRule[]): string | undefined {
  for (const rule of rules) {
    if (texts.some((t) => rule.re.test(t))) return rule.label;
  }
  return undefined;
}

function classify(err: DlqError): FailureClassification {
  const chain = classChain(err);
  const message = typeof err.message === "string" ? err.message.slice(0, MAX_SCAN) : "";
  // Messages of causes appear in the stack trace; scan it too (as text, for the message rules).
  const trace = typeof err.stacktrace === "string" ? err.stacktrace.slice(0, MAX_SCAN) : "";
  const texts = [message, trace].filter((t) => t !== "");
  const stage = typeof err.stage === "string" ? err.stage.trim().toUpperCase() : undefined;
  const converterStage = stage !== undefined && CONVERTER_STAGES.has(stage);

  // 1. transient classes
  const transientClass = matchClass(chain, TRANSIENT_CLASSES);
  if (transientClass) return { class: "transient", reason: `exception class ${transientClass.fqcn} ${transientClass.why}` };

  // 2. deserialization classes and converter stages
  const deserClass = matchClass(chain, DESERIALIZATION_CLASSES);
  if (deserClass) return { class: "deserialization", reason: `exception class ${deserClass.fqcn} ${deserClass.why}` };
  if (converterStage) return { class: "deserialization", reason: `Kafka Connect failed at stage ${stage}, a (de)serialization stage` };

  // 3. business classes
  const businessClass = matchClass(chain, BUSINESS_CLASSES);
  if (businessClass) return { class: "business", reason: `exception class ${businessClass.fqcn} ${businessClass.why}` };
  const illegal = chain.find((c) => ["IllegalArgumentException", "IllegalStateException"].includes(simpleName(c)));
  if (illegal && VALIDATION_SOUNDING.test(message)) {
    return { class: "business", reason: `exception class ${illegal} with a validation-sounding message` };
  }

  // 4. poison classes
  const poisonClass = matchClass(chain, POISON_CLASSES);
  if (poisonClass) return { class: "poison", reason: `exception class ${poisonClass.fqcn} ${poisonClass.why}` };
  const jsonFailure = chain.find((c) => JSON_FAILURES.has(simpleName(c)));
  if (jsonFailure) {
    return {
      class: "poison",
      reason: `exception class ${jsonFailure} is a JSON parse failure outside a deserializer: the record itself is malformed (poison hint)`,
    };
  }

  // 5. transient messages and statuses
  const statuses = texts.flatMap(httpStatuses);
  const transientStatus = statuses.find((s) => s === 502 || s === 503 || s === 504 || s === 429 || s === 408);
  if (transientStatus !== undefined) return { class: "transient", reason: `message carries HTTP status ${transientStatus}, a transient failure` };
  const transientMessage = matchMessage(texts, TRANSIENT_MESSAGES);
  if (transientMessage) return { class: "transient", reason: `message matches "${transientMessage}", a transient failure` };

  // 6. deserialization messages
  const deserMessage = matchMessage(texts, DESERIALIZATION_MESSAGES);
  if (deserMessage) return { class: "deserialization", reason: `message matches "${deserMessage}", a (de)serialization failure` };

  // 7. business messages and 4xx statuses
  const clientStatus = statuses.find((s) => s >= 400 && s < 500);
  if (clientStatus !== undefined) return { class: "business", reason: `message carries HTTP status ${clientStatus}: the request was rejected` };
  const businessMessage = matchMessage([message], BUSINESS_MESSAGES);
  if (businessMessage) return { class: "business", reason: `message matches "${businessMessage}", a business rule rejection` };

  if (chain.length === 0 && message === "") return { class: "unknown", reason: "no exception class or message in the headers" };
  return {
    class: "unknown",
    reason: chain.length > 0 ? `exception class ${chain[0]} matches no known failure pattern` : "the message matches no known failure pattern",
  };
}
