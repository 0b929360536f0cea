/** `kafka-ops thresholds` and docs/thresholds.md, both generated from the catalog. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { THRESHOLD_KEYS } from "../config/thresholds/index.ts";
import { thresholdsFrom } from "../config/thresholds/overrides.ts";
import { Settings } from "../config/settings.ts";
import { EXIT } from "./exit-codes.ts";
import { renderThresholds, renderThresholdsMarkdown, thresholdRows } from "./render/thresholds.ts";
import { ROOT, runCli } from "./testing.ts";

const SLOW = { timeout: 60_000 };
const dir = mkdtempSync(join(tmpdir(), "kafka-ops-thresholds-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function config(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

describe("docs/thresholds.md", () => {
  it("is generated from the catalog and up to date (./bin/kafka-ops thresholds --markdown > docs/thresholds.md)", () => {
    const committed = readFileSync(join(ROOT, "docs", "thresholds.md"), "utf8");
    expect(committed === renderThresholdsMarkdown(), "docs/thresholds.md is out of date: run ./bin/kafka-ops thresholds --markdown > docs/thresholds.md").toBe(true);
  });
  it("lists every key once, with its default and unit", () => {
    const doc = renderThresholdsMarkdown();
    for (const key of THRESHOLD_KEYS) expect(doc.split(`| \`${key}\` |`).length).toBe(2);
    expect(doc).toContain("| `quality.volumeDropMinSeconds` | 30 | seconds |");
    expect(doc).toContain("| `max.poll.interval.ms` | `300000` |");
  });
});

describe("the listing", () => {
  it("marks values in force that differ from the default, for the scope asked", () => {
    const values = thresholdsFrom(Settings.parse({ thresholds: [{ topic: "orders.*", set: { "lag.noiseFloorRecords": 100 } }] }).thresholds).for({ topic: "orders.eu" });
    const text = renderThresholds(thresholdRows(values), { config: "ops.json", scope: { topic: "orders.eu" } });
    const lines = text.split("\n");
    expect(lines[0]).toBe("Thresholds for topic orders.eu (config ops.json)");
    expect(lines.find((l) => l.includes("lag.noiseFloorRecords"))).toMatch(/^ {2}lag\.noiseFloorRecords +100 records +\(default 20\) lag at or below/);
    expect(lines.at(-2)).toBe(`${THRESHOLD_KEYS.length} thresholds, 1 not at the default for topic orders.eu.`);
  });
});

describe("kafka-ops thresholds", () => {
  it("prints every key with its default, unit and doc as JSON", SLOW, async () => {
    const r = await runCli(["thresholds", "--json"], { env: { KAFKA_OPS_CONFIG: undefined } });
    expect([r.code, r.stderr]).toEqual([EXIT.ok, ""]);
    const out = JSON.parse(r.stdout) as { scope: object; config: null; thresholds: { key: string; value: number; overridden: boolean }[]; consumerDefaults: Record<string, string> };
    expect(out.config).toBeNull();
    expect(out.thresholds.map((t) => t.key).sort()).toEqual([...THRESHOLD_KEYS].sort());
    expect(out.thresholds.find((t) => t.key === "rebalance.minSignals")).toEqual({
      key: "rebalance.minSignals",
      default: 2,
      unit: "count",
      doc: "independent signals (state churn, membership churn, id churn, client rate) needed to call a storm",
      value: 2,
      overridden: false,
    });
    expect(out.consumerDefaults["session.timeout.ms"]).toBe("45000");
  });

  it("resolves a config file's overrides for --group and --topic", SLOW, async () => {
    const path = config("ops.json", {
      thresholds: [
        { topic: "orders.*", set: { "lag.noiseFloorRecords": 100 } },
        { group: "billing", topic: "/^orders\\./", set: { "lag.noiseFloorRecords": 5 } },
      ],
    });
    const value = async (args: string[]) => {
      const r = await runCli(["thresholds", "--json", "--config", path, ...args]);
      expect(r.code).toBe(EXIT.ok);
      return (JSON.parse(r.stdout) as { thresholds: { key: string; value: number }[] }).thresholds.find((t) => t.key === "lag.noiseFloorRecords")!.value;
    };
    expect(await Promise.all([value([]), value(["--topic", "orders.eu"]), value(["--group", "billing", "--topic", "orders.eu"])])).toEqual([20, 100, 5]);
  });

  it("rejects a bad override with the file and JSON path, exit 2, in thresholds and investigate alike", SLOW, async () => {
    const path = config("bad.json", { thresholds: [{ group: "billing", set: { "rebalance.minSignal": 3 } }] });
    const message = `kafka-ops: ${path}: settings.thresholds[0].set["rebalance.minSignal"]: unknown threshold "rebalance.minSignal" (did you mean "rebalance.minSignals"?); kafka-ops thresholds lists them\n`;
    const listing = await runCli(["thresholds", "--config", path]);
    const replay = await runCli(["investigate", "fixtures/incidents/rebalance-storm-1.json", "--config", path]);
    expect([listing.code, listing.stdout, listing.stderr]).toEqual([EXIT.badInput, "", message]);
    expect([replay.code, replay.stdout, replay.stderr]).toEqual([EXIT.badInput, "", message]);
  });

  it("investigate --config applies the overrides to a replay and the report says so", SLOW, async () => {
    const path = config("tolerant.json", { thresholds: [{ group: "image-*", set: { "rebalance.minSignals": 9, "rebalance.ratePerHourAlone": 1000 } }] });
    const r = await runCli(["investigate", "fixtures/incidents/rebalance-storm-1.json", "--json", "--config", path]);
    const report = JSON.parse(r.stdout) as { primary: string; thresholds: unknown };
    expect([r.code, report.primary]).toEqual([EXIT.escalate, "unknown"]);
    expect(report.thresholds).toEqual([
      { key: "rebalance.minSignals", value: 9, default: 2, scope: { group: "image-*" } },
      { key: "rebalance.ratePerHourAlone", value: 1000, default: 20, scope: { group: "image-*" } },
    ]);
  });
});
