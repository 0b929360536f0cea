/**
 * The hostile-endpoint suite: every mode of modes.ts against every fixture (fixtures/incidents
 * and fixtures/handwritten), each run compared with the fixture's rules-only report by
 * invariants.ts. One hostile server per test file; the runs of a mode go through it
 * concurrently (most of a run is waiting on the endpoint), and each (mode, fixture) is its own
 * test case, named so that `-t "<mode> <fixture>"` replays one.
 */
import { mapBounded } from "../../ports/live/bounded.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LlmSettings } from "../../config/settings.ts";
import type { Incident } from "../../contract/incident.ts";
import type { Report } from "../../contract/report.ts";
import { investigate } from "../../investigate.ts";
import { loadFixtures, type Fixture } from "../properties/fixtures.ts";
import { CANARY, violations, type Baseline, type CheckContext, type Outcome } from "./invariants.ts";
import { contextOf, MODES, type Mode } from "./modes.ts";
import { startHostileServer, type HostileServer } from "./server.ts";

/**
 * Timing per mode. Endpoints that answer get a budget wide enough for the attack to be played
 * in full under the suite's concurrency; endpoints that never answer get short ones, since the
 * point there is only that the budget ends the run. Retries are off (maxRetries 0): the
 * backoff starts at 1 s, and retrying is the model client's concern, not an attack.
 */
// Wide: a run that answers ends when its attack is played; the budget only caps a loaded machine.
const ANSWERING = { timeout: 6_000, maxTime: 15_000, concurrency: 6 };
// The budget clock starts with the investigation, so it must leave room for the first call to go
// out while the machine is busy (2 s was spent before triage's call on a loaded CI machine).
const SILENT = { timeout: 1_000, maxTime: 4_000, concurrency: 16 };
const SILENT_MODES = new Set(["silent"]);
/** Above the budget: the rules' own work (and the suite's other runs sharing 2 cores). */
const GRACE_MS = 2_500;

const timing = (mode: Mode) => (SILENT_MODES.has(mode.name) ? SILENT : ANSWERING);

function settings(mode: Mode, baseUrl: string): LlmSettings {
  const t = timing(mode);
  return LlmSettings.parse({
    model: "hostile",
    baseUrl,
    apiKey: CANARY,
    maxRetries: 0,
    // Durations as text: a bare number would be seconds.
    timeout: `${t.timeout}ms`,
    maxSteps: 3,
    // Calls for triage, three specialists' full loops (3 turns each) and the synthesis.
    budget: { maxCalls: 12, maxTokens: 2_000_000, maxTime: `${t.maxTime}ms` },
  });
}

/** Checks a mode adds to the common invariants. */
const EXTRA: Record<string, CheckContext["extra"]> = {
  "bad-tool-args": (report, rules) => {
    // Compared as sets: the order of missing evidence follows which specialist finished first.
    const v: string[] = [];
    const missing = (r: Report) => [...(r.missingEvidence ?? [])].sort();
    const added = missing(report).filter((m) => !missing(rules).includes(m));
    const lost = missing(rules).filter((m) => !missing(report).includes(m));
    if (added.length || lost.length) v.push(`missingEvidence changed: added ${short(JSON.stringify(added))}, lost ${short(JSON.stringify(lost))}`);
    const escalation = (r: Report) => (r.escalation ? JSON.stringify({ ...r.escalation, context: [...(r.escalation.context ?? [])].sort() }) : "none");
    if (escalation(report) !== escalation(rules)) v.push(`escalation changed: ${short(report.escalation?.reason ?? "none")} / context ${short(JSON.stringify(report.escalation?.context ?? []))}`);
    if (!(report.llm?.notes ?? []).some((n) => n.includes("search_logs"))) v.push("no llm note records the refused search_logs arguments");
    return v;
  },
};

const short = (s: string) => (s.length > 200 ? `${s.slice(0, 200)}...` : s);

const blind = (incident: Incident): Record<string, unknown> => {
  const { expected: _expected, ...rest } = structuredClone(incident);
  return rest;
};

async function timed(run: () => Promise<Report>): Promise<Outcome> {
  const started = performance.now();
  try {
    const report = await run();
    return { report, wallMs: performance.now() - started };
  } catch (error) {
    return { error, wallMs: performance.now() - started };
  }
}


export function hostileSuite(modeNames: readonly string[]): void {
  const modes = modeNames.map((n) => {
    const m = MODES.find((x) => x.name === n);
    if (!m) throw new Error(`no hostile mode ${n}`);
    return m;
  });
  const fixtures: Fixture[] = loadFixtures();
  const baselines = new Map<string, Baseline>();
  let server: HostileServer;

  /** Runs one mode over every fixture: the broken invariants per fixture. */
  async function runMode(mode: Mode): Promise<Map<string, string[]>> {
    const t = timing(mode);
    const started = performance.now();
    const cpu = process.cpuUsage();
    const found = new Map<string, string[]>();
    await mapBounded(fixtures, t.concurrency, async (f) => {
      const ctx = contextOf(f.incident);
      const run = server.register(mode.attack(ctx));
      const out = await timed(() => investigate(blind(f.incident), { llm: { settings: settings(mode, run.baseUrl), label: `hostile ${mode.name}` } }));
      const rules = baselines.get(f.name)!;
      const v = violations({ mode: mode.name, ctx, expected: f.incident.expected!, rules, budgetMs: t.maxTime, graceMs: GRACE_MS + 3 * rules.ms, ...(EXTRA[mode.name] && { extra: EXTRA[mode.name] }) }, out);
      if (run.requests() === 0) v.push("the endpoint was never called (the attack was not played)");
      found.set(f.name, v);
    });
    // HOSTILE_SUMMARY=1: one line per broken invariant, for triage across modes and fixtures.
    if (process.env.HOSTILE_SUMMARY) {
      const lines = [...found].flatMap(([name, v]) => v.map((x) => `${mode.name}\t${name}\t${x}`));
      const used = process.cpuUsage(cpu);
      // CPU time is the process's, so it includes modes running alongside (the silent one).
      console.log(`hostile ${mode.name}: ${Math.round(performance.now() - started)} ms wall, ${Math.round((used.user + used.system) / 1000)} ms CPU, ${[...found.values()].filter((v) => v.length).length} of ${fixtures.length} fixtures broken\n${lines.join("\n")}`);
    }
    return found;
  }
  /**
   * Modes started early, in the background: none. The silent mode only waits, but overlapping it
   * with the others put their CPU work on its event loop, and its budget ran out before its first
   * call: every mode now runs alone, so what a mode measures is its own attack.
   */
  const early = new Map<string, Promise<Map<string, string[]>>>();

  beforeAll(async () => {
    server = await startHostileServer();
    const cpu = process.cpuUsage();
    for (const f of fixtures) {
      const started = performance.now();
      const report = await investigate(blind(f.incident));
      baselines.set(f.name, { report, ms: performance.now() - started });
    }
    const used = process.cpuUsage(cpu);
    if (process.env.HOSTILE_SUMMARY) console.log(`hostile baselines (rules only): ${Math.round((used.user + used.system) / 1000)} ms CPU`);
    // One unscored run first: loading the LLM modules (LangChain, the OpenAI client) takes
    // a second or more, which would otherwise eat the budgets of the first runs.
    const warm = modes[0]!;
    await investigate(blind(fixtures[0]!.incident), { llm: { settings: settings(warm, server.register(warm.attack(contextOf(fixtures[0]!.incident))).baseUrl) } });
  }, 120_000);
  afterAll(() => server?.close());

  it("covers every fixture of both directories", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(90);
  });

  for (const mode of modes) {
    describe(`${mode.name}: ${mode.why}`, () => {
      let found = new Map<string, string[]>();
      beforeAll(async () => {
        found = await (early.get(mode.name) ?? runMode(mode));
      }, 120_000);
      it.each(fixtures.map((f) => f.name))(`${mode.name} %s`, (name) => {
        expect(found.get(name)).toEqual([]);
      });
    });
  }
}
