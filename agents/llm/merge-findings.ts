/**
 * Findings from parallel specialists meet here (the graph state's reducer): a model finding
 * that restates a rules' finding, from whichever specialist, is agreement, not a new finding,
 * and is merged into it. A specialist's own loop already skips restatements of its own rules'
 * findings (validate.ts); this catches the ones of another specialist, which run in parallel.
 */
import type { Diagnosis } from "../../contract/report.ts";
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
