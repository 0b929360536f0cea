/**
 * Thresholds from a config file change verdicts end to end: the settings schema parses the
 * overrides, investigate() runs the whole graph with them, and the report says what was tuned.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Settings, type SettingsInput } from "../config/settings.ts";
import { thresholdsFrom } from "../config/thresholds/overrides.ts";
import { Report } from "../contract/report.ts";
import { investigate } from "../investigate.ts";
import { renderReport } from "../cli/render/report.ts";
import { createChatEngine } from "../chat/graph-engine.ts";

const fixture = (id: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/incidents/${id}.json`, import.meta.url), "utf8"));
const withConfig = (config: SettingsInput) => ({ thresholds: thresholdsFrom(Settings.parse(config).thresholds ?? []) });
const verdict = (r: Report) => ({ primary: r.primary, decision: r.decision, codes: [...new Set(r.diagnoses.map((d) => d.code))].sort() });

describe("a per-topic override changes a verdict", () => {
  it("raising lag.noiseFloorRecords for one topic makes its lag noise, and only that topic's", async () => {
    const incident = fixture("lag-slow-consumer-1");
    const before = await investigate(incident);
    expect([before.primary, before.decision]).toEqual(["lag.slow_consumer", "remediate"]);
    expect(before.thresholds).toBeUndefined();

    const raised = await investigate(incident, withConfig({ thresholds: [{ topic: "ord*", set: { "lag.noiseFloorRecords": 10_000_000 } }] }));
    expect(verdict(raised)).toEqual({ primary: "healthy", decision: "none", codes: [] });
    expect(raised.thresholds).toEqual([{ key: "lag.noiseFloorRecords", value: 10_000_000, default: 20, scope: { topic: "ord*" } }]);
    expect(Report.safeParse(raised).success).toBe(true);

    const elsewhere = await investigate(incident, withConfig({ thresholds: [{ topic: "/^shipments$/", set: { "lag.noiseFloorRecords": 10_000_000 } }] }));
    expect(verdict(elsewhere)).toEqual(verdict(before));
  });

  it("a longer quality.volumeDropMinSeconds for payments waits before calling its outage a drop", async () => {
    const incident = fixture("quality-volume-drop-1");
    const before = await investigate(incident);
    expect([before.primary, before.decision]).toEqual(["quality.volume_drop", "escalate"]);
    const patient = await investigate(incident, withConfig({ thresholds: [{ topic: "payments", set: { "quality.volumeDropMinSeconds": 600 } }] }));
    expect(verdict(patient)).toEqual({ primary: "healthy", decision: "none", codes: [] });
    expect(renderReport(patient).split("\n").find((l) => l.includes("thresholds"))).toBe(
      "  thresholds quality.volumeDropMinSeconds=600 (default 30) for topic payments",
    );
  });
});

describe("a per-group override changes a verdict", () => {
  it("a group whose operators accept churn is not a storm; the same override on another group changes nothing", async () => {
    const incident = fixture("rebalance-storm-1");
    const before = await investigate(incident);
    expect([before.primary, before.decision]).toEqual(["rebalance.storm", "remediate"]);
    const tolerant = { "rebalance.minSignals": 9, "rebalance.ratePerHourAlone": 1000 };
    const after = await investigate(incident, withConfig({ thresholds: [{ group: "image-*", set: tolerant }] }));
    // The storm's lag stays, now unexplained: an escalation instead of a consumer-config fix.
    expect([after.primary, after.decision, after.escalation?.severity]).toEqual(["unknown", "escalate", "sev3"]);
    expect(verdict(after).codes).not.toContain("rebalance.storm");
    const other = await investigate(incident, withConfig({ thresholds: [{ group: "search-indexer", set: tolerant }] }));
    expect(verdict(other)).toEqual(verdict(before));
  });
});

describe("chat", () => {
  it("investigates with the settings' overrides, and its report says which were in force", async () => {
    const settings = Settings.parse({ thresholds: [{ group: "image-*", set: { "rebalance.minSignals": 9, "rebalance.ratePerHourAlone": 1000 } }] });
    const engine = createChatEngine({ incident: fixture("rebalance-storm-1"), settings, threadsDir: "/nonexistent/threads-unused" });
    const report = await engine.report(new AbortController().signal);
    expect([report.primary, report.decision]).toEqual(["unknown", "escalate"]);
    expect(report.thresholds).toEqual([
      { key: "rebalance.minSignals", value: 9, default: 2, scope: { group: "image-*" } },
      { key: "rebalance.ratePerHourAlone", value: 1000, default: 20, scope: { group: "image-*" } },
    ]);
    await engine.close();
  });
});
