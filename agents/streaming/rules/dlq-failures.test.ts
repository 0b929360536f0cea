import { describe, expect, it } from "vitest";
import { scenario } from "../../../test/scenario.ts";
import { value } from "../../../test/observe.ts";
import { replayPorts } from "../../../ports/replay/replay-ports.ts";
import { TOOLS } from "../../../tools/registry.ts";
import { DEFAULT_THRESHOLDS } from "../../../config/thresholds/index.ts";
import { dlqFailures } from "./dlq-failures.ts";

function record(i: number, headers: Record<string, string>) {
  return { partition: 0, offset: String(i), timestamp: `2026-11-02T03:0${i % 5}:00Z`, key: `k-${i}`, value: "{}", headers };
}
const connect = (cls: string, msg: string, offset: number) => ({
  "__connect.errors.topic": "orders",
  "__connect.errors.partition": "0",
  "__connect.errors.offset": String(offset),
  "__connect.errors.exception.class.name": cls,
  "__connect.errors.exception.message": msg,
});

async function read(records: ReturnType<typeof record>[]) {
  const inc = scenario({ extra: { dlq: { "orders.DLQ": records } } });
  return value(await TOOLS.dlq_records.run(replayPorts(inc), {})).topics[0]!;
}
async function classify(records: ReturnType<typeof record>[], t = DEFAULT_THRESHOLDS) {
  return dlqFailures(await read(records), t);
}

describe("dlqFailures", () => {
  it("calls timeouts transient and names the source topic", async () => {
    const f = await classify([0, 1, 2, 3].map((i) => record(i, connect("java.net.SocketTimeoutException", "Read timed out", 100 + i))));
    expect(f?.code).toBe("dlq.transient");
    expect(f?.entities).toEqual({ dlqTopic: "orders.DLQ", topic: "orders" });
  });
  it("calls deserialization failures a schema mismatch", async () => {
    const f = await classify([0, 1, 2].map((i) => record(i, connect("org.apache.kafka.common.errors.SerializationException", "Unknown magic byte!", 100 + i))));
    expect(f?.code).toBe("dlq.schema_mismatch");
  });
  it("calls validation failures business logic", async () => {
    const f = await classify([0, 1, 2].map((i) => record(i, connect("javax.validation.ValidationException", "amount must be positive", 100 + i))));
    expect(f?.code).toBe("dlq.business_logic");
  });
  it("calls the same records failing again and again poison, whatever the exception", async () => {
    const f = await classify([0, 1, 2, 3, 4, 5].map((i) => record(i, connect("java.net.SocketTimeoutException", "Read timed out", 100 + (i % 2)))));
    expect(f?.code).toBe("dlq.poison");
  });
  it("recognises a re-driven record by identical key and value at a new source offset", async () => {
    const redriven = [0, 1, 2, 3, 4, 5].map((i) => ({
      ...record(i, connect("java.net.SocketTimeoutException", "Read timed out", 100 + i)),
      key: `user-${i % 2}`,
      value: `{"mail":${i % 2}}`,
    }));
    expect((await classify(redriven))?.code).toBe("dlq.poison");
  });
  it("does not mistake one key's different records for repeats", async () => {
    const sameKey = [0, 1, 2, 3].map((i) => ({ ...record(i, connect("java.net.SocketTimeoutException", "Read timed out", 100 + i)), key: "customer-7", value: `{"order":${i}}` }));
    expect((await classify(sameKey))?.code).toBe("dlq.transient");
  });
  it("finds nothing in an empty DLQ", async () => {
    expect(await classify([])).toBeNull();
  });

  it("counts repeated failures as distinct records x attempts, in the summary and the evidence", async () => {
    // 4 source records (orders-0@200..203), each failed 3 times: 12 DLQ records.
    const twelve = Array.from({ length: 12 }, (_, i) => record(i, connect("java.net.SocketTimeoutException", "Read timed out", 200 + (i % 4))));
    const f = await classify(twelve);
    expect(f?.code).toBe("dlq.poison");
    expect(f?.summary).toBe("4 records keep failing in orders.DLQ (12 records failed, 4 distinct, 3 attempts each; orders-0@200 failed 3 times); replaying them would loop: quarantine them");
    expect(f?.evidence.map((e) => e.detail)).toEqual([
      '12 records failed, 4 distinct, 3 attempts each {"transient":12}; latest java.net.SocketTimeoutException: "Read timed out" (exception class java.net.SocketTimeoutException is a timeout)',
      "repeated: orders-0@200 x3, orders-0@201 x3, orders-0@202 x3, orders-0@203 x3",
    ]);
  });

  it("says the attempts in a class verdict when some records repeat below the poison thresholds", async () => {
    // 9 records, 8 distinct: orders-0@300 failed twice (2/9 < 0.3, 2 < 3 attempts).
    const records = [300, 300, 301, 302, 303, 304, 305, 306, 307].map((o, i) => record(i, connect("java.net.SocketTimeoutException", "Read timed out", o)));
    const f = await classify(records);
    expect(f?.code).toBe("dlq.transient");
    expect(f?.summary).toBe("9 of 9 records in orders.DLQ (from orders) failed for transient reasons and can be replayed with backoff; 9 records failed, 8 distinct, 1-2 attempts each");
  });

  it("reads its thresholds from the catalog: a stricter profile keeps the same records transient", async () => {
    const records = [0, 1, 2, 3, 4, 5].map((i) => record(i, connect("java.net.SocketTimeoutException", "Read timed out", 100 + (i % 2))));
    expect((await classify(records))?.code).toBe("dlq.poison");
    const strict = { ...DEFAULT_THRESHOLDS, "dlq.poisonRepeatShare": 1.1, "dlq.poisonMinAttempts": 4 };
    expect((await classify(records, strict))?.code).toBe("dlq.transient");
    expect((await classify(records.slice(0, 3), { ...DEFAULT_THRESHOLDS, "dlq.dominantClassShare": 1 }))?.code).toBe("dlq.poison");
  });
});
