import { describe, expect, it } from "vitest";
import { scenario } from "../../test/scenario.ts";
import { value } from "../../test/observe.ts";
import { replayPorts } from "../../ports/replay/replay-ports.ts";
import { TOOLS } from "../../tools/registry.ts";
import type { Incident } from "../../contract/incident.ts";
import { nullSpike } from "./rules/null-spike.ts";
import { volumeDrop } from "./rules/volume-drop.ts";

async function topic(incident: Incident) {
  return value(await TOOLS.topic_partitions.run(replayPorts(incident), { topic: "orders" })).topics[0]!;
}

describe("volumeDrop", () => {
  it("fires when a flowing topic stops receiving writes", async () => {
    const f = volumeDrop(await topic(scenario({ samples: 7, end: (s) => 1000 + 600 * Math.min(s, 4) })));
    expect(f?.code).toBe("quality.volume_drop");
    expect(f?.entities).toEqual({ topic: "orders" });
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
