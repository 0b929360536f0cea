// The platform in live mode: said by kafka.flavor or the bootstrap hosts, and kept by a recording.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Settings } from "../../config/settings.ts";
import { parseIncident } from "../../contract/parse.ts";
import { investigate } from "../../investigate.ts";
import type { Ports } from "../ports.ts";
import { replayPorts } from "../replay/replay-ports.ts";
import { openLive, type LiveSession } from "./live-ports.ts";
import { recordIncident } from "./record-incident.ts";

describe("the live flavor", () => {
  it("comes from the bootstrap hosts, or kafka.flavor when set (no connection needed)", async () => {
    const detected = openLive(Settings.parse({ kafka: { bootstrap: ["pkc-41wq6.eu-west-2.aws.confluent.cloud:9092"] } }));
    const configured = openLive(Settings.parse({ kafka: { bootstrap: ["rp-0.internal:9092"], flavor: "redpanda" } }));
    const plain = openLive(Settings.parse({ kafka: { bootstrap: ["kafka-1.internal:9092"] } }));
    expect(await Promise.all([detected, configured, plain].map((s) => s.ports.metadata.flavor?.()))).toEqual(["confluent-cloud", "redpanda", "unknown"]);
    await Promise.all([detected, configured, plain].map((s) => s.close()));
  });

  it("is written into a recording, whose replay then plans for that platform", async () => {
    const base = parseIncident(JSON.parse(readFileSync(new URL("../../fixtures/incidents/flavor-empty-broker-apache.json", import.meta.url), "utf8")), "flavor-empty-broker-apache");
    const replay = replayPorts(base);
    const ports: Ports = { ...replay, metadata: { ...replay.metadata, flavor: async () => "msk-serverless" } };
    const window = { snapshots: base.snapshots, brokers: base.brokers, clusterId: base.cluster.id, faults: [] };
    const live = { ports, window: async () => window, close: async () => {} } as unknown as LiveSession;
    const recorded = await recordIncident(live, Settings.parse({ kafka: { bootstrap: ["boot-x.c3.kafka-serverless.us-east-1.amazonaws.com:9098"] } }), { id: "rt-flavor" });
    expect(recorded.cluster).toEqual({ id: base.cluster.id, flavor: "msk-serverless" });
    const [onApache, onServerless] = await Promise.all([investigate(base), investigate(recorded)]);
    expect([onApache.decision, onApache.actions.map((a) => a.kind)]).toEqual(["remediate", ["reassign_partitions"]]);
    expect([onServerless.decision, onServerless.actions, onServerless.escalation?.owner]).toEqual(["escalate", [], "kafka-platform on-call (through AWS support)"]);
    expect(onServerless.escalation?.reason.startsWith("reassign_partitions is not available on MSK Serverless: MSK Serverless places and moves partitions itself;")).toBe(true);
  });
});
