import { readFileSync } from "node:fs";
import { defaultThresholds } from "../../config/thresholds/index.ts";
import { parseIncident } from "../../contract/parse.ts";
import { investigate } from "../../investigate.ts";
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

describe("schema agent: who breaks (recorded incidents)", () => {
  const fixture = (id: string) => parseIncident(JSON.parse(readFileSync(new URL(`../../fixtures/incidents/${id}.json`, import.meta.url), "utf8")), id);

  it("RecordNameStrategy subject mapped to its topic by the recording: names both reader groups and the version each was last seen with", async () => {
    const [f] = await run(fixture("schema-incompatible-change-3"));
    expect(f?.entities).toEqual({ subject: "com.acme.payments.Payment", version: 3, topic: "payments" });
    expect(f?.readers).toEqual([
      { subject: "com.acme.payments.Payment", topic: "payments", group: "payments-fraud", via: ["assignment", "offsets"], lastSeenVersion: 3, lastSeenIn: "sample payments-5@8845543", lastSeenAt: "2026-05-12T08:44:34.211Z" },
      { subject: "com.acme.payments.Payment", topic: "payments", group: "payments-ledger", via: ["assignment", "offsets"], lastSeenVersion: 3, lastSeenIn: "dlq payments.DLT-0@2242", lastSeenAt: "2026-05-12T08:44:54.147Z" },
    ]);
    expect(f?.summary).toMatch(/; read by payments-fraud \(last seen with version 3\), payments-ledger \(last seen with version 3\)$/);
  });

  it("a break that is only in a referenced subject is found through the recorded references, with its readers", async () => {
    const [f] = await run(fixture("schema-incompatible-change-4"));
    expect(f?.entities).toEqual({ subject: "shipments-value", version: 2, topic: "shipments" });
    expect(f?.summary).toContain('field "units" (number 2) changed type (int64 in the old schema, string in the new one)');
    expect(f?.readers?.map((r) => [r.group, r.lastSeenVersion, r.lastSeenIn])).toEqual([
      ["billing-exporter", 2, "sample shipments-3@52318931"],
      ["shipment-tracker", 2, "dlq shipments.DLT-1@2118"],
    ]);
  });

  it("the report lists the readers under the blast radius", async () => {
    const report = await investigate(fixture("schema-incompatible-change-3"));
    expect(report.primary).toBe("schema.incompatible_change");
    expect(report.blastRadius?.groups).toEqual(["payments-fraud", "payments-ledger"]);
    expect(report.blastRadius?.readers?.map((r) => `${r.group}@${r.topic}:v${r.lastSeenVersion}`)).toEqual(["payments-fraud@payments:v3", "payments-ledger@payments:v3"]);
  });

  it("a proposed schema names its readers, without versions (nothing was written with it yet)", async () => {
    const [f] = await run(fixture("schema-incompatible-change-2"));
    expect(f?.readers).toEqual([{ subject: "customer-profile-value", topic: "customer-profile", group: "profile-indexer", via: ["assignment", "offsets"] }]);
  });

  it("a subject nobody reads: no readers, the finding as before", async () => {
    const incident = registry(addedRequired);
    const elsewhere = { ...incident, snapshots: incident.snapshots.map((s) => ({ ...s, groups: s.groups.map((g) => ({ ...g, offsets: {}, members: g.members.map((m) => ({ ...m, assignment: {} })) })) })) };
    const [f] = await run(elsewhere);
    expect(f?.code).toBe("schema.incompatible_change");
    expect(f?.readers).toBeUndefined();
    expect(f?.summary).not.toContain("read by");
  });
});
