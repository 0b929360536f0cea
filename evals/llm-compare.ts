/**
 * The LLM mode's bar, case by case against the rules-only run: never worse on the primary,
 * the decision or forbidden actions, and within the per-investigation budget (calls, tokens).
 * And the side-by-side case table. Pure, so the unit tests pin both down.
 */
import { table } from "./format.ts";
import type { CaseRow } from "./score.ts";

export interface LlmBounds {
  maxCalls: number;
  maxTokens: number;
}

export const DEFAULT_LLM_BOUNDS: LlmBounds = { maxCalls: 6, maxTokens: 30_000 };

/** One line per broken bound; empty when the LLM mode held every one. */
export function compareWithRules(rules: readonly CaseRow[], llm: readonly CaseRow[], bounds: LlmBounds = DEFAULT_LLM_BOUNDS): string[] {
  const failures: string[] = [];
  const byName = new Map(rules.map((r) => [r.case, r]));
  for (const l of llm) {
    const r = byName.get(l.case);
    if (!r) continue;
    if (r.primaryOk && !l.primaryOk) failures.push(`${l.case}: primary ${l.got.primary} where rules-only got ${r.got.primary} right`);
    if (r.decisionOk && !l.decisionOk) failures.push(`${l.case}: decision ${l.got.decision} where rules-only got ${r.got.decision} right`);
    if (l.violations.length > r.violations.length) failures.push(`${l.case}: forbidden actions ${l.violations.join(", ")} that rules-only did not propose`);
    if (l.error === undefined && !l.llm) failures.push(`${l.case}: the report has no llm usage block`);
    if (l.llm && l.llm.calls > bounds.maxCalls) failures.push(`${l.case}: ${l.llm.calls} LLM calls > ${bounds.maxCalls}`);
    if (l.llm && l.llm.tokens > bounds.maxTokens) failures.push(`${l.case}: ${l.llm.tokens} tokens > ${bounds.maxTokens}`);
  }
  return failures;
}

const pd = (r: CaseRow) => `${r.got.primary ?? "-"} / ${r.got.decision ?? "-"}`;
const ms = (x: number | null | undefined) => (x === null || x === undefined ? "-" : x.toFixed(1));

/** One row per case: expected, the rules' answer, the LLM mode's answer, and the LLM's cost. */
export function sideBySideTable(rules: readonly CaseRow[], llm: readonly CaseRow[]): string {
  const byName = new Map(llm.map((l) => [l.case, l]));
  const body = rules.map((r) => {
    const l = byName.get(r.case);
    return [
      r.case,
      `${r.expected.primary ?? "-"} / ${r.expected.decision ?? "-"}`,
      `${pd(r)} ${r.pass ? "PASS" : "FAIL"}`,
      l ? `${l.got.primary === r.got.primary && l.got.decision === r.got.decision ? "same" : pd(l)} ${l.pass ? "PASS" : "FAIL"}` : "-",
      l ? String(l.violations.length) : "-",
      l?.llm ? String(l.llm.calls) : "-",
      l?.llm ? String(l.llm.tokens) : "-",
      ms(r.latencyMs),
      ms(l?.latencyMs),
      l?.llm ? ms(l.llm.ms) : "-",
    ];
  });
  return table(["case", "expected primary / decision", "rules", "llm", "llm forbidden", "llm calls", "llm tokens", "rules ms", "llm ms", "model ms"], body);
}
