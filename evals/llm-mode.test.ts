import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LlmSettings } from "../config/settings.ts";
import { SCRIPTED_LABEL, startScriptedResponder, type ScriptedResponder } from "../llm/scripted-responder.ts";
import { loadCases } from "./cases.ts";
import { compareWithRules } from "./llm-compare.ts";
import { llmMode, rulesMode, runMode } from "./modes.ts";
import type { CaseRow } from "./score.ts";

const DIR = join(import.meta.dirname, "..", "fixtures", "incidents");

describe("eval --llm with the scripted responder", () => {
  let responder: ScriptedResponder;
  beforeAll(async () => {
    responder = await startScriptedResponder();
  });
  afterAll(() => responder.close());

  it("scores no worse than rules-only, within 6 calls and 30,000 tokens per case", async () => {
    const { cases } = loadCases(DIR, "-1");
    expect(cases.length).toBeGreaterThan(10);
    const settings = LlmSettings.parse({ model: "scripted", baseUrl: responder.baseUrl, apiKey: "k-scripted", maxRetries: 0 });
    const rules = await runMode(rulesMode, cases);
    const llm = await runMode(llmMode({ settings, label: SCRIPTED_LABEL }), cases);
    expect(compareWithRules(rules, llm)).toEqual([]);
    expect(llm.every((r) => r.llm && r.llm.calls >= 1 && r.llm.calls <= 6 && r.llm.tokens <= 30_000)).toBe(true);
  }, 60_000);
});

describe("compareWithRules", () => {
  const row = (over: Partial<CaseRow>): CaseRow => ({
    case: "c", file: "c.json",
    expected: { primary: "a", decision: "remediate", actions: [], forbiddenActions: ["add_partitions"], severity: null },
    got: { primary: "a", decision: "remediate", actions: [], severity: null },
    primaryOk: true, decisionOk: true, requiredFound: [], requiredMissing: [], violations: [], severityOk: null, latencyMs: 1, pass: true,
    ...over,
  });
  it("flags a worse primary, decision, a new forbidden action, and budget overruns", () => {
    const failures = compareWithRules(
      [row({})],
      [row({ primaryOk: false, decisionOk: false, got: { primary: "b", decision: "none", actions: ["add_partitions"], severity: null }, violations: ["add_partitions"], llm: { calls: 7, tokens: 31_000, ms: 1, notes: 0 } })],
    );
    expect(failures).toHaveLength(5);
  });
  it("passes an equal run", () => {
    expect(compareWithRules([row({})], [row({ llm: { calls: 6, tokens: 30_000, ms: 1, notes: 0 } })])).toEqual([]);
  });
});
