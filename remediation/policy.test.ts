import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Action } from "../contract/report.ts";
import { Settings } from "../config/settings.ts";
import { DEFAULT_POLICY, loadPolicyFile, parsePolicy, policyDecision, resolvePolicy } from "./policy.ts";

const act = (kind: Action["kind"], risk: Action["risk"], params: Action["params"]) => ({ kind, risk, params });

describe("policy", () => {
  it("defaults to propose-only: no rule, everything approve, the documented bar and limits", () => {
    expect(DEFAULT_POLICY).toEqual({
      version: 1,
      default: "approve",
      rules: [],
      autoBar: { minConfidence: 0.8, minEvidence: 2, rulesOnly: true },
      limits: { perRun: { actions: 3, partitions: 32, records: 10000 }, perHour: { actions: 10, partitions: 64, records: 50000 } },
      protectedTopics: [],
      source: "default",
    });
    expect(policyDecision(DEFAULT_POLICY, act("scale_consumers", "low", { group: "g" })).decide).toBe("approve");
  });

  it("is documented as it is: docs/policy.md's default block parses to DEFAULT_POLICY", () => {
    const doc = readFileSync(new URL("../docs/policy.md", import.meta.url), "utf8");
    const block = /## The default[^]*?```json\n([^]*?)```/.exec(doc)?.[1];
    expect(block, "docs/policy.md has a json block under 'The default'").toBeDefined();
    const { source: _s, ...defaults } = DEFAULT_POLICY;
    expect(JSON.parse(block!)).toEqual(defaults);
  });

  it("takes the strictest matching rule whatever the order", () => {
    const rules = [
      { kind: "scale_consumers", decide: "auto" },
      { group: "payments-*", decide: "forbid", note: "payments change freeze" },
    ];
    for (const order of [rules, [...rules].reverse()]) {
      const p = parsePolicy({ rules: order }, "p.json");
      const first = order[0] === rules[0] ? 2 : 1;
      expect(policyDecision(p, act("scale_consumers", "low", { group: "payments-eu" }))).toMatchObject({ decide: "forbid", rules: [first], why: `rule ${first} (payments change freeze): forbid` });
      expect(policyDecision(p, act("scale_consumers", "low", { group: "orders" })).decide).toBe("auto");
    }
  });

  it("lets an auto rule reach only actions whose every topic it covers; a tightening rule any", () => {
    const p = parsePolicy({ default: "auto", rules: [{ topic: "orders*", decide: "auto" }, { topic: "/^payments$/", decide: "approve" }] }, "p.json");
    const both = act("replay_dlq", "medium", { dlqTopic: "orders.dlq", targetTopic: "payments" });
    expect(policyDecision(p, both).decide).toBe("approve");
    expect(policyDecision(parsePolicy({ rules: [{ topic: "orders*", decide: "auto" }] }, "p.json"), both).decide).toBe("approve");
    expect(policyDecision(parsePolicy({ rules: [{ topic: "orders*", decide: "auto" }] }, "p.json"), act("replay_dlq", "medium", { dlqTopic: "orders.dlq", targetTopic: "orders" })).decide).toBe("auto");
    // A rule with a topic selector does not reach an action that names no topic.
    expect(policyDecision(parsePolicy({ rules: [{ topic: "*", decide: "forbid" }] }, "p.json"), act("scale_consumers", "low", { group: "g" })).decide).toBe("approve");
  });

  it("takes every matching auto rule's bar, field by field the strictest", () => {
    const p = parsePolicy({ rules: [{ risk: "low", decide: "auto", bar: { minConfidence: 0.9 } }, { kind: ["scale_consumers"], decide: "auto", bar: { minEvidence: 3 } }] }, "p.json");
    expect(policyDecision(p, act("scale_consumers", "low", {})).bar).toEqual({ minConfidence: 0.9, minEvidence: 3, rulesOnly: true });
  });

  it("rejects a bad file with the file and the field named", () => {
    expect(() => parsePolicy({ rules: [{ kind: "scale", decide: "auto" }] }, "ops/policy.json")).toThrow(/^ops\/policy\.json: policy\.rules\[0\]\.kind: /);
    expect(() => parsePolicy({ rules: [{ decide: "yes" }] }, "p.json")).toThrow('p.json: policy.rules[0].decide: expected one of "auto", "approve", "forbid"');
    expect(() => parsePolicy({ limits: { perRun: { actions: -1 } } }, "p.json")).toThrow("p.json: policy.limits.perRun.actions: ");
    expect(() => parsePolicy({ rules: [{ topic: "/(/", decide: "auto" }] }, "p.json")).toThrow("p.json: policy.rules[0].topic: not a valid regular expression");
    expect(() => parsePolicy({ rule: [] }, "p.json")).toThrow('p.json: policy: unknown key "rule"');
    const dir = mkdtempSync(join(tmpdir(), "policy-"));
    writeFileSync(join(dir, "bad.json"), "{ nope");
    expect(() => loadPolicyFile(join(dir, "bad.json"))).toThrow(`${join(dir, "bad.json")}: $: not valid JSON`);
    expect(() => loadPolicyFile(join(dir, "missing.json"))).toThrow(`${join(dir, "missing.json")}: $: cannot read the policy file (ENOENT)`);
  });

  it("resolves a file (flag, then KAFKA_OPS_POLICY) over settings over the default", () => {
    const dir = mkdtempSync(join(tmpdir(), "policy-"));
    const file = join(dir, "p.json");
    writeFileSync(file, JSON.stringify({ default: "forbid" }));
    expect(resolvePolicy({ env: { KAFKA_OPS_POLICY: file } })).toMatchObject({ default: "forbid", source: file });
    expect(resolvePolicy({ env: {} }).source).toBe("default");
  });

  it("settings.policy: inline, or a legacy string that reads as the default", () => {
    expect(Settings.parse({}).policy).toEqual(DEFAULT_POLICY);
    expect(Settings.parse({ policy: "high-only" }).policy).toEqual({ ...DEFAULT_POLICY, source: 'settings (legacy "high-only": the default)' });
    expect(Settings.parse({ policy: { rules: [{ kind: "quarantine_messages", decide: "auto" }] } }).policy.rules).toEqual([{ kind: ["quarantine_messages"], decide: "auto" }]);
  });
});
