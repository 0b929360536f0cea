import { describe, expect, it } from "vitest";
import type { Expected } from "../contract/incident.ts";
import type { Report } from "../contract/report.ts";
import { failedCase, percentile, scoreCase, summarize } from "./score.ts";
import { checkThresholds } from "./thresholds.ts";

const action = (kind: string, status = "proposed") =>
  ({ kind, risk: "medium", requiresApproval: true, status, params: {}, rationale: "" }) as Report["actions"][number];

function report(over: Partial<Report> = {}): Report {
  return {
    format: "kafka-investigation/v1",
    incidentId: "x",
    decision: "remediate",
    primary: "lag.poison_message",
    diagnoses: [],
    actions: [action("skip_poison_message")],
    escalation: null,
    agents: ["streaming", "incident-debugging"],
    toolCalls: [],
    timings: { totalMs: 1 },
    ...over,
  };
}

const poison: Expected = {
  primary: "lag.poison_message",
  decision: "remediate",
  actions: ["skip_poison_message"],
  forbiddenActions: ["add_partitions", "scale_consumers"],
};

describe("scoreCase", () => {
  it("passes a report that matches on primary, decision and actions", () => {
    const row = scoreCase("c", "c.json", poison, report(), 12.345);
    expect(row).toMatchObject({ primaryOk: true, decisionOk: true, requiredMissing: [], violations: [], severityOk: null, pass: true, latencyMs: 12.35 });
  });

  it("fails on a wrong primary or decision", () => {
    expect(scoreCase("c", "c.json", poison, report({ primary: "lag.slow_consumer" }), 1).pass).toBe(false);
    expect(scoreCase("c", "c.json", poison, report({ decision: "escalate" }), 1).pass).toBe(false);
  });

  it("fails on a missing required action", () => {
    const row = scoreCase("c", "c.json", poison, report({ actions: [] }), 1);
    expect(row.requiredMissing).toEqual(["skip_poison_message"]);
    expect(row.pass).toBe(false);
  });

  it("counts a forbidden kind once, whatever its status (suggestions included)", () => {
    const row = scoreCase("c", "c.json", poison, report({ actions: [action("skip_poison_message"), action("add_partitions", "rejected"), action("add_partitions")] }), 1);
    expect(row.violations).toEqual(["add_partitions"]);
    expect(row.pass).toBe(false);
  });

  it("scores severity only when expected, without deciding the pass", () => {
    const expected: Expected = { primary: "lag.consumer_down", decision: "escalate", actions: [], forbiddenActions: [], severity: "sev2" };
    const base = { primary: "lag.consumer_down" as const, decision: "escalate" as const, actions: [] };
    const right = scoreCase("c", "c.json", expected, report({ ...base, escalation: { severity: "sev2", reason: "", owner: "" } }), 1);
    const wrong = scoreCase("c", "c.json", expected, report({ ...base, escalation: { severity: "sev3", reason: "", owner: "" } }), 1);
    const none = scoreCase("c", "c.json", expected, report({ ...base, escalation: null }), 1);
    expect([right.severityOk, wrong.severityOk, none.severityOk]).toEqual([true, false, false]);
    expect(wrong.pass).toBe(true);
  });
});

describe("summarize", () => {
  it("computes accuracies, recall, violations and latency percentiles", () => {
    const rows = [
      scoreCase("a", "a.json", poison, report(), 10),
      scoreCase("b", "b.json", poison, report({ primary: "lag.slow_consumer", actions: [action("scale_consumers")] }), 30),
      failedCase("c", "c.json", "c.json: $: not valid JSON", poison),
      failedCase("d", "d.json", "boom"),
    ];
    const t = summarize(rows);
    expect(t).toMatchObject({ cases: 4, passed: 1, errors: 2, primaryAccuracy: 0.25, decisionAccuracy: 0.5, forbiddenViolations: 1 });
    expect(t.requiredActions).toEqual({ expected: 3, found: 1 });
    expect(t.requiredActionRecall).toBeCloseTo(1 / 3);
    expect(t.severityAccuracy).toBeNull();
    expect(t.latencyMs).toEqual({ p50: 10, p95: 30, max: 30 });
  });

  it("gives null ratios when there is nothing to measure", () => {
    const t = summarize([]);
    expect([t.primaryAccuracy, t.requiredActionRecall, t.latencyMs.p50]).toEqual([null, null, null]);
  });
});

describe("percentile", () => {
  it("uses nearest rank", () => {
    const xs = [5, 1, 4, 2, 3];
    expect(percentile(xs, 50)).toBe(3);
    expect(percentile(xs, 95)).toBe(5);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });
});

describe("checkThresholds", () => {
  const bar = { primaryAccuracy: 1, decisionAccuracy: 1, requiredActionRecall: 1, maxForbiddenViolations: 0 };

  it("passes perfect totals", () => {
    expect(checkThresholds(summarize([scoreCase("a", "a.json", poison, report(), 1)]), bar)).toEqual([]);
  });

  it("names every threshold missed", () => {
    const t = summarize([scoreCase("a", "a.json", poison, report({ decision: "escalate", actions: [action("add_partitions")] }), 1)]);
    expect(checkThresholds(t, bar)).toEqual([
      "decisionAccuracy 0.0% < 100.0%",
      "requiredActionRecall 0.0% < 100.0%",
      "forbiddenViolations 1 > 0",
    ]);
  });

  it("fails an empty run and skips unmeasurable ratios", () => {
    expect(checkThresholds(summarize([]), bar)).toEqual(["no cases were evaluated"]);
    const noActions: Expected = { primary: "lag.recovering", decision: "none", actions: [], forbiddenActions: [] };
    const t = summarize([scoreCase("a", "a.json", noActions, report({ primary: "lag.recovering", decision: "none", actions: [] }), 1)]);
    expect(checkThresholds(t, { ...bar, severityAccuracy: 1 })).toEqual([]);
  });
});
