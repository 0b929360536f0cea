import { describe, expect, it } from "vitest";
import { autoRate, rates } from "./auto-throttle.ts";

const size = (broker: number, partition: number, bytes: number) => ({ broker, topic: "orders", partition, bytes });

describe("--throttle auto", () => {
  it("reads bytes in per broker and the write rate per partition from two size readings", () => {
    const m = rates([size(1, 0, 1000), size(2, 0, 1000), size(2, 1, 500)], [size(1, 0, 3000), size(2, 0, 3000), size(2, 1, 400), size(4, 1, 50)], 2);
    expect([...m.brokerBytesIn]).toEqual([[1, 1000], [2, 1000]]);
    expect([...m.partitionRate]).toEqual([["orders\u00000", 1000], ["orders\u00001", 0]]);
  });

  it("half the headroom of the busiest broker involved when that is above what the moves need", () => {
    const m = { brokerBytesIn: new Map([[1, 25_000_000], [2, 5_000_000], [3, 90_000_000]]), partitionRate: new Map([["orders\u00000", 2_000_000]]), seconds: 5 };
    const r = autoRate([{ topic: "orders", partition: 0, from: [1, 2], to: [4, 2] }], m, 125_000_000);
    // Broker 3 is not involved: its load does not count. Busiest involved: broker 1 at 25 MB/s -> headroom 100 MB/s.
    expect(r.bytesPerSec).toBe(50_000_000);
    expect(r.warning).toBeUndefined();
  });

  it("never below twice the write rate the receiver takes on, and warns when that exceeds the headroom", () => {
    const m = { brokerBytesIn: new Map([[1, 118_000_000]]), partitionRate: new Map([["orders\u00000", 3_000_000], ["orders\u00001", 2_000_000]]), seconds: 5 };
    const r = autoRate(
      [
        { topic: "orders", partition: 0, from: [1, 2], to: [4, 2] },
        { topic: "orders", partition: 1, from: [1, 3], to: [4, 3] },
      ],
      m,
      125_000_000,
    );
    expect(r.bytesPerSec).toBe(10_000_000);
    expect(r.warning).toBe("the moving partitions need 10 MB/s to catch up but the brokers have 7.0 MB/s headroom: replication competes with produce traffic");
  });

  it("at least the minimum on an idle cluster", () => {
    const r = autoRate([{ topic: "orders", partition: 0, from: [1], to: [2] }], { brokerBytesIn: new Map(), partitionRate: new Map(), seconds: 5 }, 1_000_000);
    expect(r.bytesPerSec).toBe(1_000_000);
  });
});
