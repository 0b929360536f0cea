/**
 * Kill at the gate, resume elsewhere, exactly once, with the state in PostgreSQL: the same
 * scenario as the SQLite test (test/gate/kill-resume.ts), against a real server. `.ci/run` starts
 * one (devtools/postgres.sh) and exports KAFKA_OPS_TEST_POSTGRES_URL; without it this file is
 * skipped, and says so.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { approve, auditEvents, stopAtGateAndKill } from "../test/gate/kill-resume.ts";
import { runCli } from "../cli/testing.ts";
import { Report } from "../contract/report.ts";

const url = process.env.KAFKA_OPS_TEST_POSTGRES_URL;
const dir = mkdtempSync(join(tmpdir(), "kafka-ops-kill-resume-pg-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// The state dir is set too, and must stay empty: with a URL, nothing goes to SQLite.
const env = { KAFKA_OPS_POSTGRES_URL: url ?? "", KAFKA_OPS_STATE_DIR: join(dir, "unused"), KAFKA_OPS_AUDIT_LOG: join(dir, "audit.jsonl") };

describe.skipIf(!url)("kill at the gate, resume elsewhere (PostgreSQL; needs KAFKA_OPS_TEST_POSTGRES_URL)", () => {
  it("applies the action exactly once: the first approve after the kill, then two at once and one more are refused", { timeout: 120_000 }, async () => {
    const { id, awaiting, signal } = await stopAtGateAndKill(env);
    expect(signal).toBe("SIGKILL");
    expect(awaiting).toEqual([1]);

    const shown = await runCli(["approvals", "show", id, "--json"], { env });
    expect(shown.code).toBe(0);
    const doc = JSON.parse(shown.stdout) as { status: string; waiting: number[]; target: string };
    expect([doc.status, doc.waiting, doc.target]).toEqual(["running", [1], "simulation of recorded incident lag-slow-consumer-1"]);

    const first = await approve(id, "alice", env);
    expect(first.code).toBe(0);
    const report = Report.parse(JSON.parse(first.stdout));
    expect(report.actions.map((a) => [a.kind, a.status, a.approval?.by, a.verification?.ok])).toEqual([["scale_consumers", "applied", "alice", true]]);

    const [bob, carol] = await Promise.all([approve(id, "bob", env), approve(id, "carol", env)]);
    const late = await approve(id, "dave", env);
    for (const refused of [bob, carol, late]) {
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(new RegExp(`^kafka-ops: investigation ${id} was already decided: approved by alice at \\S+; applied 1\\n$`));
    }
    expect(auditEvents(env.KAFKA_OPS_AUDIT_LOG, id)).toEqual({ approved: 1, applied: 1, verified: 1 });

    const listed = await runCli(["approvals", "list", "--json"], { env });
    const mine = (JSON.parse(listed.stdout) as { state: string; investigations: { id: string; status: string; outcome?: string }[] });
    expect(mine.state).toBe("postgresql");
    expect(mine.investigations.find((r) => r.id === id)).toMatchObject({ status: "done", outcome: "applied 1" });
    expect(existsSync(env.KAFKA_OPS_STATE_DIR)).toBe(false);
  });

  it("two approves racing on a fresh gate: exactly one applies, the other is refused", { timeout: 120_000 }, async () => {
    const { id } = await stopAtGateAndKill(env);
    const results = await Promise.all([approve(id, "erin", env), approve(id, "frank", env)]);
    expect(results.map((r) => r.code).sort()).toEqual([0, 2]);
    expect(auditEvents(env.KAFKA_OPS_AUDIT_LOG, id)).toEqual({ approved: 1, applied: 1, verified: 1 });
  });
});
