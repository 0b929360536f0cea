import { describe, expect, it } from "vitest";
import type { PartitionLag } from "../../../tools/kafka/consumer-group-lag.ts";
import { partitionStatus } from "./lag-status.ts";

function p(committed: (number | null)[], end: number[], owner: string | null = "m-1"): PartitionLag {
  const lag = committed.map((c, i) => (c === null ? null : end[i]! - c));
  return {
    topic: "t", partition: 0, owner,
    committed: committed.map((c) => (c === null ? null : String(c))),
    end: end.map(String), lag, lagLatest: lag.at(-1) ?? 0,
    consumeRatePerSec: 0, produceRatePerSec: 0, timeToCatchUpSec: null, belowLogStart: false,
  };
}

describe("partitionStatus (Burrow's window rules, idle-aware)", () => {
  it("is ok when caught up", () => expect(partitionStatus(p([100, 200, 300], [100, 200, 300]))).toBe("ok"));
  it("is idle, not stalled, when nothing was written even with a constant lag", () =>
    // A transaction marker leaves lag 1 forever on a quiet topic: Burrow calls this STALL.
    expect(partitionStatus(p([99, 99, 99, 99], [100, 100, 100, 100]))).toBe("idle"));
  it("is stalled when the committed offset stops while the log grows", () =>
    expect(partitionStatus(p([50, 50, 50], [100, 200, 300]))).toBe("stalled"));
  it("is stopped when no member owns the stalled partition", () =>
    expect(partitionStatus(p([50, 50, 50], [100, 200, 300], null))).toBe("stopped"));
  it("is growing when lag never decreases and ends higher (Burrow WARN)", () =>
    expect(partitionStatus(p([90, 150, 200], [100, 200, 300]))).toBe("growing"));
  it("is catching_up when lag shrinks", () => expect(partitionStatus(p([10, 150, 290], [200, 250, 300]))).toBe("catching_up"));
  it("is rewind when the committed offset goes backwards", () =>
    expect(partitionStatus(p([100, 50, 60], [100, 200, 300]))).toBe("rewind"));
  it("is no_offsets without any commit", () => expect(partitionStatus(p([null, null], [100, 200]))).toBe("no_offsets"));
});
