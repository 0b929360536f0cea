/** The partition window's own rules, each beside its nearest look-alike. */
import { describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS } from "../../config/thresholds/index.ts";
import { evaluatePartition, type PartitionSeries } from "./partition-window.ts";

/** Samples `intervalSec` apart; lag = end - committed where both are known. */
function series(committed: (number | null)[], end: (number | null)[], opts: { intervalSec?: number; owner?: string | null; lagSeconds?: (number | null)[] } = {}): PartitionSeries {
  const step = (opts.intervalSec ?? 30) * 1000;
  return {
    times: committed.map((_, i) => 1_700_000_000_000 + i * step),
    committed: committed.map((c) => (c === null ? null : String(c))),
    end: end.map((e) => (e === null ? null : String(e))),
    lag: committed.map((c, i) => (c === null || end[i] === null ? null : Math.max(0, end[i]! - c))),
    owner: opts.owner === undefined ? "m-1" : opts.owner,
    ...(opts.lagSeconds && { lagSeconds: opts.lagSeconds }),
  };
}
const status = (s: PartitionSeries, th = DEFAULT_THRESHOLDS) => evaluatePartition(s, th).status;
const busy = (n: number, rate = 3000) => Array.from({ length: n }, (_, i) => 1_000_000 + rate * i);

describe("the noise floor", () => {
  it("never calls lag of a few records growing, even when it never dips (0, 1, 1, 2)", () => {
    const end = busy(4);
    expect(status(series(end.map((e, i) => e - [0, 1, 1, 2][i]!), end))).toBe("ok");
  });
  it("never calls one record of lag growing", () => {
    const end = busy(4);
    expect(status(series(end.map((e, i) => e - [0, 0, 1, 1][i]!), end))).toBe("ok");
  });
  it("calls auto-commit jitter of 2-13 records ok", () => {
    const end = busy(6);
    expect(status(series(end.map((e, i) => e - [13, 4, 9, 2, 11, 6][i]!), end))).toBe("ok");
  });
  it("treats lag that is seconds behind as noise however many records it is, while the consumer keeps pace", () => {
    const end = busy(4, 50_000);
    const jitter = end.map((e, i) => e - [2000, 2600, 1900, 2400][i]!);
    expect(status(series(jitter, end, { lagSeconds: [0.1, 0.2, 0.1, 0.1] }))).toBe("ok");
    expect(status(series(jitter, end, { lagSeconds: [20, 26, 19, 24] }))).toBe("growing");
  });
  it("does not treat a few seconds as noise for a consumer falling further behind", () => {
    // 7,000 short of 150,000 written (4.7%): slow, though only 0.2 s behind so far.
    const end = busy(4, 50_000);
    const committed = end.map((e, i) => e - [2000, 4000, 6000, 9000][i]!);
    expect(status(series(committed, end, { lagSeconds: [0.1, 0.1, 0.2, 0.2] }))).toBe("growing");
  });
});

describe("stalled and stopped, from the tail", () => {
  const end = busy(8);
  it("flags a consumer that stops part-way within two samples of the stop", () => {
    const stopAt = 5; // committed advances until sample 5, then freezes
    const committed = end.map((e, i) => (i <= stopAt ? e - 10 : end[stopAt]! - 10));
    expect(status(series(committed.slice(0, stopAt + 2), end.slice(0, stopAt + 2)))).toBe("ok"); // one interval frozen: not yet
    expect(status(series(committed.slice(0, stopAt + 3), end.slice(0, stopAt + 3)))).toBe("stalled");
    expect(status(series(committed, end, { owner: null }))).toBe("stopped");
  });
  it("does not call a consumer that stopped part-way growing", () => {
    const committed = end.map((e, i) => (i <= 3 ? e - 10 : end[3]! - 10));
    expect(status(series(committed, end))).not.toBe("growing");
  });
  it("needs the frozen stretch to outlast a healthy commit interval (stall.minSeconds)", () => {
    const committed = [100, 100, 100, 100];
    expect(status(series(committed, [400, 500, 600, 700], { intervalSec: 2 }))).toBe("ok"); // 6 s frozen: a commit interval, not a stall
    expect(status(series(committed, [400, 500, 600, 700], { intervalSec: 10 }))).toBe("stalled");
  });
  it("calls a backlog nobody reads on a quiet topic stalled, not idle", () => {
    expect(status(series([1000, 1000, 1000, 1000], [9000, 9000, 9000, 9000]))).toBe("stalled");
  });
  it("keeps a transaction marker's lag of 1 on a quiet topic idle", () => {
    expect(status(series([99, 99, 99, 99], [100, 100, 100, 100]))).toBe("idle");
  });
  it("counts the frozen stretch from when records were waiting, not from when the consumer was caught up", () => {
    // Caught up (lag 0) for three samples, then 500 records arrive in the last interval.
    expect(status(series([100, 100, 100, 100], [100, 100, 100, 600]))).toBe("ok");
  });
});

describe("rewinds", () => {
  it("judges a recovered rewind on the samples after it", () => {
    const end = busy(6);
    const committed = [end[0]! - 5, end[1]! - 5, end[1]! - 900_000, end[3]! - 200, end[4]! - 10, end[5]! - 5];
    expect(status(series(committed, end))).toBe("ok");
  });
  it("reports an unrecovered rewind", () => {
    const end = busy(5);
    const committed = [end[0]! - 5, end[1]! - 5, 10, 3010, 6010];
    expect(status(series(committed, end))).toBe("rewind");
  });
});

describe("growth, catching up and gaps", () => {
  it("calls lag that rises well above the floor growing, and the same observed for longer still growing", () => {
    const end = busy(10);
    const committed = end.map((e, i) => e - 5000 - 700 * i);
    expect(status(series(committed.slice(0, 4), end.slice(0, 4)))).toBe("growing");
    expect(status(series(committed, end))).toBe("growing");
  });
  it("tolerates a noisy sample in a rising lag", () => {
    const end = busy(6);
    const lags = [5000, 6000, 5800, 7500, 8200, 9100];
    expect(status(series(end.map((e, i) => e - lags[i]!), end))).toBe("growing");
  });
  it("calls shrinking lag catching_up", () => {
    const end = busy(4);
    expect(status(series(end.map((e, i) => e - [9000, 6000, 3000, 500][i]!), end))).toBe("catching_up");
  });
  it("does not invent lag for a sample that lacks the partition's log end", () => {
    const end = busy(4);
    const w = evaluatePartition(series(end.map((e) => e - 3), [end[0]!, null, end[2]!, end[3]!]));
    expect(w.status).toBe("ok");
    expect(w.lag).toBe(3);
  });
  it("has no_offsets without any commit", () => expect(status(series([null, null], [100, 200]))).toBe("no_offsets"));
});
