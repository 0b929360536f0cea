/**
 * The eval: replays every fixture that carries an `expected` block through investigate() and
 * scores the reports (primary, decision, required and forbidden actions, severity, latency).
 *
 *   node evals/run.ts [--filter <substring>] [--json] [--fixtures <dir>]... [--thresholds <file>] [--no-warmup] [--llm]
 *
 * --llm runs every case a second time with a model taking part and prints both side by side.
 * The model is the endpoint configured by OPENAI_API_KEY / OPENAI_BASE_URL / KAFKA_OPS_LLM_MODEL
 * when one is; otherwise a SCRIPTED OpenAI-compatible responder on 127.0.0.1 (llm/scripted-
 * responder.ts: deterministic answers in the real wire format, not a model), and the output
 * says which. The LLM mode must never score below rules-only on primary, decision or forbidden
 * actions, case by case, and stay within 6 LLM calls and 30,000 tokens per investigation.
 *
 * Exit 0 when every threshold in evals/thresholds.json holds, 1 when one does not, 2 on bad usage.
 * Writes evals/results.json (gitignored).
 */
import { writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadCases } from "./cases.ts";
import { caseNotes, caseTable, totalsTable, verdict, type EvalResults, type ModeResult } from "./format.ts";
import { compareWithRules, sideBySideTable } from "./llm-compare.ts";
import { llmMode, rulesMode, runMode, type EvalMode } from "./modes.ts";
import type { LlmSessionOptions } from "../llm/session.ts";
import { summarize } from "./score.ts";
import { checkThresholds, loadThresholds } from "./thresholds.ts";

const HERE = import.meta.dirname;
const ROOT = resolve(HERE, "..");
const USAGE = "usage: node evals/run.ts [--filter <substring>] [--json] [--fixtures <dir>]... [--thresholds <file>] [--no-warmup] [--llm]";

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        filter: { type: "string" },
        json: { type: "boolean", default: false },
        fixtures: { type: "string", multiple: true },
        thresholds: { type: "string" },
        "no-warmup": { type: "boolean", default: false },
        llm: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }

  // The generated incidents and the hand-written ones recorded blind against the contract.
  const fixtureDirs = (args.fixtures ?? [join(ROOT, "fixtures", "incidents"), join(ROOT, "fixtures", "handwritten")]).map((d) => resolve(d));
  const thresholdsPath = resolve(args.thresholds ?? join(HERE, "thresholds.json"));
  let thresholds;
  let loaded;
  try {
    thresholds = loadThresholds(thresholdsPath);
    const perDir = fixtureDirs.map((d) => loadCases(d, args.filter));
    loaded = { cases: perDir.flatMap((l) => l.cases), skipped: perDir.flatMap((l) => l.skipped) };
  } catch (error) {
    console.error(`eval: ${(error as Error).message}`);
    return 2;
  }

  let model: LlmModeSetup | undefined;
  try {
    model = args.llm ? await setUpModel(process.env) : undefined;
  } catch (error) {
    console.error(`eval --llm: ${(error as Error).message}`);
    return 2;
  }
  const modes: EvalMode[] = [rulesMode, ...(model ? [llmMode(model.options)] : [])];
  const results: ModeResult[] = [];
  try {
    for (const mode of modes) {
      const rows = await runMode(mode, loaded.cases, { warmup: !args["no-warmup"] });
      const totals = summarize(rows);
      results.push({ mode: mode.name, cases: rows, totals, thresholdFailures: checkThresholds(totals, thresholds) });
    }
  } finally {
    await model?.close();
  }
  if (model) {
    const budget = model.options.settings.budget;
    results[1]!.thresholdFailures.push(...compareWithRules(results[0]!.cases, results[1]!.cases, { maxCalls: Math.min(6, budget.maxCalls), maxTokens: Math.min(30_000, budget.maxTokens) }));
  }

  const pass = results.every((m) => m.thresholdFailures.length === 0);
  const document: EvalResults = {
    format: "kafka-ops-eval/v1",
    generatedAt: new Date().toISOString(),
    fixtures: fixtureDirs.map((d) => relative(ROOT, d) || ".").join(", "),
    filter: args.filter ?? null,
    ...(model && { model: model.describe }),
    skipped: loaded.skipped,
    thresholds,
    modes: results,
    pass,
  };
  writeFileSync(join(HERE, "results.json"), JSON.stringify(document, null, 2) + "\n");

  if (args.json) {
    console.log(JSON.stringify(document, null, 2));
    if (!pass) console.error(verdict(results));
  } else {
    if (model) {
      console.log(`llm mode model: ${model.describe}`);
      console.log(sideBySideTable(results[0]!.cases, results[1]!.cases));
      for (const m of results) {
        const notes = m.cases.flatMap((r) => caseNotes(r).map((n) => `  ${r.case}: ${n}`));
        if (notes.length) console.log(`\n${m.mode} details:\n${notes.join("\n")}`);
      }
    } else {
      for (const m of results) console.log(caseTable(m.cases));
    }
    console.log("");
    console.log(totalsTable(results));
    if (loaded.skipped.length) console.log(`\nskipped (no expected block): ${loaded.skipped.join(", ")}`);
    console.log("");
    console.log(verdict(results));
    console.log(`results: ${relative(process.cwd(), join(HERE, "results.json"))}`);
  }
  return pass ? 0 : 1;
}

interface LlmModeSetup {
  options: LlmSessionOptions;
  /** What answered: a configured endpoint, or the scripted responder. */
  describe: string;
  close(): Promise<void>;
}

/** A configured endpoint when the environment names one, else the scripted responder. */
async function setUpModel(env: Record<string, string | undefined>): Promise<LlmModeSetup> {
  const { loadSettings } = await import("../config/load.ts");
  const configured = loadSettings({}, env).llm;
  if (configured && (env.OPENAI_API_KEY || env.OPENAI_BASE_URL)) {
    return { options: { settings: configured }, describe: `${configured.model} at ${configured.baseUrl ?? "api.openai.com"} (a real endpoint)`, close: async () => {} };
  }
  const [{ startScriptedResponder, SCRIPTED_LABEL }, { LlmSettings }] = await Promise.all([import("../llm/scripted-responder.ts"), import("../config/settings.ts")]);
  const responder = await startScriptedResponder();
  const settings = LlmSettings.parse({ model: "scripted", baseUrl: responder.baseUrl, apiKey: "scripted-no-key", maxRetries: 0 });
  return {
    options: { settings, label: SCRIPTED_LABEL },
    describe: `${SCRIPTED_LABEL}: deterministic answers in the OpenAI wire format at ${responder.baseUrl}; it is NOT a model, so these figures test the plumbing and the guards, not a model's judgement`,
    close: () => responder.close(),
  };
}

process.exitCode = await main(process.argv.slice(2));
