import { z } from "zod";
import { ClientMetrics } from "../../contract/incident.ts";
import { tidy } from "../../contract/numbers.ts";
import { defineTool, passThrough } from "../define-tool.ts";

export const clientMetrics = defineTool({
  name: "client_metrics",
  description:
    "A consumer group's own metrics (consume, failure and commit rates, poll interval max, processing p99, GC pauses, rebalances/hour) over the window.",
  input: z.object({ group: z.string().describe("consumer group id") }),
  output: z.object({
    group: z.string(),
    latest: ClientMetrics,
    series: z.array(z.object({ at: z.string(), metrics: ClientMetrics })),
  }),
  async run(ports, input) {
    const metrics = await ports.metrics.clientMetrics(input.group);
    if (metrics.kind !== "ok") return passThrough(metrics);
    // Reporters print doubles with binary noise (35.769999999999996); readers get the value they meant.
    const clean = (m: ClientMetrics): ClientMetrics => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, tidy(v)]));
    const series = metrics.value.map((s) => ({ at: s.at, metrics: clean(s.value) }));
    const latest = series.at(-1)!.metrics;
    return {
      kind: "ok",
      value: { group: input.group, latest, series },
      summary: `${input.group}: ${latest.recordsConsumedPerSec ?? "?"} rec/s consumed, ${latest.recordsFailedPerSec ?? "?"} failed/s`,
    };
  },
});
