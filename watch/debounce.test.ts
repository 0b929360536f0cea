import { describe, expect, it } from "vitest";
import type { DiagnosisCode } from "../contract/vocabulary.ts";
import { step, type EntityState, type WatchThresholds } from "./debounce.ts";

const TH: WatchThresholds = { "watch.raiseAfterSamples": 1, "watch.clearAfterSamples": 3, "watch.changeAfterSamples": 2 };
const DOWN: DiagnosisCode = "lag.consumer_down";
const SLOW: DiagnosisCode = "lag.slow_consumer";

/** Feeds readings in order; returns the transitions as short strings, one per sample ("-" for none). */
function run(readings: (DiagnosisCode | null)[], th: WatchThresholds = TH): string[] {
  let state: EntityState | undefined;
  let n = 0;
  return readings.map((seen) => {
    const next = step(state, seen, th);
    state = next.state;
    if (state?.phase === "open" && next.transition?.kind === "open") Object.assign(state, { investigationId: `inv-${++n}`, openedAt: "t" });
    const t = next.transition;
    return t === null ? "-" : t.kind === "open" ? `open ${t.code} (${t.reason})` : `clear ${t.code} ${t.investigationId}`;
  });
}

describe("the watch's per-entity state machine", () => {
  it("opens once on the first unhealthy sample and stays open while the diagnosis holds", () => {
    expect(run([null, DOWN, DOWN, DOWN, DOWN])).toEqual(["-", `open ${DOWN} (raised)`, "-", "-", "-"]);
  });

  it("waits raiseAfterSamples in a row before opening; one healthy sample between resets the count", () => {
    const th = { ...TH, "watch.raiseAfterSamples": 3 };
    expect(run([DOWN, DOWN, null, DOWN, DOWN, DOWN], th)).toEqual(["-", "-", "-", "-", "-", `open ${DOWN} (raised)`]);
  });

  it("hysteresis: a flapping entity (unhealthy, healthy, unhealthy...) never clears and never pages again", () => {
    const flapping = Array.from({ length: 20 }, (_, i) => (i % 3 === 2 ? null : DOWN));
    const out = run(flapping);
    expect(out.filter((t) => t !== "-")).toEqual([`open ${DOWN} (raised)`]);
    // Two healthy samples in a row are still not three.
    expect(run([DOWN, null, null, DOWN, null, null, DOWN]).filter((t) => t !== "-")).toEqual([`open ${DOWN} (raised)`]);
  });

  it("clears after clearAfterSamples healthy samples in a row, and opens a new investigation when it comes back", () => {
    expect(run([DOWN, null, null, null, DOWN])).toEqual([`open ${DOWN} (raised)`, "-", "-", `clear ${DOWN} inv-1`, `open ${DOWN} (raised)`]);
  });

  it("opens again when another diagnosis holds for changeAfterSamples, not on one sample of it", () => {
    expect(run([DOWN, SLOW, DOWN, SLOW, SLOW, SLOW])).toEqual([`open ${DOWN} (raised)`, "-", "-", "-", `open ${SLOW} (changed)`, "-"]);
  });

  it("a healthy sample in the middle of a changing diagnosis restarts its count, and the open state keeps its id", () => {
    let state: EntityState | undefined;
    state = step(state, DOWN, TH).state;
    Object.assign(state!, { investigationId: "inv-1" });
    state = step(state, SLOW, TH).state;
    expect(state).toEqual({ phase: "open", code: DOWN, healthyRun: 0, candidate: { code: SLOW, run: 1 }, investigationId: "inv-1", openedAt: "", reported: false });
    state = step(state, null, TH).state;
    expect(state).toMatchObject({ phase: "open", code: DOWN, healthyRun: 1, candidate: null, investigationId: "inv-1" });
    expect(step(state, SLOW, TH).transition).toBeNull();
  });
});
