// Recording, then replaying: a read live mode made and found empty stays "read, nothing there".
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Settings } from "../../config/settings.ts";
import { parseIncident } from "../../contract/parse.ts";
import type { Incident } from "../../contract/incident.ts";
import { investigate, investigatePorts } from "../../investigate.ts";
import { notRecorded, ok, unavailable, type Ports, type RecordPort } from "../ports.ts";
import { replayPorts } from "../replay/replay-ports.ts";
import { recordIncident } from "./record-incident.ts";
import type { LiveSession } from "./live-ports.ts";

const base: Incident = parseIncident(JSON.parse(readFileSync(new URL("../../fixtures/incidents/healthy-1.json", import.meta.url), "utf8")), "healthy-1");
const settings = Settings.parse({ kafka: { bootstrap: ["127.0.0.1:19092"] } });

/** A live session whose cluster is the fixture's, and whose DLQ reads answer as given. */
function session(records: Partial<RecordPort>): LiveSession {
  const replay = replayPorts(base);
  const ports: Ports = {
    ...replay,
    records: { ...replay.records, sampledTopics: async () => notRecorded("topic samples (live mode samples only the topics a tool names)"), ...records },
    logs: { logs: async () => notRecorded("logs (live mode reads no log source)") },
  };
  const window = { snapshots: base.snapshots, brokers: base.brokers, clusterId: base.cluster.id, faults: [] };
  return { ports, window: async () => window, close: async () => {} } as unknown as LiveSession;
}

const dlqGaps = (missing: readonly string[] = []) => missing.filter((m) => /dlq/i.test(m));

describe("recordIncident: empty reads round-trip as empty, not as not recorded", () => {
  it("no DLQ topic on the cluster: `dlq: {}`, and the replay reads no DLQ gap", async () => {
    const live = session({ dlqTopics: async () => ok([]) });
    const recorded = await recordIncident(live, settings, { id: "rt-none" });
    expect(recorded.dlq).toEqual({});
    expect(await replayPorts(recorded).records.dlqTopics()).toEqual({ kind: "ok", value: [] });
    const [liveReport, replayReport] = await Promise.all([investigatePorts(live.ports), investigate(recorded)]);
    expect(dlqGaps(liveReport.missingEvidence)).toEqual([]);
    expect(dlqGaps(replayReport.missingEvidence)).toEqual([]);
  });

  it("a DLQ topic read and empty: listed with no records; one that failed: left out, its reason kept", async () => {
    const live = session({
      dlqTopics: async () => ok(["reports.DLT", "exports.DLT"]),
      peekDlq: async (topic) => (topic === "reports.DLT" ? ok([]) : unavailable(`records of DLQ topic ${topic}`, "deadline of 10000 ms exceeded")),
    });
    const recorded = await recordIncident(live, settings, { id: "rt-empty" });
    expect(recorded.dlq).toEqual({ "reports.DLT": [] });
    expect((recorded as Record<string, unknown>)["x-recording-faults"]).toEqual(["records of DLQ topic exports.DLT: deadline of 10000 ms exceeded"]);
    const replay = replayPorts(recorded).records;
    const reads = [await replay.dlqTopics(), await replay.peekDlq("reports.DLT", 10), await replay.peekDlq("exports.DLT", 10)];
    expect(reads.map((r) => (r.kind === "ok" ? r.value : r.kind))).toEqual([["reports.DLT"], [], "notRecorded"]);
    const replayReport = await investigate(recorded);
    expect(dlqGaps(replayReport.missingEvidence)).toEqual([]);
  });

  it("DLQ topics that could not be listed: no dlq section (not recorded), and the fault kept", async () => {
    const recorded = await recordIncident(session({ dlqTopics: async () => unavailable("DLQ topics", "broker 1 gone") }), settings, { id: "rt-failed" });
    expect(recorded.dlq).toBeUndefined();
    expect((recorded as Record<string, unknown>)["x-recording-faults"]).toEqual(["DLQ topics: broker 1 gone"]);
    expect(dlqGaps((await investigate(recorded)).missingEvidence)).toEqual(["not recorded: DLQ topics"]);
  });
});
