import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { numericLiterals } from "../../test/numeric-literals.ts";
import { CONSUMER_DEFAULTS, consumerNumber, consumerSetting } from "../consumer-defaults.ts";
import { DEFAULT_THRESHOLDS, THRESHOLD_KEYS, THRESHOLDS } from "./index.ts";

/** Every `*_THRESHOLDS` export of the area files beside index.ts. */
async function areas(): Promise<Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, unknown>> = {};
  const files = readdirSync(new URL(".", import.meta.url)).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && f !== "index.ts");
  for (const file of files) {
    const module = (await import(`./${file}`)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) if (name.endsWith("_THRESHOLDS")) out[name] = value as Record<string, unknown>;
  }
  return out;
}

describe("threshold catalog", () => {
  it("holds every area file's keys, none defined twice (a spread would silently keep one)", async () => {
    const found = await areas();
    expect(Object.keys(found).sort()).toEqual(["CAPACITY_THRESHOLDS", "CLUSTER_THRESHOLDS", "DLQ_THRESHOLDS", "LAG_THRESHOLDS", "QUALITY_THRESHOLDS", "REBALANCE_THRESHOLDS", "WATCH_THRESHOLDS"]);
    const all = Object.values(found).flatMap((a) => Object.keys(a));
    expect(new Set(all).size).toBe(all.length);
    expect([...THRESHOLD_KEYS].sort()).toEqual([...all].sort());
  });

  it("names keys area.name and documents each in one line, with a default its unit allows", () => {
    for (const key of THRESHOLD_KEYS) {
      const spec = THRESHOLDS[key];
      expect(key).toMatch(/^[a-z]+\.[a-z][A-Za-z]+$/);
      expect(spec.doc.length).toBeGreaterThan(20);
      expect(spec.doc).not.toContain("\n");
      expect(Number.isFinite(spec.default) && spec.default >= 0).toBe(true);
      if (spec.unit === "ratio") expect(spec.default).toBeLessThanOrEqual(1);
      if (["records", "count", "samples"].includes(spec.unit)) expect(Number.isInteger(spec.default)).toBe(true);
    }
  });

  it("gives every rule its documented default", () => {
    expect(DEFAULT_THRESHOLDS["rebalance.minSignals"]).toBe(2);
    expect(DEFAULT_THRESHOLDS["broker.cpuSaturated"]).toBe(0.9);
    expect(DEFAULT_THRESHOLDS["quality.volumeDropMaxRatio"]).toBe(0.1);
    expect(DEFAULT_THRESHOLDS["capacity.perPartitionShare"]).toBe(0.9);
  });
});

/**
 * Rules whose tunables are catalog keys: none may hide a threshold in a literal again.
 * Named module constants (confidence calibration, display caps) are allowed; they say what they are.
 */
const CONVERTED = [
  "agents/streaming/rules/broker-saturated.ts",
  "agents/streaming/rules/rebalance-storm.ts",
  "agents/streaming/rules/replication.ts",
  "agents/streaming/rules/imbalance.ts",
  "agents/streaming/rules/under-provisioned.ts",
  "agents/streaming/rules/dlq-failures.ts",
  "agents/quality/rules/null-spike.ts",
  "agents/quality/rules/volume-drop.ts",
  "agents/quality/quality-agent.ts",
  "tools/kafka/consumer-config.ts",
  "agents/streaming/partition-window.ts",
  "agents/streaming/stuck.ts",
  "agents/streaming/rules/consumer-down.ts",
  "agents/streaming/rules/poison-message.ts",
  "agents/streaming/rules/lag-growth.ts",
  "agents/streaming/rules/recovering.ts",
  "agents/streaming/rules/hot-partition.ts",
  "agents/streaming/rules/unexplained-lag.ts",
  "agents/streaming/rules/deleted-unread.ts",
];

describe("rules read thresholds from the catalog", () => {
  it.each(CONVERTED)("%s has no unnamed numeric literal", (file) => {
    const source = readFileSync(new URL(`../../${file}`, import.meta.url), "utf8");
    expect(numericLiterals(source)).toEqual([]);
  });

  it("the scanner finds literals in code and ignores comments, strings and named constants", () => {
    const source = [
      "const LIMIT = 7;",
      "// 0.5 in a comment",
      'const s = "3 in a string";',
      "const x = `${y * 0.25} and 12 in text`;",
      "if (rate >= 6 && share < 0.5) return 100;",
    ].join("\n");
    expect(numericLiterals(source)).toEqual([
      { line: 4, text: "0.25" },
      { line: 5, text: "6" },
      { line: 5, text: "0.5" },
    ]);
  });
});

describe("Kafka's consumer defaults", () => {
  it("are Kafka's documented values", () => {
    expect(CONSUMER_DEFAULTS).toEqual({
      "session.timeout.ms": "45000",
      "heartbeat.interval.ms": "3000",
      "max.poll.interval.ms": "300000",
      "max.poll.records": "500",
      "auto.commit.interval.ms": "5000",
      "enable.auto.commit": "true",
      "partition.assignment.strategy": "range,cooperative-sticky",
    });
  });
  it("fill in what a group did not configure, and what is not a number", () => {
    expect(consumerSetting(undefined, "session.timeout.ms")).toBe("45000");
    expect(consumerSetting({ "session.timeout.ms": "10000" }, "session.timeout.ms")).toBe("10000");
    expect(consumerNumber({ "max.poll.records": 50 }, "max.poll.records")).toBe(50);
    expect(consumerNumber({ "max.poll.interval.ms": "five minutes" }, "max.poll.interval.ms")).toBe(300000);
    expect(consumerNumber({ "max.poll.interval.ms": "" }, "max.poll.interval.ms")).toBe(300000);
  });
});
