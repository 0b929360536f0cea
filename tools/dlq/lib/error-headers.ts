/**
 * Normalizes the error headers of a dead-letter record, as written by Kafka Connect's
 * `errors.deadletterqueue.context.headers.enable=true` (`__connect.errors.*`) or by Spring Kafka's
 * `DeadLetterPublishingRecoverer` (`KafkaHeaders.DLT_*` = `kafka_dlt-*`, and the non-DLT names
 * `KafkaHeaders.EXCEPTION_*` / `ORIGINAL_*` = `kafka_exception-*` / `kafka_original-*` it uses when
 * publishing to a retry topic), into one shape.
 *
 * Header values are untrusted text: they are only read and copied here, never interpreted
 * beyond parsing numbers. Nothing throws: a malformed number becomes `undefined`.
 *
 * Values:
 * - `base64:...` values are decoded when the bytes are printable UTF-8 text, else kept as given.
 *   For the numeric headers a base64 value of 4 or 8 bytes is read as a big-endian int32/int64
 *   (Spring's own binary encoding), though the contract writes them as decimal strings.
 * - `originalOffset` is a canonical decimal string (int64 range); `originalPartition` an integer >= 0.
 * - `originalTimestamp` is ISO-8601 UTC: an epoch-milliseconds value (Spring's
 *   `kafka_dlt-original-timestamp`) is converted; an ISO-8601 value is kept; anything else is dropped.
 * - `attempts` comes from the first present of a few common retry-count headers (see ATTEMPT_HEADERS).
 */

export type DlqFamily = "connect" | "spring" | "unknown";

export type DlqError = {
  family: DlqFamily;
  /** Fully qualified exception class (Spring: `exception-fqcn`, else the key-exception one). */
  exceptionClass?: string;
  /** Spring only (`exception-cause-fqcn`): the cause of `exceptionClass`, often the real failure. */
  causeClass?: string;
  message?: string;
  stacktrace?: string;
  originalTopic?: string;
  originalPartition?: number;
  /** Decimal string. */
  originalOffset?: string;
  /** ISO-8601 UTC. */
  originalTimestamp?: string;
  /** Spring: `kafka_dlt-original-consumer-group`. */
  consumerGroup?: string;
  /** Connect only. */
  connector?: string;
  /** Connect only. */
  task?: string;
  /** Connect only: KEY_CONVERTER, VALUE_CONVERTER, HEADER_CONVERTER, TRANSFORMATION, TASK_PUT, TASK_POLL, KAFKA_PRODUCE, KAFKA_CONSUME. */
  stage?: string;
  /** Connect only (`__connect.errors.class.name`): the plugin class of the failing stage (converter, transform, task). */
  pluginClass?: string;
  /** True when Spring reported a key (not value) deserialization failure. */
  keyFailure?: boolean;
  attempts?: number;
};

const CONNECT = "__connect.errors.";

/** Spring header name suffixes, each tried as `kafka_dlt-<suffix>` then `kafka_<suffix>`. */
const SPRING_PREFIXES = ["kafka_dlt-", "kafka_"];

/** Retry-count headers seen in practice, most specific first. */
export const ATTEMPT_HEADERS = [
  "kafka_deliveryAttempt", // KafkaHeaders.DELIVERY_ATTEMPT (4-byte int)
  "kafka_delivery-attempt",
  "retry_topic-attempts", // Spring retryable topics (4-byte int)
  "retry-count",
  "x-retry-count",
  "retry_count",
  "retryCount",
  "x-attempts",
  "attempts",
  "delivery-attempt",
  "x-delivery-attempt",
  "retries",
  "x-retries",
  "x-redrive-count",
  "redrive-count",
];

/** Header names a hand-rolled DLQ producer commonly uses, read only when neither family matched. */
const GENERIC = {
  exceptionClass: ["exception-class", "x-exception-class", "exception", "x-exception", "error-class", "error.class", "x-error-class", "error_class"],
  message: ["exception-message", "x-exception-message", "error-message", "error.message", "x-error-message", "error_message", "error", "x-error"],
  originalTopic: ["original-topic", "x-original-topic", "source-topic", "x-source-topic", "source.topic", "original.topic", "source_topic"],
  originalPartition: ["original-partition", "x-original-partition", "source-partition", "x-source-partition", "source.partition", "original.partition", "source_partition"],
  originalOffset: ["original-offset", "x-original-offset", "source-offset", "x-source-offset", "source.offset", "original.offset", "source_offset"],
};

/**
 * True for a header a dead-letter publisher adds to say why and from where a record failed (the
 * names read above: Connect's, Spring's, the hand-rolled ones). A replay to the source topic drops
 * them, since the record is no longer a failure there. Retry counters are not among them: they
 * belong to the application's own retry logic.
 */
export function isDlqErrorHeader(name: string): boolean {
  const key = name.toLowerCase();
  if (key.startsWith(CONNECT) || /^kafka_(dlt-)?(key-)?(exception|original)-/.test(key) || key.startsWith("kafka_dlt-")) return true;
  if (key === "springdeserializerexceptionvalue" || key === "springdeserializerexceptionkey") return true;
  return Object.values(GENERIC).some((names) => names.includes(key));
}

export function parseDlqHeaders(headers: Record<string, string>): DlqError {
  try {
    return parse(headers);
  } catch {
    return { family: "unknown" };
  }
}

function parse(headers: Record<string, string>): DlqError {
  // Case-insensitive lookup, first spelling wins.
  const byName = new Map<string, string>();
  if (headers && typeof headers === "object") {
    for (const [name, value] of Object.entries(headers)) {
      if (typeof value !== "string") continue;
      const key = name.toLowerCase();
      if (!byName.has(key)) byName.set(key, value);
    }
  }
  const raw = (name: string): string | undefined => byName.get(name.toLowerCase());
  const text = (name: string): string | undefined => {
    const value = raw(name);
    return value === undefined ? undefined : decodeText(value);
  };
  const firstText = (names: string[]): string | undefined => {
    for (const name of names) {
      const value = text(name);
      if (value !== undefined && value !== "") return value;
    }
    return undefined;
  };
  const spring = (suffix: string): string[] => SPRING_PREFIXES.map((p) => `${p}${suffix}`);
  const firstRaw = (names: string[]): string | undefined => {
    for (const name of names) {
      const value = raw(name);
      if (value !== undefined && value !== "") return value;
    }
    return undefined;
  };

  const keys = [...byName.keys()];
  const isConnect = keys.some((k) => k.startsWith(CONNECT));
  const isSpring = keys.some((k) => /^kafka_(dlt-)?(key-)?(exception|original)-/.test(k));
  const family: DlqFamily = isConnect ? "connect" : isSpring ? "spring" : "unknown";
  const out: DlqError = { family };
  const set = <K extends keyof DlqError>(key: K, value: DlqError[K] | undefined): void => {
    if (value !== undefined && out[key] === undefined) out[key] = value;
  };

  if (isConnect) {
    set("originalTopic", text(`${CONNECT}topic`));
    set("originalPartition", toPartition(raw(`${CONNECT}partition`)));
    set("originalOffset", toOffset(raw(`${CONNECT}offset`)));
    set("connector", text(`${CONNECT}connector.name`));
    set("task", text(`${CONNECT}task.id`));
    set("stage", text(`${CONNECT}stage`));
    set("pluginClass", text(`${CONNECT}class.name`));
    set("exceptionClass", text(`${CONNECT}exception.class.name`));
    set("message", text(`${CONNECT}exception.message`));
    set("stacktrace", text(`${CONNECT}exception.stacktrace`));
  }
  if (isSpring) {
    set("originalTopic", firstText(spring("original-topic")));
    set("originalPartition", toPartition(firstRaw(spring("original-partition"))));
    set("originalOffset", toOffset(firstRaw(spring("original-offset"))));
    set("originalTimestamp", toTimestamp(firstRaw(spring("original-timestamp"))));
    set("consumerGroup", firstText(spring("original-consumer-group")));
    set("exceptionClass", firstText(spring("exception-fqcn")));
    set("causeClass", firstText(spring("exception-cause-fqcn")));
    set("message", firstText(spring("exception-message")));
    set("stacktrace", firstText(spring("exception-stacktrace")));
    if (out.exceptionClass === undefined && out.message === undefined) {
      // Only a key deserialization failure was recorded.
      const keyClass = firstText(spring("key-exception-fqcn"));
      const keyMessage = firstText(spring("key-exception-message"));
      if (keyClass !== undefined || keyMessage !== undefined) {
        set("exceptionClass", keyClass);
        set("message", keyMessage);
        set("stacktrace", firstText(spring("key-exception-stacktrace")));
        out.keyFailure = true;
      }
    }
  }
  if (!isConnect && !isSpring) {
    set("exceptionClass", firstText(GENERIC.exceptionClass));
    set("message", firstText(GENERIC.message));
    set("originalTopic", firstText(GENERIC.originalTopic));
    set("originalPartition", toPartition(firstRaw(GENERIC.originalPartition)));
    set("originalOffset", toOffset(firstRaw(GENERIC.originalOffset)));
  }
  // Spring's ErrorHandlingDeserializer leaves a serialized DeserializationException in these
  // headers when the record could not be deserialized (and no DLT headers say more).
  if (out.exceptionClass === undefined) {
    if (raw("springDeserializerExceptionValue") !== undefined || raw("springDeserializerExceptionKey") !== undefined) {
      out.exceptionClass = "org.springframework.kafka.support.serializer.DeserializationException";
      if (raw("springDeserializerExceptionValue") === undefined) out.keyFailure = true;
    }
  }
  for (const name of ATTEMPT_HEADERS) {
    const attempts = toCount(raw(name));
    if (attempts !== undefined) {
      out.attempts = attempts;
      break;
    }
  }
  return out;
}

const BASE64 = "base64:";

/** Bytes of a `base64:` value, or undefined when it is not one (or not valid base64). */
function base64Bytes(value: string): Buffer | undefined {
  if (!value.startsWith(BASE64)) return undefined;
  const body = value.slice(BASE64.length).trim();
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(body)) return undefined;
  return Buffer.from(body, body.includes("-") || body.includes("_") ? "base64url" : "base64");
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** A `base64:` value decoded when it is printable text, else the value as given. */
export function decodeText(value: string): string {
  const bytes = base64Bytes(value);
  if (!bytes) return value;
  try {
    const decoded = UTF8.decode(bytes);
    // Printable: no control characters other than tab, newline, carriage return.
    return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(decoded) ? value : decoded;
  } catch {
    return value;
  }
}

/** A non-negative integer from a decimal string, or a 4/8-byte big-endian base64 value. */
function toBigInt(value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  const bytes = base64Bytes(value);
  if (bytes) {
    const printable = decodeText(value);
    if (printable !== value) return toBigInt(printable);
    if (bytes.length === 4) return BigInt(bytes.readInt32BE(0));
    if (bytes.length === 8) return bytes.readBigInt64BE(0);
    return undefined;
  }
  const trimmed = value.trim();
  if (!/^[0-9]{1,19}$/.test(trimmed)) return undefined;
  return BigInt(trimmed);
}

const INT64_MAX = 9223372036854775807n;

function toOffset(value: string | undefined): string | undefined {
  const n = toBigInt(value);
  return n === undefined || n < 0n || n > INT64_MAX ? undefined : n.toString();
}

function toPartition(value: string | undefined): number | undefined {
  const n = toBigInt(value);
  return n === undefined || n < 0n || n > 2147483647n ? undefined : Number(n);
}

function toCount(value: string | undefined): number | undefined {
  const n = toBigInt(value);
  return n === undefined || n < 0n || n > 2147483647n ? undefined : Number(n);
}

/** Latest epoch milliseconds accepted as a record timestamp (year 9999). */
const MAX_EPOCH_MS = 253402300799999n;

function toTimestamp(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const n = toBigInt(value);
  if (n !== undefined) return n >= 0n && n <= MAX_EPOCH_MS ? new Date(Number(n)).toISOString() : undefined;
  const text = decodeText(value).trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) return undefined;
    return text.endsWith("Z") ? text : new Date(ms).toISOString();
  }
  return undefined;
}
