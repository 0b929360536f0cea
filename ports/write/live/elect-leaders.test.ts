import { describe, expect, it } from "vitest";
import { Reader } from "@platformatic/kafka";
import { createRequest, errorName, parseResponse, PREFERRED } from "./elect-leaders.ts";

// Byte layouts from Kafka's ElectLeadersRequest/Response v2 schemas (flexible: compact strings
// and arrays are length + 1 as an unsigned varint, each struct ends in an empty tagged-field buffer).
describe("ElectLeaders v2 bodies", () => {
  it("encodes election type, topics with their partitions, and the timeout", () => {
    const bytes = createRequest(PREFERRED, [{ topic: "ab", partitions: [0, 3] }], 5000).buffer;
    expect(bytes.toString("hex")).toBe(
      [
        "00", // election_type PREFERRED
        "02", // one topic
        "03", "6162", // "ab"
        "03", "00000000", "00000003", // partitions [0, 3]
        "00", // topic's tagged fields
        "00001388", // timeout_ms 5000
        "00", // request's tagged fields
      ].join(""),
    );
  });

  it("decodes per-partition results, their error codes and messages", () => {
    const body = Buffer.from(
      [
        "00000000", // throttle_time_ms
        "0000", // error_code
        "02", // one topic
        "03", "6162", // "ab"
        "03", // two partition results
        "00000000", "0000", "00", "00", // partition 0 elected, null message
        "00000003", "0054", "05", "68656c6c", "00", // partition 3: 84 ELECTION_NOT_NEEDED, "hell"
        "00", // topic's tagged fields
        "00", // response's tagged fields
      ].join(""),
      "hex",
    );
    expect(parseResponse(1, 43, 2, Reader.from(body))).toEqual({
      throttleTimeMs: 0,
      errorCode: 0,
      results: [{ topic: "ab", partitions: [{ partitionId: 0, errorCode: 0, errorMessage: null }, { partitionId: 3, errorCode: 84, errorMessage: "hell" }] }],
    });
    expect([errorName(84), errorName(80), errorName(9999)]).toEqual(["ELECTION_NOT_NEEDED", "PREFERRED_LEADER_NOT_AVAILABLE", "error 9999"]);
  });
});
