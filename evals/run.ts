/**
 * The eval: replays every fixture that carries an `expected` block through investigate() and
 * scores the reports (primary, decision, required and forbidden actions, severity, latency).
 *
 *   node evals/run.ts [--filter <substring>] [--json] [--fixtures <dir>]... [--thresholds <file>] [--no-warmup]
 *
 * Exit 0 when every threshold in evals/thresholds.json holds, 1 when one does not, 2 on bad usage.
 * Writes evals/results.json (gitignored).
 */
import { writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadCases } from "./cases.ts";
import { caseTable, totalsTable, verdict, type EvalResults, type ModeResult } from "./format.ts";
import { rulesMode, runMode, type EvalMode } from "./modes.ts";
import { summarize } from "./score.ts";
import { checkThresholds, loadThresholds } from "./thresholds.ts";

const HERE = import.meta.dirname;
const ROOT = resolve(HERE, "..");
const USAGE = "usage: node evals/run.ts [--filter <substring>] [--json] [--fixtures <dir>]... [--thresholds <file>] [--no-warmup]";

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
  if (args.llm) {
    // The slot for a second mode: add an EvalMode to `modes` below; totals print side by side.
    console.error("--llm: the LLM run mode is not implemented yet");
    return 2;
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

  const modes: EvalMode[] = [rulesMode];
  const results: ModeResult[] = [];
  for (const mode of modes) {
    const rows = await runMode(mode, loaded.cases, { warmup: !args["no-warmup"] });
    const totals = summarize(rows);
    results.push({ mode: mode.name, cases: rows, totals, thresholdFailures: checkThresholds(totals, thresholds) });
  }

  const pass = results.every((m) => m.thresholdFailures.length === 0);
  const document: EvalResults = {
    format: "kafka-ops-eval/v1",
    generatedAt: new Date().toISOString(),
    fixtures: fixtureDirs.map((d) => relative(ROOT, d) || ".").join(", "),
    filter: args.filter ?? null,
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
    for (const m of results) {
      if (results.length > 1) console.log(`\n== ${m.mode} ==`);
      console.log(caseTable(m.cases));
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

process.exitCode = await main(process.argv.slice(2));
