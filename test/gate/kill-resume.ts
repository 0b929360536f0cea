/**
 * The kill-and-resume scenario, shared by the SQLite (unit) and PostgreSQL (integration) tests:
 * a process stops at the approval gate and is killed there (SIGKILL, nothing closed); a second
 * process approves; two more approve at the same moment; one more approves afterwards. The
 * action must be applied exactly once: one approve succeeds, every other is refused, and the
 * shared audit log holds exactly one `applied` entry for the investigation.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli, type CliResult } from "../../cli/testing.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const NODE = join(ROOT, "node_modules", ".bin", "node");
export const FIXTURE = join(ROOT, "fixtures", "incidents", "lag-slow-consumer-1.json");

/** Starts the stop-at-gate process, waits for its AT_GATE line, kills it with SIGKILL; resolves with the id. */
export function stopAtGateAndKill(env: Record<string, string>): Promise<{ id: string; awaiting: number[]; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [join(ROOT, "test", "gate", "stop-at-gate.ts"), FIXTURE], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let found: { id: string; awaiting: number[] } | undefined;
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /^AT_GATE (\S+) (\[[^\]]*\])$/m.exec(out);
      if (m && !found) {
        found = { id: m[1]!, awaiting: JSON.parse(m[2]!) as number[] };
        child.kill("SIGKILL");
      }
    });
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (found) resolve({ ...found, signal });
      else reject(new Error(`stop-at-gate exited (code ${code}, signal ${signal}) before the gate: ${err.trim().slice(-2000)}`));
    });
  });
}

export function approve(id: string, by: string, env: Record<string, string>): Promise<CliResult> {
  return runCli(["approvals", "approve", id, "--by", by, "--json"], { env, timeout: 60_000 });
}

/** Audit entries of one investigation, by event. */
export function auditEvents(file: string, id: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of readFileSync(file, "utf8").split("\n").filter(Boolean)) {
    const e = JSON.parse(line) as { event: string; investigationId?: string };
    if (e.investigationId === id) counts[e.event] = (counts[e.event] ?? 0) + 1;
  }
  return counts;
}
