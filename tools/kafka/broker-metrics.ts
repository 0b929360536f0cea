import { z } from "zod";
import { BrokerMetrics } from "../../contract/incident.ts";
import { defineTool, passThrough } from "../define-tool.ts";

export const brokerMetrics = defineTool({
  name: "broker_metrics",
  description: "Broker resource metrics (CPU, disk, network, request handler idle ratio) per broker: latest and worst over the window.",
  input: z.object({}),
  output: z.object({
    brokers: z.array(
      z.object({
        broker: z.number(),
        latest: BrokerMetrics,
        worst: BrokerMetrics.describe("highest usage (lowest handler idle) over the window"),
        samples: z.number(),
      }),
    ),
  }),
  async run(ports) {
    const metrics = await ports.metrics.brokerMetrics();
    if (metrics.kind !== "ok") return passThrough(metrics);
    const ids = new Set(metrics.value.flatMap((s) => Object.keys(s.value)));
    const brokers = [...ids]
      .map(Number)
      .sort((a, b) => a - b)
      .map((broker) => {
        const series = metrics.value.map((s) => s.value[String(broker)]).filter((m) => m !== undefined);
        return { broker, latest: series.at(-1) ?? {}, worst: worstOf(series), samples: series.length };
      });
    return { kind: "ok", value: { brokers }, summary: `metrics for ${brokers.length} brokers` };
  },
});

function worstOf(series: z.infer<typeof BrokerMetrics>[]): z.infer<typeof BrokerMetrics> {
  const worst: Record<string, number> = {};
  for (const m of series) {
    for (const [k, v] of Object.entries(m)) {
      if (v === undefined) continue;
      const lowerIsWorse = k === "requestHandlerIdle";
      const current = worst[k];
      worst[k] = current === undefined ? v : lowerIsWorse ? Math.min(current, v) : Math.max(current, v);
    }
  }
  return worst;
}
