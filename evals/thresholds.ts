/**
 * The bar an eval run must clear (evals/thresholds.json). Every key is optional: a missing key
 * is not checked. Ratios are 0..1.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import type { Totals } from "./score.ts";

export const Thresholds = z.strictObject({
  primaryAccuracy: z.number().min(0).max(1).optional(),
  decisionAccuracy: z.number().min(0).max(1).optional(),
  requiredActionRecall: z.number().min(0).max(1).optional(),
  maxForbiddenViolations: z.number().int().min(0).optional(),
  severityAccuracy: z.number().min(0).max(1).optional(),
});
export type Thresholds = z.infer<typeof Thresholds>;

export function loadThresholds(path: string): Thresholds {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
  const parsed = Thresholds.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${path}: ${issue.path.join(".") || "$"}: ${issue.message}`);
  }
  return parsed.data;
}

/** One line per threshold the totals miss; empty when every one holds. */
export function checkThresholds(totals: Totals, t: Thresholds): string[] {
  const failures: string[] = [];
  if (totals.cases === 0) failures.push("no cases were evaluated");
  const min = (name: keyof Thresholds & string, value: number | null, bar: number | undefined) => {
    // null: nothing to measure (e.g. no fixture expects an action), so nothing to fail.
    if (bar === undefined || value === null) return;
    if (value < bar) failures.push(`${name} ${pct(value)} < ${pct(bar)}`);
  };
  min("primaryAccuracy", totals.primaryAccuracy, t.primaryAccuracy);
  min("decisionAccuracy", totals.decisionAccuracy, t.decisionAccuracy);
  min("requiredActionRecall", totals.requiredActionRecall, t.requiredActionRecall);
  min("severityAccuracy", totals.severityAccuracy, t.severityAccuracy);
  if (t.maxForbiddenViolations !== undefined && totals.forbiddenViolations > t.maxForbiddenViolations) {
    failures.push(`forbiddenViolations ${totals.forbiddenViolations} > ${t.maxForbiddenViolations}`);
  }
  return failures;
}

export const pct = (ratio: number) => `${(Math.round(ratio * 1000) / 10).toFixed(1)}%`;
