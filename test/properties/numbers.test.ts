/**
 * Numbers in reports and in the human rendering are finite and rounded: no NaN, no Infinity
 * (JSON would silently print them as null), no "NaN"/"Infinity" in any text, and no binary
 * floating-point noise such as 35.769999999999996. Checked on every fixture as recorded and on
 * hostile variants of each (hostile.ts): every kind of hostility once per fixture, its details
 * drawn from a seed fixed per fixture.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderReport } from "../../cli/render/report.ts";
import type { Report } from "../../contract/report.ts";
import { investigate } from "../../investigate.ts";
import { baseline, loadFixtures } from "./fixtures.ts";
import { hostile, HOSTILITIES } from "./hostile.ts";
import { seedFor } from "./harness.ts";

/** More fractional digits than any value we compute (2) or record (ratios, rates: 3-4) carries. */
const NOISE = /\d\.\d{7,}/;
const NOT_FINITE = /\b(?:NaN|-?Infinity)\b/;
/** Quoted untrusted text (log lines, record values: quoted with JSON.stringify) is evidence, not our arithmetic. */
const QUOTED = /"(?:[^"\\]|\\.)*"/g;

/** Every problem with the numbers of a report and its rendering, as JSON paths or text excerpts. */
export function numberProblems(report: Report): string[] {
  const problems: string[] = [];
  const walk = (value: unknown, path: string): void => {
    if (typeof value === "number") {
      if (!Number.isFinite(value)) problems.push(`${path} = ${value}`);
      else if (NOISE.test(String(value))) problems.push(`${path} = ${value} (float noise)`);
    } else if (typeof value === "string") {
      const text = value.replace(QUOTED, '""');
      const bad = NOT_FINITE.exec(text) ?? NOISE.exec(text);
      if (bad) problems.push(`${path}: ...${text.slice(Math.max(0, bad.index - 60), bad.index + 40)}...`);
    } else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
  };
  walk(report, "report");
  renderReport(report).split("\n").forEach((line, i) => {
    const text = line.replace(QUOTED, '""');
    if (NOT_FINITE.test(text) || NOISE.test(text)) problems.push(`rendered line ${i + 1}: ${line.trim().slice(0, 200)}`);
  });
  return problems;
}

const fixtures = loadFixtures();

describe("numbers in reports are finite and rounded", () => {
  it("flags non-finite numbers, float noise and their text, but not quoted evidence", () => {
    const report: Report = {
      format: "kafka-investigation/v1",
      incidentId: "x",
      decision: "escalate",
      primary: "unknown",
      diagnoses: [
        {
          code: "unknown",
          agent: "streaming",
          confidence: 0.5,
          summary: "consumes 35.769999999999996/s, polls every Infinity ms",
          entities: { lag: NaN },
          evidence: [{ tool: "search_logs", detail: 'e.g. "value NaN at 0.30000000000000004"' }],
        },
      ],
      actions: [],
      escalation: null,
      agents: ["streaming"],
      toolCalls: [],
      timings: { totalMs: 1 / 3 },
    };
    expect(numberProblems(report)).toEqual([
      "report.diagnoses[0].summary: ...consumes 35.769999999999996/s, polls every Infinity ms...",
      "report.diagnoses[0].entities.lag = NaN",
      "report.timings.totalMs = 0.3333333333333333 (float noise)",
      // the renderer formats the numbers it owns (total 0.3 ms) but prints a summary as written
      "rendered line 6: root cause consumes 35.769999999999996/s, polls every Infinity ms",
      "rendered line 9: consumes 35.769999999999996/s, polls every Infinity ms",
    ]);
  });

  it("the renderer formats the numbers it owns: timings, confidence, thresholds, action parameters", () => {
    const report: Report = {
      format: "kafka-investigation/v1",
      incidentId: "x",
      decision: "remediate",
      primary: "unknown",
      diagnoses: [],
      actions: [{ kind: "scale_consumers", risk: "low", requiresApproval: false, status: "proposed", params: { group: "g", to: 2 / 3 }, rationale: "r" }],
      escalation: null,
      agents: ["streaming"],
      toolCalls: [{ agent: "streaming", tool: "consumer_group_lag", ms: 1e308, ok: true }],
      timings: { totalMs: 35.769999999999996, nodes: { triage: NaN } },
      thresholds: [{ key: "lag.growthShare", value: 0.1 + 0.2, default: 0.6, scope: {} }],
    };
    const text = renderReport(report);
    expect(text).toContain("thresholds lag.growthShare=0.3 (default 0.6)");
    expect(text).toContain("params    group=g to=0.67");
    expect(text).toContain("total      35.8 ms; 1 tool call");
    expect(text).toContain("nodes      triage n/a ms");
    expect(text).toContain("1e+308 ms  streaming/consumer_group_lag");
    // The JSON keeps what the library computed: only the text is the renderer's to fix.
    expect(numberProblems(report)).toEqual([
      "report.actions[0].params.to = 0.6666666666666666 (float noise)",
      "report.timings.totalMs = 35.769999999999996 (float noise)",
      "report.timings.nodes.triage = NaN",
      "report.thresholds[0].value = 0.30000000000000004 (float noise)",
    ]);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))("%s as recorded", async (_n, f) => {
    expect(numberProblems(await baseline(f))).toEqual([]);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))("%s with hostile numbers", { timeout: 60_000 }, async (name, f) => {
    for (const kind of HOSTILITIES) {
      await fc.assert(
        fc.asyncProperty(fc.nat(), async (which) => {
          const report = await investigate(hostile(structuredClone(f.incident), kind, which));
          const problems = numberProblems(report);
          if (problems.length) throw new Error(`${name} with ${kind} (${which}):\n  ${problems.slice(0, 8).join("\n  ")}`);
        }),
        { seed: seedFor("numbers", kind, name), numRuns: 1, endOnFailure: true },
      );
    }
  });
});
