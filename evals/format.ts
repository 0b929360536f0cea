/**
 * Human output of an eval run: a case table per mode, then the totals of every mode side by
 * side (one column per mode), then the threshold verdict. And the results.json document.
 */
import type { CaseRow, Totals } from "./score.ts";
import { pct } from "./thresholds.ts";

export interface ModeResult {
  mode: string;
  cases: CaseRow[];
  totals: Totals;
  /** Thresholds this mode missed; empty when it cleared every one. */
  thresholdFailures: string[];
}

export interface EvalResults {
  format: "kafka-ops-eval/v1";
  generatedAt: string;
  fixtures: string;
  filter: string | null;
  /** --llm: what answered as the model. */
  model?: string;
  skipped: string[];
  thresholds: Record<string, number>;
  modes: ModeResult[];
  pass: boolean;
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

const pd = (primary: string | null, decision: string | null) => `${primary ?? "-"} / ${decision ?? "-"}`;

export function caseTable(rows: readonly CaseRow[]): string {
  const body = rows.map((r) => [r.case, pd(r.expected.primary, r.expected.decision), pd(r.got.primary, r.got.decision), r.pass ? "PASS" : "FAIL"]);
  const out = [table(["case", "expected primary / decision", "got primary / decision", "pass"], body)];
  const notes = rows.flatMap((r) => caseNotes(r).map((n) => `  ${r.case}: ${n}`));
  if (notes.length) out.push("", "details:", ...notes);
  return out.join("\n");
}

/** Why a case failed (and severity mismatches, which do not fail it but are worth seeing). */
export function caseNotes(r: CaseRow): string[] {
  if (r.error !== undefined) return [`error: ${r.error}`];
  const notes: string[] = [];
  if (!r.primaryOk) notes.push(`primary ${r.got.primary} != expected ${r.expected.primary}`);
  if (!r.decisionOk) notes.push(`decision ${r.got.decision} != expected ${r.expected.decision}`);
  if (r.requiredMissing.length) notes.push(`missing required actions: ${r.requiredMissing.join(", ")} (got: ${r.got.actions.join(", ") || "none"})`);
  if (r.violations.length) notes.push(`forbidden actions proposed: ${r.violations.join(", ")}`);
  if (r.severityOk === false) notes.push(`severity ${r.got.severity ?? "none"} != expected ${r.expected.severity}`);
  return notes;
}

const ratioCell = (ratio: number | null, num?: number, den?: number) =>
  ratio === null ? "n/a" : `${pct(ratio)}${num !== undefined ? ` (${num}/${den})` : ""}`;
const ms = (x: number | null) => (x === null ? "n/a" : `${x.toFixed(1)} ms`);

export function totalsTable(modes: readonly ModeResult[]): string {
  const rows: [string, (t: Totals) => string][] = [
    ["cases", (t) => `${t.cases} (${t.passed} passed${t.errors ? `, ${t.errors} errors` : ""})`],
    ["primary accuracy", (t) => ratioCell(t.primaryAccuracy, t.cases && Math.round((t.primaryAccuracy ?? 0) * t.cases), t.cases)],
    ["decision accuracy", (t) => ratioCell(t.decisionAccuracy, t.cases && Math.round((t.decisionAccuracy ?? 0) * t.cases), t.cases)],
    ["required-action recall", (t) => ratioCell(t.requiredActionRecall, t.requiredActions.found, t.requiredActions.expected)],
    ["forbidden-action violations", (t) => String(t.forbiddenViolations)],
    ["severity accuracy", (t) => ratioCell(t.severityAccuracy, t.severity.matched, t.severity.expected)],
    ["latency p50", (t) => ms(t.latencyMs.p50)],
    ["latency p95", (t) => ms(t.latencyMs.p95)],
  ];
  const usage = (m: ModeResult) => m.cases.flatMap((c) => (c.llm ? [c.llm] : []));
  if (modes.some((m) => usage(m).length)) {
    const stat = (m: ModeResult, pick: (u: NonNullable<CaseRow["llm"]>) => number) => {
      const xs = usage(m).map(pick);
      return xs.length ? `${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(1)} / ${Math.max(...xs)}` : "-";
    };
    const byMode = new Map(modes.map((m) => [m.totals, m]));
    rows.push(
      ["LLM calls per case (mean / max)", (t) => stat(byMode.get(t)!, (u) => u.calls)],
      ["LLM tokens per case (mean / max)", (t) => stat(byMode.get(t)!, (u) => u.tokens)],
      ["model wait ms per case (mean / max)", (t) => stat(byMode.get(t)!, (u) => Math.round(u.ms))],
    );
  }
  return table(["totals", ...modes.map((m) => m.mode)], rows.map(([label, cell]) => [label, ...modes.map((m) => cell(m.totals))]));
}

export function verdict(modes: readonly ModeResult[]): string {
  return modes
    .map((m) => (m.thresholdFailures.length ? `${m.mode}: BELOW THRESHOLD: ${m.thresholdFailures.join("; ")}` : `${m.mode}: all thresholds met`))
    .join("\n");
}
