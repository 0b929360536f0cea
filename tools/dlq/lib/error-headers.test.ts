import { describe, expect, it } from "vitest";
import { decodeText, parseDlqHeaders } from "./error-headers.ts";

const b64 = (s: string | Buffer): string => `base64:${Buffer.from(s).toString("base64")}`;

describe("parseDlqHeaders: Kafka Connect", () => {
  it("reads every __connect.errors.* header", () => {
    expect(
      parseDlqHeaders({
        "__connect.errors.topic": "orders",
        "__connect.errors.partition": "3",
        "__connect.errors.offset": "98211",
        "__connect.errors.connector.name": "orders-sink",
        "__connect.errors.task.id": "0",
        "__connect.errors.stage": "VALUE_CONVERTER",
        "__connect.errors.class.name": "io.confluent.connect.avro.AvroConverter",
        "__connect.errors.exception.class.name": "org.apache.kafka.connect.errors.DataException",
        "__connect.errors.exception.message": "Converting byte[] to Kafka Connect data failed due to serialization error",
        "__connect.errors.exception.stacktrace": "org.apache.kafka.connect.errors.DataException: Converting...\n\tat ...",
      }),
    ).toEqual({
      family: "connect",
      originalTopic: "orders",
      originalPartition: 3,
      originalOffset: "98211",
      connector: "orders-sink",
      task: "0",
      stage: "VALUE_CONVERTER",
      pluginClass: "io.confluent.connect.avro.AvroConverter",
      exceptionClass: "org.apache.kafka.connect.errors.DataException",
      message: "Converting byte[] to Kafka Connect data failed due to serialization error",
      stacktrace: "org.apache.kafka.connect.errors.DataException: Converting...\n\tat ...",
    });
  });

  it("the contract's example", () => {
    expect(
      parseDlqHeaders({
        "__connect.errors.exception.class.name": "org.apache.kafka.connect.errors.RetriableException",
        "__connect.errors.exception.message": "Connection refused: es-1:9200",
        "__connect.errors.topic": "orders",
        "__connect.errors.partition": "0",
        "__connect.errors.offset": "98211",
      }),
    ).toEqual({
      family: "connect",
      exceptionClass: "org.apache.kafka.connect.errors.RetriableException",
      message: "Connection refused: es-1:9200",
      originalTopic: "orders",
      originalPartition: 0,
      originalOffset: "98211",
    });
  });
});

describe("parseDlqHeaders: Spring Kafka", () => {
  it("reads the kafka_dlt-* headers (KafkaHeaders.DLT_*)", () => {
    expect(
      parseDlqHeaders({
        "kafka_dlt-original-topic": "payments",
        "kafka_dlt-original-partition": "1",
        "kafka_dlt-original-offset": "9223372036854775807",
        "kafka_dlt-original-timestamp": "1793588470000",
        "kafka_dlt-original-consumer-group": "payments-svc",
        "kafka_dlt-exception-fqcn": "org.springframework.kafka.listener.ListenerExecutionFailedException",
        "kafka_dlt-exception-cause-fqcn": "java.lang.NullPointerException",
        "kafka_dlt-exception-message": "Listener method threw exception",
        "kafka_dlt-exception-stacktrace": "org.springframework...\nCaused by: java.lang.NullPointerException",
      }),
    ).toEqual({
      family: "spring",
      originalTopic: "payments",
      originalPartition: 1,
      originalOffset: "9223372036854775807",
      originalTimestamp: new Date(1793588470000).toISOString(),
      consumerGroup: "payments-svc",
      exceptionClass: "org.springframework.kafka.listener.ListenerExecutionFailedException",
      causeClass: "java.lang.NullPointerException",
      message: "Listener method threw exception",
      stacktrace: "org.springframework...\nCaused by: java.lang.NullPointerException",
    });
  });

  it("reads the non-DLT kafka_exception-* / kafka_original-* forms", () => {
    expect(
      parseDlqHeaders({
        "kafka_original-topic": "payments",
        "kafka_original-partition": "2",
        "kafka_original-offset": "44",
        "kafka_exception-fqcn": "javax.validation.ValidationException",
        "kafka_exception-message": "amount must be positive",
      }),
    ).toMatchObject({
      family: "spring",
      originalTopic: "payments",
      originalPartition: 2,
      originalOffset: "44",
      exceptionClass: "javax.validation.ValidationException",
      message: "amount must be positive",
    });
  });

  it("reads Spring's 4/8-byte big-endian binary numbers when given as base64", () => {
    const partition = Buffer.alloc(4);
    partition.writeInt32BE(7);
    const offset = Buffer.alloc(8);
    offset.writeBigInt64BE(123456789012n);
    const ts = Buffer.alloc(8);
    ts.writeBigInt64BE(1793588470000n);
    const attempts = Buffer.alloc(4);
    attempts.writeInt32BE(3);
    expect(
      parseDlqHeaders({
        "kafka_dlt-original-topic": b64("payments"),
        "kafka_dlt-original-partition": b64(partition),
        "kafka_dlt-original-offset": b64(offset),
        "kafka_dlt-original-timestamp": b64(ts),
        kafka_deliveryAttempt: b64(attempts),
      }),
    ).toEqual({
      family: "spring",
      originalTopic: "payments",
      originalPartition: 7,
      originalOffset: "123456789012",
      originalTimestamp: new Date(1793588470000).toISOString(),
      attempts: 3,
    });
  });

  it("falls back to the key exception headers", () => {
    expect(
      parseDlqHeaders({
        "kafka_dlt-original-topic": "t",
        "kafka_dlt-key-exception-fqcn": "org.springframework.kafka.support.serializer.DeserializationException",
        "kafka_dlt-key-exception-message": "failed to deserialize; nested exception",
      }),
    ).toMatchObject({
      family: "spring",
      exceptionClass: "org.springframework.kafka.support.serializer.DeserializationException",
      message: "failed to deserialize; nested exception",
      keyFailure: true,
    });
  });

  it("infers a DeserializationException from ErrorHandlingDeserializer's header", () => {
    expect(parseDlqHeaders({ springDeserializerExceptionValue: "base64:rO0ABXNy" })).toEqual({
      family: "unknown",
      exceptionClass: "org.springframework.kafka.support.serializer.DeserializationException",
    });
  });
});

describe("parseDlqHeaders: values", () => {
  it("decodes printable base64 text and keeps binary as given", () => {
    const binary = `base64:${Buffer.from([0, 1, 2, 255, 254]).toString("base64")}`;
    const parsed = parseDlqHeaders({
      "__connect.errors.exception.message": b64("Unknown magic byte!"),
      "__connect.errors.exception.class.name": binary,
    });
    expect(parsed.message).toBe("Unknown magic byte!");
    expect(parsed.exceptionClass).toBe(binary);
    expect(decodeText("base64:!!!")).toBe("base64:!!!");
    expect(decodeText("plain")).toBe("plain");
    expect(decodeText(b64("line 1\nline 2\tx"))).toBe("line 1\nline 2\tx");
  });

  it.each([
    ["-1", undefined, undefined],
    ["abc", undefined, undefined],
    ["1.5", undefined, undefined],
    ["", undefined, undefined],
    ["99999999999999999999", undefined, undefined],
    ["9223372036854775808", undefined, undefined],
    ["2147483648", undefined, "2147483648"],
    [" 12 ", 12, "12"],
    ["007", 7, "7"],
  ])("malformed or odd number %j", (value, partition, offset) => {
    const parsed = parseDlqHeaders({ "__connect.errors.partition": value, "__connect.errors.offset": value });
    expect(parsed.originalPartition).toBe(partition);
    expect(parsed.originalOffset).toBe(offset);
  });

  it("timestamps: epoch millis, ISO kept, garbage dropped", () => {
    expect(parseDlqHeaders({ "kafka_dlt-original-timestamp": "2026-11-02T03:01:10Z" }).originalTimestamp).toBe("2026-11-02T03:01:10Z");
    expect(parseDlqHeaders({ "kafka_dlt-original-timestamp": "2026-11-02T04:01:10+01:00" }).originalTimestamp).toBe(
      "2026-11-02T03:01:10.000Z",
    );
    expect(parseDlqHeaders({ "kafka_dlt-original-timestamp": "yesterday" }).originalTimestamp).toBeUndefined();
    expect(parseDlqHeaders({ "kafka_dlt-original-timestamp": "0" }).originalTimestamp).toBe("1970-01-01T00:00:00.000Z");
  });

  it.each([
    ["retry-count", "4", 4],
    ["x-retry-count", "2", 2],
    ["kafka_delivery-attempt", "5", 5],
    ["kafka_deliveryAttempt", "6", 6],
    ["retry_topic-attempts", "3", 3],
    ["retry-count", "many", undefined],
  ])("attempts from %s=%j", (name, value, attempts) => {
    expect(parseDlqHeaders({ "kafka_dlt-original-topic": "t", [name]: value }).attempts).toBe(attempts);
  });

  it("header names are matched case-insensitively", () => {
    expect(parseDlqHeaders({ "KAFKA_DLT-ORIGINAL-TOPIC": "t" })).toEqual({ family: "spring", originalTopic: "t" });
  });

  it("generic headers when neither family matches", () => {
    expect(
      parseDlqHeaders({ "x-exception-class": "java.net.SocketTimeoutException", "error-message": "Read timed out", "original-offset": "5" }),
    ).toEqual({ family: "unknown", exceptionClass: "java.net.SocketTimeoutException", message: "Read timed out", originalOffset: "5" });
  });

  it("never throws on odd input", () => {
    expect(parseDlqHeaders({})).toEqual({ family: "unknown" });
    expect(parseDlqHeaders(null as unknown as Record<string, string>)).toEqual({ family: "unknown" });
    expect(parseDlqHeaders({ "__connect.errors.partition": 5 as unknown as string })).toEqual({ family: "unknown" });
  });
});
