import { describe, expect, it } from "vitest";
import { scenario } from "../../../test/scenario.ts";
import { value } from "../../../test/observe.ts";
import { replayPorts } from "../../../ports/replay/replay-ports.ts";
import { TOOLS } from "../../../tools/registry.ts";
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

async function classify(records: ReturnType<typeof record>[]) {
  const inc = scenario({ extra: { dlq: { "orders.DLQ": records } } });
  return dlqFailures(value(await TOOLS.dlq_records.run(replayPorts(inc), {})).topics[0]!);
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
});
