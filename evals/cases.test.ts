import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadCases } from "./cases.ts";
import { blind, runMode, type EvalMode } from "./modes.ts";
import type { Report } from "../contract/report.ts";

const incident = {
  format: "kafka-incident/v1",
  id: "tiny",
  title: "tiny",
  snapshots: [{ at: "2026-11-02T03:00:00Z" }],
  expected: { primary: "healthy", decision: "none" },
};

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), "evals-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

describe("loadCases", () => {
  it("turns bad files into failed cases and skips files without expected", () => {
    const broken = { ...incident, snapshots: [{ at: "yesterday" }] };
    const { expected: _e, ...plain } = incident;
    const d = dir({
      "a-good.json": JSON.stringify(incident),
      "b-not-json.json": "{",
      "c-contract.json": JSON.stringify(broken),
      "d-plain.json": JSON.stringify(plain),
      "e-array.json": "[]",
      "notes.txt": "ignored",
    });
    const { cases, skipped } = loadCases(d);
    expect(skipped).toEqual(["d-plain.json"]);
    expect(cases.map((c) => [c.name, c.ok])).toEqual([["a-good", true], ["b-not-json", false], ["c-contract", false], ["e-array", false]]);
    const contract = cases[2]!;
    expect(!contract.ok && contract.error).toMatch(/^c-contract\.json: incident\.snapshots\[0\]\.at: /);
    expect(!contract.ok && contract.expected?.primary).toBe("healthy");
    expect(!cases[1]!.ok && cases[1]!.error).toMatch(/not valid JSON/);
  });

  it("filters on the case name", () => {
    const d = dir({ "lag-one.json": JSON.stringify(incident), "dlq-two.json": JSON.stringify({ ...incident, id: "two" }) });
    expect(loadCases(d, "lag").cases.map((c) => c.name)).toEqual(["lag-one"]);
  });
});

describe("runMode", () => {
  it("never shows expected to the mode and records a throwing run as a failed case", async () => {
    const d = dir({ "a.json": JSON.stringify(incident), "b.json": JSON.stringify({ ...incident, id: "b" }) });
    const seen: unknown[] = [];
    const mode: EvalMode = {
      name: "fake",
      async investigate(i) {
        seen.push(i);
        if (i.id === "b") throw new Error("boom");
        return { format: "kafka-investigation/v1", incidentId: "a", decision: "none", primary: "healthy", diagnoses: [], actions: [], escalation: null, agents: [], toolCalls: [], timings: { totalMs: 0 } } satisfies Report;
      },
    };
    const rows = await runMode(mode, loadCases(d).cases);
    expect(seen.every((i) => !("expected" in (i as object)))).toBe(true);
    expect(rows.map((r) => r.pass)).toEqual([true, false]);
    expect(rows[1]!.error).toBe("investigate() threw: boom");
  });

  it("blind() drops only expected", () => {
    expect(blind({ id: "x", expected: 1, "x-note": 2 })).toEqual({ id: "x", "x-note": 2 });
  });
});

describe("thresholds.json", () => {
  it("is the checked-in bar", () => {
    expect(JSON.parse(readFileSync(join(import.meta.dirname, "thresholds.json"), "utf8"))).toEqual({
      primaryAccuracy: 1,
      decisionAccuracy: 1,
      requiredActionRecall: 1,
      maxForbiddenViolations: 0,
    });
  });
});
