/**
 * Test helpers for the CLI tests: run the real `bin/kafka-ops` and list the fixtures.
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const BIN = join(ROOT, "bin", "kafka-ops");
export const FIXTURES = join(ROOT, "fixtures", "incidents");

/** Fixture files as paths relative to the repo root (the CLI's cwd in tests), sorted. */
export function fixtureFiles(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => join("fixtures", "incidents", f));
}

/**
 * Fixtures to run through the real binary: every one with KAFKA_OPS_CLI_ALL_FIXTURES=1, else
 * up to `max`, taken in turn from each expected decision so none, remediate and escalate all
 * run (each process costs about a second of CPU, mostly loading LangGraph).
 */
export function sampleFixtures(max = 12): string[] {
  const all = fixtureFiles();
  if (process.env.KAFKA_OPS_CLI_ALL_FIXTURES === "1" || all.length <= max) return all;
  const byDecision = new Map<string, string[]>();
  for (const file of all) {
    const decision = (JSON.parse(readFileSync(join(ROOT, file), "utf8")) as { expected?: { decision?: string } }).expected?.decision ?? "-";
    byDecision.set(decision, [...(byDecision.get(decision) ?? []), file]);
  }
  const queues = [...byDecision.values()].map((files) => spread(files));
  const picked: string[] = [];
  while (picked.length < max && queues.some((q) => q.length)) {
    for (const q of queues) if (q.length && picked.length < max) picked.push(q.shift()!);
  }
  return picked.sort();
}

/** The files reordered so that any prefix is spread evenly over the list (families differ). */
function spread(files: string[]): string[] {
  const out: string[] = [];
  const seen = new Set<number>();
  for (let step = files.length; step >= 1; step = Math.floor(step / 2)) {
    for (let i = 0; i < files.length; i += step) if (!seen.has(i)) seen.add(i), out.push(files[i]!);
    if (step === 1) break;
  }
  return out;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  /** Variables to set; `undefined` removes one. Colour variables are removed unless given. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeout?: number;
}

/** Runs ./bin/kafka-ops (cwd = repo root unless told) and resolves with exit code and output. */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  delete env.KAFKA_OPS_DEBUG;
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = execFile(
      options.cwd ? BIN : "./bin/kafka-ops",
      args,
      { cwd: options.cwd ?? ROOT, env, timeout: options.timeout ?? 30_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") return reject(error);
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? "");
  });
}

/** A stack trace line, as Node prints them. */
export const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

/**
 * NODE_OPTIONS that make Node print `LOADED <url>` on stderr for every @langchain module it
 * resolves: proves --help does not load LangGraph, without timing anything.
 */
export const TRACE_LANGCHAIN_LOADS = `--import=data:text/javascript,${encodeURIComponent(
  `import{registerHooks}from"node:module";registerHooks({resolve(s,c,n){const r=n(s,c);if(/@langchain/.test(r.url))process.stderr.write("LOADED "+r.url+"\\n");return r}});`,
)}`;

/** A loopback port with nothing listening on it (bound, then released): a cluster nobody runs. */
export async function closedPort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
