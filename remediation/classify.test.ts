import { describe, expect, it } from "vitest";
import { finding } from "../agents/finding.ts";
import type { Action, Diagnosis } from "../contract/report.ts";
import { classify, needsApproval, prescribingFinding } from "./classify.ts";
import { parsePolicy } from "./policy.ts";

const ev = [
  { tool: "consumer_group_lag", detail: "lag grows" },
  { tool: "describe_group", detail: "2 members" },
];
const slow = (over: Partial<Diagnosis> = {}): Diagnosis => ({ ...finding("streaming", "lag.slow_consumer", 0.9, "slow", { group: "g", topic: "t", members: 2, partitions: 8 }, ev), ...over });
const scale = (group = "g"): Pick<Action, "kind" | "risk" | "params"> => ({ kind: "scale_consumers", risk: "low", params: { group, from: 2, to: 4 } });
const auto = parsePolicy({ rules: [{ kind: "scale_consumers", decide: "auto" }, { group: "frozen-*", decide: "forbid", note: "freeze" }] }, "p.json");

describe("classify", () => {
  it("auto only in auto mode, with a finding that clears the bar", () => {
    const c = (findings: Diagnosis[], mode: "auto" | "approve" = "auto", action = scale()) => classify([action], { policy: auto, findings }, mode)[0];
    expect(c([slow()])).toEqual({ index: 1, kind: "scale_consumers", verdict: "auto", why: ["policy: rule 1: auto"] });
    expect(c([slow()], "approve")!.why).toEqual(["policy: rule 1: auto", "mode approve: only --mode auto applies unattended"]);
    expect(c([slow({ evidence: ev.slice(0, 1) })])!.why[1]).toBe("bar: the lag.slow_consumer finding quotes 1 piece of evidence, the bar is 2");
    expect(c([slow({ origin: "model" })])!.why[1]).toBe("bar: the lag.slow_consumer finding comes from a model, and the bar takes the rules' findings only");
    // The finding names the group, but its runbook prescribes another action there: no prescribing finding.
    const stuck = finding("streaming", "lag.poison_message", 0.99, "stuck", { group: "g", topic: "t", partition: 0, offset: "1" }, ev);
    expect(c([stuck])).toMatchObject({ verdict: "approve", why: ["policy: rule 1: auto", "bar: no finding prescribes this action"] });
  });

  it("forbids by guard before the policy is asked, and by a forbid rule", () => {
    expect(classify([scale("other")], { policy: auto, findings: [slow()] }, "auto")[0]).toEqual({ index: 1, kind: "scale_consumers", verdict: "forbid", why: ['guard: group "other" is not an entity any finding names'] });
    const frozen = slow({ entities: { group: "frozen-eu", topic: "t", members: 2, partitions: 8 } });
    expect(classify([scale("frozen-eu")], { policy: auto, findings: [frozen] }, "auto")[0]!.why).toEqual(["policy: rule 2 (freeze): forbid"]);
  });

  it("needsApproval: what would not run unattended under --mode auto", () => {
    expect(needsApproval({ ...scale(), risk: "low" }, auto, [slow()])).toBe(false);
    expect(needsApproval(scale(), undefined, [slow()])).toBe(true);
    expect(prescribingFinding(scale(), [slow({ confidence: 0.7 }), slow()])!.confidence).toBe(0.9);
  });
});
