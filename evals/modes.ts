/**
 * Run modes: how a case's report is produced. Today only the deterministic rules graph runs;
 * an LLM-assisted mode (`--llm`) will be a second EvalMode whose totals print side by side.
 */
import { investigate } from "../index.ts";
import type { Report } from "../contract/report.ts";
import type { LlmSessionOptions } from "../llm/session.ts";
import type { EvalCase } from "./cases.ts";
import { failedCase, scoreCase, type CaseRow } from "./score.ts";

export interface EvalMode {
  /** Short column name: "rules", later "llm". */
  name: string;
  /** Investigates one incident; it receives the recording without its `expected` block. */
  investigate(incident: Record<string, unknown>): Promise<Report>;
}

export const rulesMode: EvalMode = {
  name: "rules",
  investigate: (incident) => investigate(incident),
};

/** The same investigation with a model taking part (triage, tool loops, synthesis) under its budget. */
export function llmMode(llm: LlmSessionOptions, name = "llm"): EvalMode {
  return { name, investigate: (incident) => investigate(incident, { llm }) };
}

export interface RunOptions {
  /** Investigate the first valid case once, unscored, before timing (module loading, JIT). */
  warmup?: boolean;
  /** Called after each case, for progress output. */
  onCase?: (row: CaseRow) => void;
}

/** Runs every case through one mode, sequentially so that each latency is its own. */
export async function runMode(mode: EvalMode, cases: readonly EvalCase[], options: RunOptions = {}): Promise<CaseRow[]> {
  const first = cases.find((c) => c.ok);
  if (options.warmup && first?.ok) {
    await mode.investigate(blind(first.raw)).catch(() => undefined);
  }
  const rows: CaseRow[] = [];
  for (const c of cases) {
    let row: CaseRow;
    if (!c.ok) row = failedCase(c.name, c.file, c.error, c.expected);
    else {
      const incident = blind(c.raw);
      const started = performance.now();
      try {
        const report = await mode.investigate(incident);
        row = scoreCase(c.name, c.file, c.incident.expected!, report, performance.now() - started);
        if (report.llm) row.llm = { calls: report.llm.calls, tokens: report.llm.totalTokens, ms: report.llm.ms ?? 0, notes: report.llm.notes.length };
      } catch (error) {
        row = failedCase(c.name, c.file, `investigate() threw: ${error instanceof Error ? error.message : String(error)}`, c.incident.expected);
      }
    }
    rows.push(row);
    options.onCase?.(row);
  }
  return rows;
}

/** The recording without the answer key: the system under test must never see `expected`. */
export function blind(raw: Record<string, unknown>): Record<string, unknown> {
  const { expected: _expected, ...rest } = raw;
  return rest;
}
