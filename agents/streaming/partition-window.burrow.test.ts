/**
 * Burrow's evaluator case table (linkedin/Burrow core/internal/evaluator/caching_test.go,
 * `tests`, cases 0-15), ported to the partition window. Burrow judges a partition from the
 * consumer's commit events (offset, timestamp, lag at commit) plus "now" and the broker's
 * latest offsets; the window judges samples taken at a cadence. Each case is translated the
 * same way: one sample per commit (end = offset + lag; a commit without a lag has no end
 * reading), then samples at the commits' cadence from the last commit up to `timeNow`, with the
 * committed offset unchanged and the log end moving linearly towards Burrow's broker offsets, which are the last samples' log ends;
 * the last sample's lag is Burrow's `currentLag`. Burrow's allowed lag is our records floor;
 * the time floor and `stall.minSeconds` are off, since Burrow has neither.
 *
 * Burrow OK maps to any non-alarm status (ok, idle, catching_up), STOP and STALL to our
 * stalled (we cannot tell a consumer committing the same offset from one not committing: both
 * leave the committed offset frozen), WARN to growing, REWIND to rewind. The cases where the
 * window deliberately disagrees are marked and explained in docs/partition-window.md.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS, type ThresholdValues } from "../../config/thresholds/index.ts";
import { evaluatePartition, type PartitionSeries, type PartitionStatus } from "./partition-window.ts";

type Burrow = "OK" | "STOP" | "STALL" | "WARN" | "REWIND";

interface BurrowCase {
  /** [offset, timestamp ms, lag at commit or null] */
  offsets: [number, number, number | null][];
  brokerOffsets: number[];
  currentLag: number;
  timeNow: number;
  allowedLag: number;
  status: Burrow;
  /** Where the window deliberately says something else, and the status it says. */
  deviation?: PartitionStatus;
}

const steady = (lags: number[], step = 1000, from = 1000): [number, number, number][] =>
  lags.map((lag, i) => [from + step * i, 100_000 * (i + 1), lag]);

const CASES: BurrowCase[] = [
  /* 0 */ { offsets: steady([0, 50, 100, 150, 200]), brokerOffsets: [5200], currentLag: 200, timeNow: 600, allowedLag: 0, status: "OK" },
  // Frozen for 400 s with 200 records unread: the window flags it after two intervals.
  /* 1 */ { offsets: steady([0, 50, 100, 150, 200]), brokerOffsets: [5200], currentLag: 200, timeNow: 900, allowedLag: 0, status: "OK", deviation: "stalled" },
  /* 2 */ { offsets: steady([0, 50, 100, 150, 200]), brokerOffsets: [5200], currentLag: 200, timeNow: 1000, allowedLag: 0, status: "STOP" },
  /* 3 */ { offsets: steady([50, 100, 150, 200, 250]), brokerOffsets: [5250], currentLag: 250, timeNow: 1000, allowedLag: 0, status: "STOP" },
  // Committed frozen at 1000 for 500 s while the log grew by 200: Burrow forgives it because the
  // lag was zero at the first commit of its history; the window reads the tail.
  /* 4 */ { offsets: steady([0, 50, 100, 150, 200], 0), brokerOffsets: [1200], currentLag: 200, timeNow: 600, allowedLag: 0, status: "OK", deviation: "stalled" },
  /* 5 */ { offsets: steady([100, 150, 200, 250, 300], 0), brokerOffsets: [1300], currentLag: 300, timeNow: 600, allowedLag: 0, status: "STALL" },
  /* 6 */ { offsets: steady([100, 100, 100, 100, 100], 0), brokerOffsets: [1100], currentLag: 100, timeNow: 600, allowedLag: 0, status: "STALL" },
  /* 7 */ {
    offsets: [[1000, 100_000, 100], [2000, 200_000, 150], [3000, 300_000, 200], [2000, 400_000, 1250], [4000, 500_000, 300]],
    brokerOffsets: [4300], currentLag: 300, timeNow: 600, allowedLag: 0, status: "OK",
  },
  /* 8 */ { offsets: steady([50, 100, 150, 200, 250]), brokerOffsets: [5250], currentLag: 0, timeNow: 1000, allowedLag: 0, status: "OK" },
  /* 9 */ {
    offsets: Array.from({ length: 15 }, (_, i) => [792_748_079 + i, 1_512_224_618_356 + [0, 1006, 2010, 3011, 4014, 5017, 6022, 7023, 8027, 9027, 10027, 11032, 12035, 13038, 14041][i]!, 0] as [number, number, number]),
    brokerOffsets: [792_749_024, 792_749_000, 792_748_800, 792_748_600, 792_748_500], currentLag: 931, timeNow: 1_512_224_650, allowedLag: 0, status: "STOP",
  },
  /* 10 */ {
    offsets: Array.from({ length: 15 }, (_, i) => [792_748_079 + i, 1_512_224_618_356 + [0, 1006, 2010, 3011, 4014, 5017, 6022, 7023, 8027, 9027, 10027, 11032, 12035, 13038, 14041][i]!, 0] as [number, number, number]),
    brokerOffsets: [792_748_094, 792_748_093, 792_748_093, 792_748_093], currentLag: 1, timeNow: 1_512_224_650, allowedLag: 0, status: "OK",
  },
  /* 11 */ {
    offsets: Array.from({ length: 10 }, (_, i) => [1000 + 500 * i, 100_000 + 50_000 * i, i % 2 ? null : 25 * i] as [number, number, number | null]),
    brokerOffsets: [5700], currentLag: 200, timeNow: 600, allowedLag: 0, status: "OK",
  },
  /* 12 */ { offsets: [[1000, 100_000, 2], [2000, 200_000, 1], [2000, 300_000, 1]], brokerOffsets: [2001], currentLag: 1, timeNow: 550, allowedLag: 1, status: "OK" },
  /* 13 */ { offsets: steady([100, 150, 200, 250, 300], 0), brokerOffsets: [1300], currentLag: 300, timeNow: 600, allowedLag: 99, status: "STALL" },
  /* 14 */ {
    offsets: [[1000, 100_000, 100], [2000, 200_000, 150], [3000, 300_000, 200], [2000, 400_000, 1250], [4000, 500_000, 300]],
    brokerOffsets: [4300], currentLag: 300, timeNow: 600, allowedLag: 99, status: "OK",
  },
  /* 15 */ {
    offsets: [[1000, 100_000, 100], [2000, 200_000, 150], [3000, 300_000, 200], [2000, 400_000, 1250], [2500, 500_000, 300]],
    brokerOffsets: [4300], currentLag: 300, timeNow: 600, allowedLag: 0, status: "REWIND",
  },
];

/** The translation described above. */
export function burrowSeries(c: BurrowCase): PartitionSeries {
  const times = c.offsets.map(([, ts]) => ts);
  const committed: (string | null)[] = c.offsets.map(([o]) => String(o));
  const end: (string | null)[] = c.offsets.map(([o, , lag]) => (lag === null ? null : String(o + lag)));
  const lag: (number | null)[] = c.offsets.map(([, , l]) => l);
  const cadence = (times.at(-1)! - times[0]!) / (times.length - 1);
  const [lastOffset, lastTs, lastLag] = c.offsets.at(-1)!;
  const endAtLast = lastOffset + (lastLag ?? 0);
  const now = c.timeNow * 1000;
  const fills: number[] = [];
  for (let t = lastTs + cadence; t < now + cadence / 2; t += cadence) fills.push(Math.min(t, now));
  // Burrow's broker offsets are its last few refreshes, newest first: they are the last samples'
  // log ends; earlier fill samples move linearly towards the oldest of them.
  const ring = [...c.brokerOffsets].reverse().slice(-fills.length);
  const firstRing = fills.length - ring.length;
  const ringStart = ring[0]!;
  fills.forEach((at, k) => {
    const e = k >= firstRing ? ring[k - firstRing]! : Math.round(endAtLast + ((ringStart - endAtLast) * (k + 1)) / (firstRing + 1));
    times.push(at);
    committed.push(String(lastOffset));
    end.push(String(e));
    lag.push(e - lastOffset);
  });
  lag[lag.length - 1] = c.currentLag;
  return { times, committed, end, lag, owner: "consumer-1" };
}

const EXPECTED: Record<Burrow, readonly PartitionStatus[]> = {
  OK: ["ok", "idle", "catching_up"],
  STOP: ["stalled"],
  STALL: ["stalled"],
  WARN: ["growing"],
  REWIND: ["rewind"],
};

const burrowProfile = (allowedLag: number): ThresholdValues => ({
  ...DEFAULT_THRESHOLDS,
  "lag.noiseFloorRecords": allowedLag,
  "lag.noiseFloorSeconds": -1,
  "stall.minSeconds": 0,
});

describe("partition window against Burrow's evaluator cases", () => {
  CASES.forEach((c, i) => {
    const verdict = c.deviation ? `${c.deviation} (Burrow ${c.status}; deliberate, see docs/partition-window.md)` : `Burrow's ${c.status}`;
    it(`case ${i}: ${verdict}`, () => {
      const status = evaluatePartition(burrowSeries(c), burrowProfile(c.allowedLag)).status;
      if (c.deviation) expect(status).toBe(c.deviation);
      else expect(EXPECTED[c.status]).toContain(status);
    });
  });

  it("cases 1 and 4 agree with Burrow once the freeze is shorter than two intervals", () => {
    // The same histories judged one interval after the last commit: not stalled yet.
    expect(evaluatePartition(burrowSeries({ ...CASES[1]!, timeNow: 600 }), burrowProfile(0)).status).toBe("ok");
    const early = { ...CASES[4]!, offsets: CASES[4]!.offsets.slice(0, 2), timeNow: 200, brokerOffsets: [1050], currentLag: 50 };
    expect(evaluatePartition(burrowSeries(early), burrowProfile(0)).status).toBe("ok");
  });
});
