import { describe, expect, it } from "vitest";
import { scenario } from "../../test/scenario.ts";
import { value } from "../../test/observe.ts";
import { replayPorts } from "../../ports/replay/replay-ports.ts";
import { TOOLS } from "../../tools/registry.ts";
import type { Incident } from "../../contract/incident.ts";
import { DEFAULT_THRESHOLDS } from "../../config/thresholds/index.ts";
import { nullSpike } from "./rules/null-spike.ts";
import { volumeDrop } from "./rules/volume-drop.ts";

async function topic(incident: Incident) {
  return value(await TOOLS.topic_partitions.run(replayPorts(incident), { topic: "orders" })).topics[0]!;
}

/** 4 partitions writing 10 records/s each (40/s for the topic) for `flowing` intervals of 60 s, then nothing. */
const outage = (flowing: number, silent: number) => scenario({ samples: flowing + silent + 1, end: (s) => 1000 + 600 * Math.min(s, flowing) });

describe("volumeDrop", () => {
  it("fires when a flowing topic stops receiving writes, with the baseline from before the fall", async () => {
    const f = volumeDrop(await topic(outage(4, 2)));
    expect(f?.code).toBe("quality.volume_drop");
    expect(f?.entities).toEqual({ topic: "orders" });
    expect(f?.confidence).toBe(0.9);
    expect(f?.summary).toBe("writes to orders fell from a median of 40/s to 0/s since 2026-11-02T03:04:00Z (120 s, 2 intervals)");
  });
  it("gives the same verdict when the same outage is observed 2x and 3x longer", async () => {
    // The old rule took the median of the first two thirds of the window as the baseline: at 3x
    // that median was 0 and the outage turned "healthy".
    const summaries = await Promise.all([3, 6, 9].map(async (silent) => volumeDrop(await topic(outage(3, silent)))?.summary));
    expect(summaries).toEqual([
      "writes to orders fell from a median of 40/s to 0/s since 2026-11-02T03:03:00Z (180 s, 3 intervals)",
      "writes to orders fell from a median of 40/s to 0/s since 2026-11-02T03:03:00Z (360 s, 6 intervals)",
      "writes to orders fell from a median of 40/s to 0/s since 2026-11-02T03:03:00Z (540 s, 9 intervals)",
    ]);
  });
  it("does not declare a drop from one trailing interval of one second", async () => {
    // Four minutes of steady writes, then a last sample taken one second after the previous one.
    const inc = scenario({ samples: 6, end: (s) => 1000 + 600 * Math.min(s, 4) });
    inc.snapshots.at(-1)!.at = "2026-11-02T03:04:01Z";
    const view = await topic(inc);
    expect(view.writeRateSeries.map((s) => s.perSec)).toEqual([40, 40, 40, 40, 0]);
    expect(volumeDrop(view)).toBeNull();
  });
  it("needs the present to span volumeDropMinSeconds and volumeDropMinIntervals", async () => {
    const one = await topic(outage(4, 1)); // one silent minute
    expect(volumeDrop(one)).toBeNull();
    expect(volumeDrop(one, { ...DEFAULT_THRESHOLDS, "quality.volumeDropMinIntervals": 1 })?.summary).toBe(
      "writes to orders fell from a median of 40/s to 0/s since 2026-11-02T03:04:00Z (60 s, 1 interval)",
    );
    expect(volumeDrop(await topic(outage(4, 2)), { ...DEFAULT_THRESHOLDS, "quality.volumeDropMinSeconds": 300 })).toBeNull();
  });
  it("calls a trickle a drop, less surely than silence", async () => {
    // 40/s, then 1 partition writing 1 record/s: 1/s, a fortieth of the baseline.
    const f = volumeDrop(await topic(scenario({ samples: 7, end: (s, p) => 1000 + 600 * Math.min(s, 4) + (p === 0 ? 60 * Math.max(0, s - 4) : 0) })));
    expect([f?.confidence, f?.summary]).toEqual([0.8, "writes to orders fell from a median of 40/s to 1/s since 2026-11-02T03:04:00Z (120 s, 2 intervals)"]);
  });
  it("stays quiet once writes came back", async () => {
    const back = scenario({ samples: 7, end: (s) => 1000 + 600 * (s <= 2 ? s : s <= 4 ? 2 : s - 2) });
    const view = await topic(back);
    expect(view.writeRateSeries.map((s) => s.perSec)).toEqual([40, 40, 0, 0, 40, 40]);
    expect(volumeDrop(view)).toBeNull();
  });
  it("never fires on a topic that was idle all along", async () => {
    expect(volumeDrop(await topic(scenario({ samples: 7, end: () => 1000 })))).toBeNull();
  });
  it("stays quiet on steady traffic", async () => {
    expect(volumeDrop(await topic(scenario({ samples: 7 })))).toBeNull();
  });
});

function samples(nullsFrom: number) {
  return Array.from({ length: 40 }, (_, i) => ({
    partition: 0,
    offset: String(i),
    timestamp: new Date(Date.parse("2026-11-02T03:00:00Z") + i * 5000).toISOString(),
    value: JSON.stringify({ id: `o-${i}`, customer_id: i >= nullsFrom ? null : `c-${i}` }),
  }));
}

describe("nullSpike", () => {
  it("fires when a field turns null in the newer records", async () => {
    const inc = scenario({ extra: { samples: { orders: samples(22) } } });
    const f = nullSpike(value(await TOOLS.topic_samples.run(replayPorts(inc), {})).topics[0]!);
    expect(f?.code).toBe("quality.null_spike");
    expect(f?.entities).toEqual({ topic: "orders", field: "customer_id" });
  });
  it("stays quiet when nulls were always there", async () => {
    const inc = scenario({ extra: { samples: { orders: samples(0) } } });
    expect(nullSpike(value(await TOOLS.topic_samples.run(replayPorts(inc), {})).topics[0]!)).toBeNull();
  });
});
