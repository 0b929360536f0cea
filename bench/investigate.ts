/**
 * Benchmark of investigate():
 *   (a) every fixture: latency p50/p95 over N rounds (after one warm-up round);
 *   (b) a generated large incident (50 brokers, 5,000 partitions, 300 groups, 8 snapshots):
 *       validation time, investigate() p50/p95 and peak RSS, measured in a child process so that
 *       the RSS is this workload's alone; profiled (inspector, timed region only) when the
 *       latency target is missed or --profile is given;
 *   (c) parallel vs sequential port calls with a simulated 20 ms per call.
 *
 *   node bench/investigate.ts [--rounds 5] [--large-runs 7] [--delay-ms 20] [--profile | --no-profile]
 *
 * Prints a table with targets and PASS/MISS, then, as the last line, one JSON object.
 * Always exits 0 when it could measure: a missed target is a finding, not a failure.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { investigate, parseIncident, replayPorts } from "../index.ts";
import type { Incident } from "../contract/incident.ts";
import { percentile } from "../evals/score.ts";
import { largeIncident } from "./large-incident.ts";
import { hotSpots, profileRegion, type ProfileSummary } from "./profile.ts";
import { slowPorts } from "./slow-ports.ts";
import { table, verdict } from "./report-table.ts";

const ROOT = resolve(import.meta.dirname, "..");
const TARGETS = { largeP50Ms: 500, largePeakRssMb: 300, parallelSpeedup: 3 };

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    "large-runs": { type: "string", default: "7" },
    "delay-ms": { type: "string", default: "20" },
    fixtures: { type: "string" },
    profile: { type: "boolean", default: false },
    "no-profile": { type: "boolean", default: false },
    part: { type: "string" },
  },
});
const rounds = Number(args.rounds);
const largeRuns = Number(args["large-runs"]);
const delayMs = Number(args["delay-ms"]);
const fixturesDir = resolve(args.fixtures ?? join(ROOT, "fixtures", "incidents"));

const r2 = (x: number) => Math.round(x * 100) / 100;
const mb = (bytes: number) => r2(bytes / 1024 / 1024);
const median = (xs: number[]) => percentile(xs, 50)!;

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await fn();
  return [performance.now() - started, result];
}

// ---------------------------------------------------------------- (b) large incident, child side

interface LargeResult {
  stats: ReturnType<typeof largeIncident>["stats"];
  runsMs: number[];
  /** CPU time (user + system) of each run: less sensitive than wall time to a busy machine. */
  cpuMs: number[];
  /** RSS once the library is imported, before any incident exists. */
  baselineRssMb: number;
  /** RSS with the incident generated, validated and investigated once (warm-up). */
  setupRssMb: number;
  /** High-water RSS of the whole child: library, incident, warm-up and timed runs. */
  peakRssMb: number;
  primary: string;
  decision: string;
  findings: string[];
  planted: { poisonFound: boolean; consumerDownFound: boolean };
  nodes: Record<string, number> | undefined;
  profile?: ProfileSummary;
}

/** Runs in a child process of its own, so that its peak RSS is this workload's alone. */
async function largePart(profile: boolean): Promise<LargeResult> {
  const baselineRssMb = mb(process.memoryUsage().rss);
  const large = largeIncident();
  const incident = parseIncident(large.incident, "large-incident"); // outside the timed region
  await investigate(incident); // warm-up; investigate() skips re-validating this object
  const setupRssMb = mb(process.memoryUsage().rss);
  const runsMs: number[] = [];
  const cpuMs: number[] = [];
  let report!: Awaited<ReturnType<typeof investigate>>;
  for (let i = 0; i < largeRuns; i++) {
    const cpu = process.cpuUsage();
    const [ms, r] = await time(() => investigate(incident));
    const used = process.cpuUsage(cpu);
    runsMs.push(ms);
    cpuMs.push((used.user + used.system) / 1000);
    report = r;
  }
  // maxRSS is in KiB; read it before profiling, which has a footprint of its own.
  const peakRssMb = r2(process.resourceUsage().maxRSS / 1024);
  let summary: ProfileSummary | undefined;
  if (profile) {
    const { profile: cpu } = await profileRegion(async () => {
      for (let i = 0; i < 3; i++) await investigate(incident);
    });
    summary = hotSpots(cpu, ROOT, 20);
  }
  const found = (code: string, group: string) => report.diagnoses.some((d) => d.code === code && d.entities.group === group);
  return {
    stats: large.stats,
    runsMs: runsMs.map(r2),
    cpuMs: cpuMs.map(r2),
    baselineRssMb,
    setupRssMb,
    peakRssMb,
    primary: report.primary,
    decision: report.decision,
    findings: report.diagnoses.map((d) => `${d.code}${d.entities.group ? ` (${d.entities.group})` : ""}`),
    planted: {
      poisonFound: found("lag.poison_message", large.planted.poison.group),
      consumerDownFound: found("lag.consumer_down", large.planted.consumerDown.group),
    },
    nodes: report.timings.nodes,
    ...(summary && { profile: summary }),
  };
}

/** Generation and validation of the large incident, timed in this (parent) process. */
function largeSetupTimings() {
  let started = performance.now();
  const large = largeIncident();
  const generateMs = performance.now() - started;
  const jsonMb = mb(Buffer.byteLength(JSON.stringify(large.incident)));
  const parseMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    started = performance.now();
    parseIncident(large.incident, "large-incident"); // the raw object: a full validation each time
    parseMs.push(performance.now() - started);
  }
  return { generateMs: r2(generateMs), jsonMb, parseMs: parseMs.map(r2) };
}

function runLargeInChild(profile: boolean): LargeResult {
  const out = execFileSync(process.execPath, [...process.execArgv, import.meta.filename, "--part", "large", "--large-runs", String(largeRuns), ...(profile ? ["--profile"] : [])], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.trim().split("\n").at(-1)!) as LargeResult;
}

// ---------------------------------------------------------------- (a) fixtures

interface FixtureRow { name: string; incident: Incident; p50: number; p95: number; toolCalls: number }

async function fixturesPart(): Promise<{ rows: FixtureRow[]; samples: number[]; skipped: string[] }> {
  const loaded: { name: string; incident: Incident }[] = [];
  const skipped: string[] = [];
  for (const file of readdirSync(fixturesDir).filter((f) => f.endsWith(".json")).sort()) {
    try {
      loaded.push({ name: file.replace(/\.json$/, ""), incident: parseIncident(JSON.parse(readFileSync(join(fixturesDir, file), "utf8")), file) });
    } catch (error) {
      skipped.push(`${file}: ${(error as Error).message}`);
    }
  }
  const perCase = new Map<string, number[]>(loaded.map((c) => [c.name, []]));
  const toolCalls = new Map<string, number>();
  for (let round = 0; round <= rounds; round++) {
    for (const c of loaded) {
      const [ms, report] = await time(() => investigate(c.incident));
      if (round > 0) perCase.get(c.name)!.push(ms); // round 0 warms up
      toolCalls.set(c.name, report.toolCalls.length);
    }
  }
  const rows = loaded.map((c) => {
    const xs = perCase.get(c.name)!;
    return { name: c.name, incident: c.incident, p50: r2(percentile(xs, 50)!), p95: r2(percentile(xs, 95)!), toolCalls: toolCalls.get(c.name)! };
  });
  return { rows, samples: [...perCase.values()].flat(), skipped };
}

// ---------------------------------------------------------------- (c) parallel vs sequential

async function parallelPart(fixture: FixtureRow) {
  const once = async (mode: "concurrent" | "serial") => {
    const slow = slowPorts(replayPorts(fixture.incident), delayMs, mode);
    const [ms, report] = await time(() => investigate(fixture.incident, { ports: slow.ports }));
    return { ms, calls: slow.calls(), primary: report.primary };
  };
  await once("concurrent"); // warm-up
  type Run = Awaited<ReturnType<typeof once>>;
  const parallel: Run[] = [];
  const sequential: Run[] = [];
  for (let i = 0; i < 3; i++) {
    parallel.push(await once("concurrent"));
    sequential.push(await once("serial"));
  }
  const parallelMs = r2(median(parallel.map((r) => r.ms)));
  const sequentialMs = r2(median(sequential.map((r) => r.ms)));
  return {
    fixture: fixture.name,
    portCalls: parallel[0]!.calls,
    toolCalls: fixture.toolCalls,
    parallelMs,
    sequentialMs,
    parallelSpeedup: r2(sequentialMs / parallelMs),
    samePrimary: parallel.every((r) => r.primary === sequential[0]!.primary),
  };
}

// ---------------------------------------------------------------- output


async function main() {
  if (args.part === "large") {
    console.log(JSON.stringify(await largePart(args.profile)));
    return;
  }

  const load = () => loadavg()[0]!.toFixed(1);
  console.log(`# investigate() benchmark  (node ${process.version}, ${rounds} rounds per fixture after 1 warm-up, ${largeRuns} large runs; ${availableParallelism()} CPUs, load ${load()})\n`);

  const fx = await fixturesPart();
  console.log(`## (a) fixtures (${fx.rows.length})`);
  console.log(table(["fixture", "p50 ms", "p95 ms", "tool calls"], fx.rows.map((r) => [r.name, r.p50.toFixed(1), r.p95.toFixed(1), String(r.toolCalls)])));
  for (const s of fx.skipped) console.log(`skipped: ${s}`);
  const fixtureP50Ms = r2(percentile(fx.samples, 50) ?? NaN);
  const fixtureP95Ms = r2(percentile(fx.samples, 95) ?? NaN);

  console.log(`\n## (b) large incident`);
  const setup = largeSetupTimings();
  let large = runLargeInChild(args.profile);
  const largeP50Ms = r2(percentile(large.runsMs, 50)!);
  const largeP95Ms = r2(percentile(large.runsMs, 95)!);
  const largeCpuP50Ms = r2(percentile(large.cpuMs, 50)!);
  const s = large.stats;
  console.log(`${s.brokers} brokers, ${s.topics} topics, ${s.partitions} partitions, ${s.groups} groups (${s.groupPartitions} group-partitions), ${s.snapshots} snapshots; ${setup.jsonMb} MB as JSON`);
  console.log(`generate ${setup.generateMs} ms; parseIncident (full validation) ${setup.parseMs.join(" / ")} ms (runs 1-3, not part of investigate() below)`);
  console.log(`investigate runs, wall (ms): ${large.runsMs.join(", ")}`);
  console.log(`investigate runs, cpu  (ms): ${large.cpuMs.join(", ")}  (p50 ${largeCpuP50Ms})`);
  console.log(`graph nodes, last run (ms): ${JSON.stringify(large.nodes)}`);
  console.log(`rss: library loaded ${large.baselineRssMb} MB; + incident and warm-up ${large.setupRssMb} MB; peak over the runs ${large.peakRssMb} MB`);
  console.log(`verdict: ${large.primary} / ${large.decision}; findings: ${large.findings.join(", ") || "none"}`);
  console.log(`planted problems found: poison ${large.planted.poisonFound ? "yes" : "NO"}, consumer-down ${large.planted.consumerDownFound ? "yes" : "NO"}`);

  const largeMissed = largeP50Ms >= TARGETS.largeP50Ms;
  if (!args["no-profile"] && (args.profile || largeMissed)) {
    if (!large.profile) large = { ...large, profile: runLargeInChild(true).profile };
    const p = large.profile!;
    console.log(`\n### profile of 3 large runs (${p.totalMs} ms sampled)${largeMissed ? ": target missed" : ""}`);
    console.log("hottest by self time:");
    console.log(table(["function", "where", "self ms", "self %", "total %"], p.bySelf.map((h) => [h.fn, h.where, h.selfMs.toFixed(1), h.selfPct.toFixed(1), h.totalPct.toFixed(1)])));
    console.log("\nproject functions by inclusive time:");
    console.log(table(["function", "where", "total ms", "total %", "self %"], p.projectByTotal.map((h) => [h.fn, h.where, h.totalMs.toFixed(1), h.totalPct.toFixed(1), h.selfPct.toFixed(1)])));
    console.log("\nself time by file:");
    console.log(table(["file", "self ms", "self %"], p.byFile.map((f) => [f.file, f.selfMs.toFixed(1), f.selfPct.toFixed(1)])));
  }

  // The fixture with the most tool calls is the mid-size case: the most reads to overlap.
  const mid = [...fx.rows].sort((a, b) => b.toolCalls - a.toolCalls || a.name.localeCompare(b.name))[0];
  if (!mid) throw new Error(`no valid fixture in ${fixturesDir}`);
  const par = await parallelPart(mid);
  console.log(`\n## (c) parallel vs sequential port calls (${delayMs} ms per call)`);
  console.log(`${par.fixture}: ${par.toolCalls} tool calls, ${par.portCalls} port calls; parallel ${par.parallelMs} ms, sequential ${par.sequentialMs} ms (median of 3)${par.samePrimary ? "" : "; WARNING: verdicts differ"}`);

  const busy = loadavg()[0]! > availableParallelism();
  console.log(`\n## summary${busy ? ` (WARNING: load average ${load()} > ${availableParallelism()} CPUs: wall times are inflated)` : ""}`);
  console.log(
    table(
      ["figure", "measured", "target", ""],
      [
        ["fixture p50", `${fixtureP50Ms} ms`, "-", ""],
        ["fixture p95", `${fixtureP95Ms} ms`, "-", ""],
        ["large p50", `${largeP50Ms} ms`, `< ${TARGETS.largeP50Ms} ms`, verdict(!largeMissed)],
        ["large p95", `${largeP95Ms} ms`, "-", ""],
        ["large p50 cpu", `${largeCpuP50Ms} ms`, "-", ""],
        ["large parse", `${r2(median(setup.parseMs))} ms`, "-", ""],
        ["large peak RSS", `${large.peakRssMb} MB`, `< ${TARGETS.largePeakRssMb} MB`, verdict(large.peakRssMb < TARGETS.largePeakRssMb)],
        ["parallel", `${par.parallelMs} ms`, "-", ""],
        ["sequential", `${par.sequentialMs} ms`, "-", ""],
        ["parallel speedup", `${par.parallelSpeedup}x`, `>= ${TARGETS.parallelSpeedup}x`, verdict(par.parallelSpeedup >= TARGETS.parallelSpeedup)],
      ],
    ),
  );

  console.log(
    JSON.stringify({
      fixtureP50Ms,
      fixtureP95Ms,
      largeP50Ms,
      largeP95Ms,
      largePeakRssMb: large.peakRssMb,
      largeCpuP50Ms,
      largeParseMs: r2(median(setup.parseMs)),
      largeBaselineRssMb: large.baselineRssMb,
      parallelMs: par.parallelMs,
      sequentialMs: par.sequentialMs,
      parallelSpeedup: par.parallelSpeedup,
      parallelFixture: par.fixture,
      portCalls: par.portCalls,
      loadAvg: r2(loadavg()[0]!),
      targets: TARGETS,
      pass: { largeP50: !largeMissed, largePeakRss: large.peakRssMb < TARGETS.largePeakRssMb, parallelSpeedup: par.parallelSpeedup >= TARGETS.parallelSpeedup },
      ...(large.profile && { hotSpots: large.profile.bySelf.slice(0, 5).map((h) => `${h.fn} ${h.where} ${h.selfPct}%`) }),
    }),
  );
}

await main();
