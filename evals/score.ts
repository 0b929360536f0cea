/**
 * Scoring: one report against one fixture's `expected` block, and totals over many cases.
 * Pure functions (no I/O, no clock) so the unit tests pin the arithmetic down.
 */
import type { Expected } from "../contract/incident.ts";
import type { Report } from "../contract/report.ts";

/** What one run mode concluded for one case; null when the case failed before a report existed. */
export interface CaseRow {
  case: string;
  /** Fixture file, relative to the fixtures directory. */
  file: string;
  expected: {
    primary: string | null;
    decision: string | null;
    actions: string[];
    forbiddenActions: string[];
    severity: string | null;
  };
  got: {
    primary: string | null;
    decision: string | null;
    actions: string[];
    severity: string | null;
  };
  primaryOk: boolean;
  decisionOk: boolean;
  /** expected.actions that the report proposed. */
  requiredFound: string[];
  /** expected.actions that the report did not propose. */
  requiredMissing: string[];
  /** expected.forbiddenActions kinds found in the report's actions (each kind counted once). */
  violations: string[];
  /** null when the fixture expects no severity. */
  severityOk: boolean | null;
  latencyMs: number | null;
  pass: boolean;
  /** Set when the fixture could not be read or validated, or investigate() threw. */
  error?: string;
  /** LLM mode: model calls, total tokens, time waiting for the model, notes in the report. */
  llm?: { calls: number; tokens: number; ms: number; notes: number };
}

export interface Totals {
  cases: number;
  passed: number;
  /** Cases whose fixture or run failed (counted as wrong on every figure). */
  errors: number;
  /** Ratios in 0..1; null when there is nothing to measure (no cases, no required actions...). */
  primaryAccuracy: number | null;
  decisionAccuracy: number | null;
  requiredActionRecall: number | null;
  requiredActions: { expected: number; found: number };
  forbiddenViolations: number;
  severityAccuracy: number | null;
  severity: { expected: number; matched: number };
  latencyMs: { p50: number | null; p95: number | null; max: number | null };
}

const uniq = <T>(xs: readonly T[]): T[] => [...new Set(xs)];

/** Scores a report against what the fixture expects. */
export function scoreCase(name: string, file: string, expected: Expected, report: Report, latencyMs: number): CaseRow {
  const kinds = uniq(report.actions.map((a) => a.kind as string));
  // "Proposed" means it appears in the report's actions, whatever its status (an approval policy
  // may have moved it on); the contract's forbidden rule likewise covers every status.
  const requiredFound = expected.actions.filter((k) => kinds.includes(k));
  const requiredMissing = expected.actions.filter((k) => !kinds.includes(k));
  const violations = uniq(expected.forbiddenActions.filter((k) => kinds.includes(k)));
  const gotSeverity = report.escalation?.severity ?? null;
  const severityOk = expected.severity === undefined ? null : gotSeverity === expected.severity;
  const primaryOk = report.primary === expected.primary;
  const decisionOk = report.decision === expected.decision;
  return {
    case: name,
    file,
    expected: {
      primary: expected.primary,
      decision: expected.decision,
      actions: [...expected.actions],
      forbiddenActions: [...expected.forbiddenActions],
      severity: expected.severity ?? null,
    },
    got: { primary: report.primary, decision: report.decision, actions: kinds, severity: gotSeverity },
    primaryOk,
    decisionOk,
    requiredFound,
    requiredMissing,
    violations,
    severityOk,
    latencyMs: round2(latencyMs),
    // Severity is reported but, as the brief defines a pass, does not decide it.
    pass: primaryOk && decisionOk && requiredMissing.length === 0 && violations.length === 0,
  };
}

/** A case that produced no report: a bad fixture, or investigate() threw. Fails every check. */
export function failedCase(name: string, file: string, error: string, expected?: Expected): CaseRow {
  return {
    case: name,
    file,
    expected: {
      primary: expected?.primary ?? null,
      decision: expected?.decision ?? null,
      actions: [...(expected?.actions ?? [])],
      forbiddenActions: [...(expected?.forbiddenActions ?? [])],
      severity: expected?.severity ?? null,
    },
    got: { primary: null, decision: null, actions: [], severity: null },
    primaryOk: false,
    decisionOk: false,
    requiredFound: [],
    requiredMissing: [...(expected?.actions ?? [])],
    violations: [],
    severityOk: expected?.severity === undefined ? null : false,
    latencyMs: null,
    pass: false,
    error,
  };
}

export function summarize(rows: readonly CaseRow[]): Totals {
  const n = rows.length;
  const ratio = (num: number, den: number) => (den === 0 ? null : num / den);
  const requiredExpected = rows.reduce((s, r) => s + r.expected.actions.length, 0);
  const requiredFound = rows.reduce((s, r) => s + r.requiredFound.length, 0);
  const severityRows = rows.filter((r) => r.severityOk !== null);
  const severityMatched = severityRows.filter((r) => r.severityOk).length;
  const latencies = rows.flatMap((r) => (r.latencyMs === null ? [] : [r.latencyMs]));
  return {
    cases: n,
    passed: rows.filter((r) => r.pass).length,
    errors: rows.filter((r) => r.error !== undefined).length,
    primaryAccuracy: ratio(rows.filter((r) => r.primaryOk).length, n),
    decisionAccuracy: ratio(rows.filter((r) => r.decisionOk).length, n),
    requiredActionRecall: ratio(requiredFound, requiredExpected),
    requiredActions: { expected: requiredExpected, found: requiredFound },
    forbiddenViolations: rows.reduce((s, r) => s + r.violations.length, 0),
    severityAccuracy: ratio(severityMatched, severityRows.length),
    severity: { expected: severityRows.length, matched: severityMatched },
    latencyMs: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: latencies.length ? Math.max(...latencies) : null },
  };
}

/** Nearest-rank percentile (p in 0..100): always one of the measured values; null when none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const round2 = (x: number) => Math.round(x * 100) / 100;
