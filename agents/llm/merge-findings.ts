/**
 * Findings from parallel specialists meet here (the graph state's reducer): a model finding
 * that restates a rules' finding, from whichever specialist, is agreement, not a new finding,
 * and is merged into it. A specialist's own loop already skips restatements of its own rules'
 * findings (validate.ts); this catches the ones of another specialist, which run in parallel.
 *
 * The reducer is pure (LangGraph may apply it to restored state), so it cannot write the
 * report's notes itself; instead each specialist's added model findings are remembered per
 * session (`rememberModelFindings`), and once every specialist is done (the synthesis, which
 * sees the merged findings) `noteMerged` says which of them were merged, and into what.
 */
import type { Diagnosis } from "../../contract/report.ts";
import type { LlmSession } from "../../llm/session.ts";
import { restates } from "./validate.ts";

export function mergeFindings(current: readonly Diagnosis[], next: readonly Diagnosis[]): Diagnosis[] {
  const all = [...current, ...next];
  const ruled = all.filter((d) => d.origin !== "model");
  const kept: Diagnosis[] = [];
  for (const d of all) {
    if (d.origin === "model" && (ruled.some((r) => restates(d, r)) || kept.some((k) => k.origin === "model" && restates(d, k)))) continue;
    kept.push(d);
  }
  return kept;
}

const added = new WeakMap<LlmSession, Diagnosis[]>();

/** A specialist's model findings as it added them (before the merge). */
export function rememberModelFindings(session: LlmSession, findings: readonly Diagnosis[]): void {
  if (!findings.length) return;
  added.set(session, [...(added.get(session) ?? []), ...findings]);
}

/** Notes, for each remembered model finding the merge left out, what it was merged into. */
export function noteMerged(session: LlmSession, merged: readonly Diagnosis[]): void {
  const same = (a: Diagnosis, b: Diagnosis) => a.code === b.code && a.agent === b.agent && a.origin === b.origin && sameEntities(a, b);
  for (const d of added.get(session) ?? []) {
    if (merged.some((m) => same(m, d))) continue;
    const into = merged.find((r) => r.origin !== "model" && restates(d, r)) ?? merged.find((r) => r.origin === "model" && restates(d, r));
    if (!into) continue;
    const whose = into.origin === "model" ? `the ${into.agent} agent's model finding` : `the ${into.agent} agent's rules finding`;
    session.note(`${d.agent} tool loop: its model finding ${d.code}${on(d)} restated ${whose}; merged into it, not added`);
  }
}

const KEYS = ["group", "topic", "partition", "dlqTopic", "subject", "broker"] as const;
const sameEntities = (a: Diagnosis, b: Diagnosis) => KEYS.every((k) => String(a.entities[k] ?? "") === String(b.entities[k] ?? ""));
const on = (d: Diagnosis) => {
  const named = KEYS.filter((k) => d.entities[k] !== undefined).map((k) => `${k} ${JSON.stringify(d.entities[k])}`);
  return named.length ? ` on ${named.join(", ")}` : "";
};
