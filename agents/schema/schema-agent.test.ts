import { defaultThresholds } from "../../config/thresholds/index.ts";
import { describe, expect, it } from "vitest";
import { scenario } from "../../test/scenario.ts";
import { replayPorts } from "../../ports/replay/replay-ports.ts";
import { recordingCaller } from "../agent.ts";
import type { ToolCall } from "../../contract/report.ts";
import type { Incident } from "../../contract/incident.ts";
import { schemaAgent } from "./schema-agent.ts";

const v1 = JSON.stringify({ type: "record", name: "Order", fields: [{ name: "id", type: "string" }, { name: "amount", type: "double" }] });
const addedRequired = JSON.stringify({ type: "record", name: "Order", fields: [{ name: "id", type: "string" }, { name: "amount", type: "double" }, { name: "currency", type: "string" }] });
const addedOptional = JSON.stringify({ type: "record", name: "Order", fields: [{ name: "id", type: "string" }, { name: "amount", type: "double" }, { name: "currency", type: "string", default: "EUR" }] });

function registry(latest: string, level = "BACKWARD", proposed?: string): Incident {
  return scenario({
    extra: {
      schemaRegistry: {
        subjects: [{ subject: "orders-value", compatibility: level as "BACKWARD", versions: [
          { version: 1, id: 1, schemaType: "AVRO", schema: v1 },
          { version: 2, id: 2, schemaType: "AVRO", schema: latest, registeredAt: "2026-11-02T02:58:00Z" },
        ] }],
        ...(proposed && { proposed: [{ subject: "orders-value", schemaType: "AVRO", schema: proposed }] }),
      },
    },
  });
}

async function run(incident: Incident) {
  const log: ToolCall[] = [];
  return (await schemaAgent.investigate({ call: recordingCaller(replayPorts(incident), "schema", log, []), alert: undefined, thresholds: defaultThresholds })).findings;
}

describe("schema agent", () => {
  it("flags a registered version that breaks BACKWARD and says why", async () => {
    const [f] = await run(registry(addedRequired));
    expect(f?.code).toBe("schema.incompatible_change");
    expect(f?.entities).toEqual({ subject: "orders-value", version: 2, topic: "orders" });
    expect(f?.summary).toContain('"currency"');
  });
  it("accepts a field added with a default", async () => {
    expect(await run(registry(addedOptional))).toEqual([]);
  });
  it("never flags under NONE", async () => {
    expect(await run(registry(addedRequired, "NONE"))).toEqual([]);
  });
  it("checks proposed schemas before they are registered", async () => {
    const findings = await run(registry(addedOptional, "BACKWARD", JSON.stringify({ type: "record", name: "Order", fields: [{ name: "id", type: "int" }] })));
    expect(findings.map((f) => f.code)).toEqual(["schema.incompatible_change"]);
    expect(findings[0]!.summary).toContain("the proposed schema");
  });
});
