import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseWith } from "../../contract/parse.ts";
import { DEFAULT_THRESHOLDS, defaultThresholds } from "./index.ts";
import { ThresholdOverride, thresholdsFrom, type ThresholdOverrideInput } from "./overrides.ts";
import { selector } from "./selector.ts";

const Config = z.strictObject({ thresholds: z.array(ThresholdOverride).default([]) });
const parse = (thresholds: unknown) => parseWith(Config, { thresholds }, "ops.json", "settings").thresholds;
const problem = (thresholds: unknown) => {
  try {
    parse(thresholds);
    return "no error";
  } catch (error) {
    return (error as Error).message;
  }
};
const from = (entries: ThresholdOverrideInput[]) => thresholdsFrom(parse(entries));

describe("selectors", () => {
  it("globs match the whole name, * any run, ? one character, dots literal", () => {
    const s = selector("orders.*");
    expect(["orders.eu", "orders.", "orders", "ordersXeu", "x.orders.eu"].map(s.matches)).toEqual([true, true, false, false, false]);
    expect(["pay-1", "pay-12"].map(selector("pay-?").matches)).toEqual([true, false]);
  });
  it("/regex/ with flags matches like a JavaScript regex, unanchored", () => {
    expect(["orders.eu", "eu.orders.x", "ordersXeu"].map(selector("/^orders\\./").matches)).toEqual([true, false, false]);
    expect(["EU.PAYMENTS", "payments-dlq"].map(selector("/payments$/i").matches)).toEqual([true, false]);
  });
});

describe("resolving overrides", () => {
  const t = from([
    { set: { "lag.noiseFloorRecords": 30 } },
    { topic: "orders.*", set: { "lag.noiseFloorRecords": 100, "quality.volumeDropMinSeconds": 120 } },
    { group: "billing-*", set: { "lag.noiseFloorRecords": 200 } },
    { group: "billing-eu", topic: "orders.eu", set: { "lag.noiseFloorRecords": 5 } },
    { topic: "/^orders\\.eu$/", set: { "lag.noiseFloorRecords": 150 } },
  ]);
  it("applies the most specific match: group + topic, then group, then topic, then everywhere", () => {
    const floor = (scope: { group?: string; topic?: string }) => t.for(scope)["lag.noiseFloorRecords"];
    expect(floor({})).toBe(30);
    expect(floor({ topic: "payments" })).toBe(30);
    expect(floor({ topic: "orders.us" })).toBe(100);
    expect(floor({ topic: "orders.eu" })).toBe(150); // two topic matches: the later entry wins
    expect(floor({ group: "billing-us", topic: "orders.us" })).toBe(200);
    expect(floor({ group: "billing-eu", topic: "orders.eu" })).toBe(5);
    expect(floor({ group: "billing-eu" })).toBe(200); // the group+topic entry needs the topic too
  });
  it("keeps every other key at its default and resolves each scope once", () => {
    const values = t.for({ topic: "orders.us" });
    expect(values["quality.volumeDropMinSeconds"]).toBe(120);
    expect(values["rebalance.minSignals"]).toBe(DEFAULT_THRESHOLDS["rebalance.minSignals"]);
    expect(t.for({ topic: "orders.us" })).toBe(values);
    expect(Object.isFrozen(values)).toBe(true);
  });
  it("lists the non-default values in force with the selectors they were set for", () => {
    const tuned = from([
      { topic: "orders.*", set: { "lag.noiseFloorRecords": 100, "rebalance.minSignals": 2 } },
      { group: "/^billing/", set: { "broker.cpuSaturated": 0.8 } },
      { topic: "orders.*", set: { "lag.noiseFloorRecords": 120 } },
    ]);
    expect(tuned.inForce()).toEqual([
      { key: "broker.cpuSaturated", value: 0.8, default: 0.9, scope: { group: "/^billing/" } },
      { key: "lag.noiseFloorRecords", value: 120, default: 20, scope: { topic: "orders.*" } },
    ]);
    expect(defaultThresholds.inForce()).toEqual([]);
    expect(from([]).for({ topic: "x" })).toEqual(DEFAULT_THRESHOLDS);
  });
});

describe("validating overrides", () => {
  it("names the path of an unknown key, and suggests the key meant", () => {
    expect(problem([{ topic: "orders", set: { "lag.noiseFloorRecord": 100 } }])).toBe(
      'ops.json: settings.thresholds[0].set["lag.noiseFloorRecord"]: unknown threshold "lag.noiseFloorRecord" (did you mean "lag.noiseFloorRecords"?); kafka-ops thresholds lists them',
    );
    expect(problem([{ set: { "totally.unknown": 1 } }])).toBe(
      'ops.json: settings.thresholds[0].set["totally.unknown"]: unknown threshold "totally.unknown"; kafka-ops thresholds lists them',
    );
  });
  it("rejects values of the wrong type or out of the unit's range", () => {
    expect(problem([{ set: { "lag.noiseFloorRecords": "100" } }])).toBe(
      'ops.json: settings.thresholds[0].set["lag.noiseFloorRecords"]: expected a whole number, 0 or more (records), got string',
    );
    expect(problem([{}, { set: { "quality.volumeDropMaxRatio": 2 } }])).toContain(
      'settings.thresholds[0].set: expected object, got nothing (missing)',
    );
    expect(problem([{ set: { "quality.volumeDropMaxRatio": 2 } }])).toBe(
      'ops.json: settings.thresholds[0].set["quality.volumeDropMaxRatio"]: expected a number from 0 to 1 (ratio), got 2',
    );
    expect(problem([{ set: { "quality.volumeDropMinSeconds": -5 } }])).toBe(
      'ops.json: settings.thresholds[0].set["quality.volumeDropMinSeconds"]: expected a number, 0 or more (seconds), got -5',
    );
  });
  it("rejects a bad regex, stateful flags, an empty selector and unknown fields", () => {
    expect(problem([{ topic: "/(orders/", set: {} }])).toBe(
      "ops.json: settings.thresholds[0].topic: not a valid regular expression (Invalid regular expression: /(orders/: Unterminated group)",
    );
    expect(problem([{ group: "/billing/g", set: {} }])).toBe('ops.json: settings.thresholds[0].group: regex flags "g": only i, m, s and u are allowed');
    expect(problem([{ group: " ", set: {} }])).toBe('ops.json: settings.thresholds[0].group: expected a glob such as "orders.*" or a regex such as "/^orders\\\\./"');
    expect(problem([{ topics: "orders", set: {} }])).toBe('ops.json: settings.thresholds[0]: unknown key "topics"');
  });
});
