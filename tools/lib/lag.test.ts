import { describe, expect, it } from "vitest";
import type { Group, Topic } from "../../contract/incident.ts";
import type { Sampled } from "../../ports/ports.ts";
import { computeGroupLag, GroupLag, lagInTime, partitionLag } from "./lag.ts";

const T0 = Date.parse("2026-03-01T10:00:00.000Z");
const at = (sec: number) => new Date(T0 + sec * 1000).toISOString();

/** One partition's series at the given seconds; numbers become offset strings. */
function series(secs: number[], committed: (number | null)[], end: (number | null)[], start: (number | null)[] = end.map((e) => (e === null ? null : 0))) {
  const s = (xs: (number | null)[]) => xs.map((x) => (x === null ? null : String(x)));
  return partitionLag({
    topic: "orders",
    partition: 0,
    at: secs,
    owners: secs.map(() => "m-1"),
    owner: "m-1",
    committed: s(committed),
    end: s(end),
    start: s(start),
  });
}

const lagTime = (secs: number[], c: number, i: number, end: (number | null)[]) =>
  lagInTime(BigInt(c), i, end.map((e) => (e === null ? null : BigInt(e))), secs);

describe("lag in time (kafka-lag-exporter's interpolation)", () => {
  it("interpolates between the two log-end points around the committed offset", () => {
    // log end 100 @0s, 200 @10s, 300 @20s; committed 150 was the log end at 5s: 15 s behind at 20s.
    expect(lagTime([0, 10, 20], 150, 2, [100, 200, 300])).toEqual({ seconds: 15, extrapolated: false });
    // unevenly written: 1000 -> 1010 over 30 s, then 1010 -> 2010 over 5 s; 1005 was the end at 15 s.
    expect(lagTime([0, 30, 35], 1005, 2, [1000, 1010, 2010])).toEqual({ seconds: 20, extrapolated: false });
    // rounded to 0.1 s: 101 was the end at 1/3 s, 1.67 s before 2 s.
    expect(lagTime([0, 1, 2], 101, 2, [100, 103, 106])).toEqual({ seconds: 1.7, extrapolated: false });
  });

  it("measures from the last time the log end stood at the committed offset when it paused there", () => {
    // the log end sat at 200 from 10 s to 30 s; the first unread record came after 30 s.
    expect(lagTime([0, 10, 30, 40], 200, 3, [100, 200, 200, 300])).toEqual({ seconds: 10, extrapolated: false });
  });

  it("uses only samples 0..i", () => {
    // at sample 1 (10 s) the history is 100 @0s, 200 @10s: 150 -> 5 s behind; the 300 @20s is not seen yet.
    expect(lagTime([0, 10, 20], 150, 1, [100, 200, 300])).toEqual({ seconds: 5, extrapolated: false });
  });

  it("extrapolates with the window's produce rate when the commit is older than the oldest point, and marks it", () => {
    // rate (300 - 100) / 20 s = 10/s; 50 is 5 s before the oldest point: 25 s behind at 20 s.
    expect(lagTime([0, 10, 20], 50, 2, [100, 200, 300])).toEqual({ seconds: 25, extrapolated: true });
  });

  it("is 0 when caught up", () => expect(lagTime([0, 10], 200, 1, [100, 200])).toEqual({ seconds: 0, extrapolated: false }));

  it("is null when the log end did not move (nothing written) and lag > 0", () =>
    expect(lagTime([0, 10, 20], 50, 2, [100, 100, 100])).toEqual({ seconds: null, extrapolated: false }));

  it("is null with fewer than two known log-end points, even when caught up", () => {
    expect(lagTime([0], 100, 0, [100])).toEqual({ seconds: null, extrapolated: false });
    expect(lagTime([0, 10], 50, 1, [null, 100])).toEqual({ seconds: null, extrapolated: false });
  });

  it("skips samples without the partition's metadata when interpolating", () =>
    // 100 @0s, unknown @10s, 300 @20s: 200 was the end at 10 s: 10 s behind.
    expect(lagTime([0, 10, 20], 200, 2, [100, null, 300])).toEqual({ seconds: 10, extrapolated: false }));
});

describe("partitionLag", () => {
  it("gives lag, lag in time, rates and time to catch up per sample", () => {
    const p = series([0, 10, 20], [100, 160, 240], [100, 200, 300]);
    expect(p.lag).toEqual([0, 40, 60]);
    expect(p.lagLatest).toBe(60);
    // 240 was the log end at 14 s (200 @10s -> 300 @20s): 6 s behind at 20 s; 160 at 6 s -> 4 s at 10 s.
    expect(p.lagSeconds).toEqual([null, 4, 6]);
    expect(p.lagSecondsLatest).toBe(6);
    expect(p.lagSecondsExtrapolated).toBe(false);
    expect(p.consumeRatePerSec).toBe(7);
    expect(p.produceRatePerSec).toBe(10);
    expect(p.timeToCatchUpSec).toBe(null); // consuming 7/s against 10/s: not shrinking
  });

  it("rounds rates and time to catch up to 2 decimals", () => {
    const p = series([0, 3, 6], [0, 20, 40], [30, 31, 32]);
    expect(p.consumeRatePerSec).toBe(6.67);
    expect(p.produceRatePerSec).toBe(0.33);
    // lag 32 - 40 < 0 -> 0: caught up.
    expect(p.timeToCatchUpSec).toBe(0);
    const q = series([0, 3, 6], [0, 10, 20], [100, 101, 102]);
    // lag 82 at (20/6 - 2/6) = 3 records/s net: 27.33 s
    expect(q.timeToCatchUpSec).toBe(27.33);
  });

  it("marks an extrapolated latest lag in time", () => {
    const p = series([0, 10, 20], [50, 50, 50], [100, 200, 300]);
    expect(p.lagSeconds).toEqual([null, 15, 25]);
    expect(p.lagSecondsExtrapolated).toBe(true);
  });

  it("never borrows a log end: a sample without the partition's metadata has end and lag null", () => {
    const p = series([0, 10, 20], [100, 150, 150], [200, null, 400], [0, null, 0]);
    expect(p.end).toEqual(["200", null, "400"]);
    expect(p.lag).toEqual([100, null, 250]);
    expect(p.lagSeconds).toEqual([null, null, 25]); // 150 was the log end at -5 s (rate 10/s): extrapolated
    expect(p.lagSecondsExtrapolated).toBe(true);
    expect(p.produceRatePerSec).toBe(10);
  });

  it("takes lagLatest from the latest sample where both offsets are known", () => {
    const p = series([0, 10], [100, 120], [300, null]);
    expect(p.lag).toEqual([200, null]);
    expect(p.lagLatest).toBe(200);
  });

  it("policy: a partition the group never committed has lag null and lagLatest null", () => {
    const p = series([0, 10], [null, null], [900, 1000]);
    expect(p.lag).toEqual([null, null]);
    expect(p.lagLatest).toBe(null);
    expect(p.lagSeconds).toEqual([null, null]);
    expect(p.lagSecondsLatest).toBe(null);
    expect(p.timeToCatchUpSec).toBe(null);
    expect(p.consumeRatePerSec).toBe(0);
    expect(p.belowLogStart).toBe(false);
    expect(p.deletedUnread).toBe(0);
    expect(p.committedAheadOfLogEnd).toBe(false);
  });

  it("policy: a commit ahead of the log end is lag 0 and committedAheadOfLogEnd", () => {
    const p = series([0, 10], [1000, 1000], [500, 500]);
    expect(p.lag).toEqual([0, 0]);
    expect(p.lagLatest).toBe(0);
    expect(p.lagSeconds).toEqual([null, 0]);
    expect(p.committedAheadOfLogEnd).toBe(true);
    expect(p.timeToCatchUpSec).toBe(0);
    expect(series([0, 10], [1000, 500], [500, 500]).committedAheadOfLogEnd).toBe(false);
  });

  it("counts the records retention deleted before the group read them", () => {
    const p = series([0, 10], [100, 100], [5000, 6000], [0, 400]);
    expect(p.belowLogStart).toBe(true);
    expect(p.deletedUnread).toBe(300);
    expect(p.lagLatest).toBe(5900);
    const fine = series([0, 10], [500, 500], [5000, 6000], [0, 400]);
    expect(fine.belowLogStart).toBe(false);
    expect(fine.deletedUnread).toBe(0);
  });

  it("measures rates between the first and last samples where the value is known", () => {
    const p = series([0, 10, 20, 30], [null, 100, 150, null], [null, 1000, 1100, 1400]);
    expect(p.consumeRatePerSec).toBe(5); // 100 -> 150 over 10 s
    expect(p.produceRatePerSec).toBe(20); // 1000 -> 1400 over 20 s
  });

  it("gives finite numbers when every sample has the same time", () => {
    const p = series([0, 0], [0, 10], [100, 200]);
    expect(p.consumeRatePerSec).toBe(0);
    expect(p.produceRatePerSec).toBe(0);
    expect(p.timeToCatchUpSec).toBe(null);
    expect(p.lagSeconds).toEqual([null, null]);
  });
});

describe("computeGroupLag", () => {
  const topic = (name: string, ends: number[], start = 0): Topic => ({
    name,
    internal: false,
    partitions: ends.map((e, i) => ({ partition: i, leader: 1, replicas: [1], isr: [1], offlineReplicas: [], startOffset: String(start), endOffset: String(e) })),
  });
  const group = (offsets: Group["offsets"], assignment: Record<string, number[]> = {}): Group => ({
    groupId: "billing",
    state: "Stable",
    protocolType: "consumer",
    protocol: "range",
    members: Object.keys(assignment).length ? [{ memberId: "m-1", clientId: "c", host: "/h", groupInstanceId: null, assignment }] : [],
    offsets,
  });

  it("is undefined for a group in no sample", () =>
    expect(computeGroupLag("nobody", [{ at: at(0), value: [] }], [{ at: at(0), value: [] }])).toBe(undefined));

  it("lists assigned and committed partitions by topic and partition number, with group totals", () => {
    const groups: Sampled<Group[]>[] = [
      { at: at(0), value: [group({ orders: { "0": "100", "10": "5" } }, { orders: [0, 2, 10] })] },
      { at: at(10), value: [group({ orders: { "0": "150", "10": "5" } }, { orders: [0, 10] })] },
    ];
    const ends = Array.from({ length: 11 }, (_, i) => (i === 0 ? 100 : 50));
    const later = ends.map((e, i) => (i === 0 ? 300 : e));
    const topics: Sampled<Topic[]>[] = [
      { at: at(0), value: [topic("orders", ends)] },
      { at: at(10), value: [topic("orders", later)] },
    ];
    const lag = computeGroupLag("billing", groups, topics)!;
    expect(GroupLag.parse(lag)).toEqual(lag);
    expect(lag.partitions.map((p) => p.partition)).toEqual([0, 2, 10]);
    const [p0, p2, p10] = lag.partitions;
    expect(p0!.lag).toEqual([0, 150]);
    // 150 was the log end at 2.5 s (100 @0s -> 300 @10s): 7.5 s behind.
    expect(p0!.lagSecondsLatest).toBe(7.5);
    expect(p2!.owners).toEqual(["m-1", null]);
    expect(p2!.owner).toBe(null);
    expect(p2!.lagLatest).toBe(null);
    expect(p10!.lag).toEqual([45, 45]);
    expect(p10!.lagSecondsLatest).toBe(null); // nothing written to partition 10
    expect(lag.totalLag).toEqual([45, 195]);
    expect(lag.totalLagSeconds).toBe(7.5);
    expect(lag.windowSec).toBe(10);
    expect(lag.consumeRatePerSec).toBe(5);
    expect(lag.produceRatePerSec).toBe(20);
    expect(lag.timeToCatchUpSec).toBe(null);
  });

  it("gives owners null in a sample where the group was not read", () => {
    const g = group({ orders: { "0": "10" } }, { orders: [0] });
    const lag = computeGroupLag(
      "billing",
      [
        { at: at(0), value: [g] },
        { at: at(10), value: [] },
      ],
      [
        { at: at(0), value: [topic("orders", [20])] },
        { at: at(10), value: [topic("orders", [30])] },
      ],
    )!;
    const p = lag.partitions[0]!;
    expect(p.owners).toEqual(["m-1", null]);
    expect(p.owner).toBe("m-1");
    expect(p.committed).toEqual(["10", null]);
    expect(p.lag).toEqual([10, null]);
    expect(p.lagLatest).toBe(10);
  });

  it("drops offsets of a topic present in no sample, keeps a topic missing from some", () => {
    const g = group({ gone: { "0": "1" }, orders: { "0": "10" } });
    const lag = computeGroupLag(
      "billing",
      [
        { at: at(0), value: [g] },
        { at: at(10), value: [g] },
      ],
      [
        { at: at(0), value: [] },
        { at: at(10), value: [topic("orders", [30])] },
      ],
    )!;
    expect(lag.partitions.map((p) => `${p.topic}-${p.partition}`)).toEqual(["orders-0"]);
    expect(lag.partitions[0]!.end).toEqual([null, "30"]);
    expect(lag.partitions[0]!.lag).toEqual([null, 20]);
  });

  it("totalLagSeconds is null when no partition's lag in time is known", () => {
    const g = group({ orders: { "0": "10" } });
    const lag = computeGroupLag("billing", [{ at: at(0), value: [g] }], [{ at: at(0), value: [topic("orders", [30])] }])!;
    expect(lag.totalLagSeconds).toBe(null);
    expect(lag.totalLag).toEqual([20]);
    expect(lag.timeToCatchUpSec).toBe(null);
  });
});
