import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { scenario } from "../test/scenario.ts";
import { replayPorts } from "../ports/replay/replay-ports.ts";
import { TOOL_NAMES, TOOLS, type ToolName } from "./registry.ts";

/** Typed by tool name: adding a tool without an input here fails the type check. */
const SAMPLE_INPUTS: Record<ToolName, Record<string, unknown>> = {
  cluster_overview: {},
  topic_partitions: { topic: "orders" },
  consumer_groups: {},
  consumer_group_lag: { group: "orders-svc" },
  broker_metrics: {},
  client_metrics: { group: "orders-svc" },
  consumer_config: { group: "orders-svc" },
  topic_config: { topic: "orders" },
  schema_subjects: {},
  schema_compatibility: { subject: "orders-value", schema: '"string"' },
  schema_readers: { subject: "orders-value" },
  dlq_records: {},
  topic_samples: {},
  search_logs: {},
};

const full = scenario({
  extra: {
    clientConfigs: { "orders-svc": { "max.poll.records": "100" } },
    topicConfigs: { orders: { "retention.ms": "1000" } },
    schemaRegistry: { subjects: [{ subject: "orders-value", compatibility: "BACKWARD", versions: [{ version: 1, id: 1, schemaType: "AVRO", schema: '"string"' }] }] },
    dlq: { "orders.DLQ": [{ partition: 0, offset: "1", timestamp: "2026-11-02T03:00:00Z", headers: {} }] },
    samples: { orders: [{ partition: 0, offset: "1", timestamp: "2026-11-02T03:00:00Z", value: "{}" }] },
    logs: [{ at: "2026-11-02T03:00:00Z", source: "orders-svc", level: "ERROR", message: "boom" }],
  },
  snapshotExtra: () => ({ brokerMetrics: { "1": { cpu: 0.5 } }, clientMetrics: { "orders-svc": { recordsConsumedPerSec: 1 } } }),
});

describe("tool registry", () => {
  it("keys every tool by its own name", () => {
    for (const name of TOOL_NAMES) expect(TOOLS[name].name).toBe(name);
    expectTypeOf(SAMPLE_INPUTS).toEqualTypeOf<Record<ToolName, Record<string, unknown>>>();
  });

  it("says every tool is read-only (changes go through the executors, never through a tool a model can call)", () => {
    for (const name of TOOL_NAMES) expect(TOOLS[name].annotations).toEqual({ effect: "read-only", readOnlyHint: true, destructiveHint: false });
  });

  it.each(TOOL_NAMES)("%s answers with a value its output schema accepts", async (name) => {
    const tool = TOOLS[name];
    const result = await (tool.run as (p: unknown, i: unknown) => Promise<{ kind: string; value?: unknown; summary?: string }>)(replayPorts(full), SAMPLE_INPUTS[name]);
    expect(result.kind).toBe("ok");
    expect(() => (tool.output as z.ZodType).parse(result.value)).not.toThrow();
    expect(typeof result.summary).toBe("string");
  });

  it.each(["client_metrics", "consumer_config", "topic_config", "schema_subjects", "dlq_records", "topic_samples", "search_logs", "broker_metrics"] as const)(
    "%s answers notRecorded, not an exception, when the recording lacks its data",
    async (name) => {
      const result = await (TOOLS[name].run as (p: unknown, i: unknown) => Promise<{ kind: string }>)(replayPorts(scenario()), SAMPLE_INPUTS[name]);
      expect(result.kind).toBe("notRecorded");
    },
  );

  it("rejects input that breaks a tool's schema", async () => {
    await expect(TOOLS.consumer_group_lag.run(replayPorts(full), { group: 42 } as never)).rejects.toThrow(z.ZodError);
  });
});
