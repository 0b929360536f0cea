// A recording quotes what the cluster answered (its faults among them): when a server echoes a
// credential (a 401 body quoting the Authorization header), the file carries none.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Settings, secretsOf } from "../config/settings.ts";
import { parseIncident, parseIncidentText } from "../contract/parse.ts";
import { unavailable, type Ports } from "../ports/ports.ts";
import { replayPorts } from "../ports/replay/replay-ports.ts";
import type { LiveSession } from "../ports/live/live-ports.ts";
import { recordIncident } from "../ports/live/record-incident.ts";
import { recordingText } from "./commands/record.ts";

const PASSWORD = "rec-Canary/pw+42";
const settings = Settings.parse({ kafka: { bootstrap: ["127.0.0.1:19092"] }, schemaRegistry: { url: "http://sr.test", basicAuth: { username: "ops", password: PASSWORD } } });
const base = parseIncident(JSON.parse(readFileSync(new URL("../fixtures/incidents/healthy-1.json", import.meta.url), "utf8")), "healthy-1");
const header = `Basic ${Buffer.from(`ops:${PASSWORD}`).toString("base64")}`;

describe("kafka-ops record output", () => {
  it("carries no form of a credential a server echoed", async () => {
    const replay = replayPorts(base);
    const dlqTopics = (async () => unavailable("DLQ topics", `HTTP 401: got Authorization: ${header}, password=${encodeURIComponent(PASSWORD)}`)) as Ports["records"]["dlqTopics"];
    const ports: Ports = { ...replay, records: { ...replay.records, dlqTopics } };
    const window = { snapshots: base.snapshots, brokers: base.brokers, clusterId: base.cluster.id, faults: [] };
    const session = { ports, window: async () => window, close: async () => {} } as unknown as LiveSession;
    const text = recordingText(await recordIncident(session, settings, { id: "rec-1" }), secretsOf(settings));
    const forms = [PASSWORD, encodeURIComponent(PASSWORD), header.slice(6), Buffer.from(PASSWORD).toString("base64")];
    expect(forms.filter((f) => text.includes(f))).toEqual([]);
    expect(JSON.parse(text)["x-recording-faults"]).toEqual(["DLQ topics: HTTP 401: got Authorization: Basic [redacted], password=[redacted]"]);
    expect(parseIncidentText(text, "rec-1.json").id).toBe("rec-1"); // still a valid recording
  });
});
