import kafkajs from "kafkajs";
import { describe, expect, it } from "vitest";
import { AuthenticationError, DeadlineExceededError, KafkaProtocolError, NotKafkaError, RequestTimeoutError, UnavailableError, UnreachableError } from "../../errors.ts";
import { liveCall, NOT_KAFKA_CODE, toLiveError, type CallPolicy } from "./call.ts";

// kafkajs is CommonJS: its error classes are reached through the default export.
type ErrorClass = new (...args: unknown[]) => Error;
const { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSRequestTimeoutError, KafkaJSProtocolError, KafkaJSSASLAuthenticationError } = kafkajs as unknown as Record<
  "KafkaJSConnectionError" | "KafkaJSNumberOfRetriesExceeded" | "KafkaJSRequestTimeoutError" | "KafkaJSProtocolError" | "KafkaJSSASLAuthenticationError",
  ErrorClass
>;

const policy = (retries = 2): CallPolicy => ({ deadlineMs: 200, retries, backoffMs: 1, redact: (t) => t.replaceAll("hunter2", "***") });

describe("toLiveError maps client errors to errors.ts, with their Kafka context and whether a retry helps", () => {
  it("a refused connection is unreachable and retriable, naming the broker", () => {
    const e = toLiveError(new KafkaJSConnectionError("Connection error: connect ECONNREFUSED 127.0.0.1:1", { broker: "127.0.0.1:1", code: "ECONNREFUSED" }), { group: "g" });
    expect([e instanceof UnreachableError, e.code, e.retriable, e.message, e.context]).toEqual([true, "UNREACHABLE", true, "Connection error: connect ECONNREFUSED 127.0.0.1:1", { group: "g", broker: "127.0.0.1:1" }]);
  });
  it("a server that answers in another protocol is not Kafka, and asking again will not help", () => {
    const e = toLiveError(new KafkaJSConnectionError("Connection error: not Kafka", { broker: "127.0.0.1:2", code: NOT_KAFKA_CODE }));
    expect([e instanceof NotKafkaError, e.code, e.retriable]).toEqual([true, "NOT_KAFKA", false]);
  });
  it("retries spent by kafkajs keep the cause's class but are no longer retriable", () => {
    const cause = new KafkaJSRequestTimeoutError("Request ApiVersions(key: 18, version: 2) timed out", { broker: "127.0.0.1:3" });
    const e = toLiveError(new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 1, retryTime: 100 }));
    expect([e instanceof RequestTimeoutError, e.code, e.retriable, e.message, e.context]).toEqual([true, "TIMEOUT", false, "Request ApiVersions(key: 18, version: 2) timed out", { broker: "127.0.0.1:3" }]);
  });
  it("a request timeout on its own is retriable", () => {
    const e = toLiveError(new KafkaJSRequestTimeoutError("Request Metadata(key: 3, version: 6) timed out", { broker: "b:9092" }));
    expect([e.code, e.retriable]).toEqual(["TIMEOUT", true]);
  });
  it("a SASL failure is unauthorized, never retried", () => {
    const e = toLiveError(new KafkaJSSASLAuthenticationError("SASL PLAIN authentication failed: Authentication failed"));
    expect([e instanceof AuthenticationError, e.code, e.retriable]).toEqual([true, "UNAUTHORIZED", false]);
  });
  it("a protocol error keeps its type and Kafka's retriable flag; an ACL refusal is unauthorized", () => {
    const coordinator = toLiveError(new KafkaJSProtocolError({ message: "This is not the correct coordinator for this group", type: "NOT_COORDINATOR", code: 16, retriable: true }), { group: "g" });
    expect([coordinator instanceof KafkaProtocolError, (coordinator as KafkaProtocolError).type, coordinator.retriable, coordinator.context]).toEqual([true, "NOT_COORDINATOR", true, { group: "g" }]);
    const acl = toLiveError(new KafkaJSProtocolError({ message: "Not authorized to access group", type: "GROUP_AUTHORIZATION_FAILED", code: 30, retriable: false }));
    expect([acl.code, acl.retriable]).toEqual(["UNAUTHORIZED", false]);
  });
  it("HTTP answers: 5xx and 429 retriable, 401/403 unauthorized, other 4xx final", () => {
    const http = (status: number) => Object.assign(new Error(`HTTP ${status}`), { status });
    expect([503, 429, 401, 404].map((s) => [toLiveError(http(s)).code, toLiveError(http(s)).retriable])).toEqual([
      ["UNAVAILABLE", true],
      ["UNAVAILABLE", true],
      ["UNAUTHORIZED", false],
      ["UNAVAILABLE", false],
    ]);
  });
  it("node socket codes: refused is unreachable and retriable, an unknown host is not retriable", () => {
    expect([toLiveError(Object.assign(new Error("x"), { code: "ECONNREFUSED" })).retriable, toLiveError(Object.assign(new Error("x"), { code: "ENOTFOUND" })).retriable]).toEqual([true, false]);
    expect(toLiveError(Object.assign(new Error("x"), { code: "ENOTFOUND" })) instanceof UnreachableError).toBe(true);
  });
  it("anything else is unavailable, not retriable", () => {
    const e = toLiveError("boom");
    expect([e instanceof UnavailableError, e.message, e.retriable]).toEqual([true, "boom", false]);
  });
});

describe("liveCall", () => {
  it("retries what is retriable, then reports the failure's kind, entity and redacted reason", async () => {
    let calls = 0;
    const r = await liveCall("configs", policy(2), async () => {
      calls++;
      throw new KafkaJSConnectionError("Connection error: hunter2 refused", { broker: "b:1", code: "ECONNREFUSED" });
    }, { topic: "orders" });
    expect(calls).toBe(3);
    expect(r).toEqual({ kind: "unavailable", what: "configs", reason: "Connection error: *** refused", cause: "unreachable", retriable: true, entity: { topic: "orders" } });
  });
  it("does not retry what is not retriable", async () => {
    let calls = 0;
    const r = await liveCall("subjects", policy(2), async () => {
      calls++;
      throw Object.assign(new Error("HTTP 401"), { status: 401 });
    });
    expect([calls, r]).toEqual([1, { kind: "unavailable", what: "subjects", reason: "HTTP 401", cause: "unauthorized", retriable: false }]);
  });
  it("gives up at the deadline, once: the deadline is the read's whole budget", async () => {
    let calls = 0;
    const r = await liveCall("listGroups", policy(2), () => (calls++, new Promise<never>(() => {})));
    expect([calls, r]).toEqual([1, { kind: "unavailable", what: "listGroups", reason: "listGroups: no answer within 200 ms", cause: "timeout", retriable: false }]);
    expect(new DeadlineExceededError("x", 5).code).toBe("TIMEOUT");
  });
});
