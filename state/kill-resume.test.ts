/**
 * Kill at the gate, resume from another process, exactly once, on the SQLite state file: real
 * processes (./bin/kafka-ops approvals approve), the real runner and scale_consumers executor on
 * the replay's simulation. (PostgreSQL: state/kill-resume.postgres.int.test.ts.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { approve, auditEvents, stopAtGateAndKill } from "../test/gate/kill-resume.ts";
import { runCli } from "../cli/testing.ts";
import { Report } from "../contract/report.ts";

const dir = mkdtempSync(join(tmpdir(), "kafka-ops-kill-resume-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { KAFKA_OPS_STATE_DIR: dir, KAFKA_OPS_AUDIT_LOG: join(dir, "audit.jsonl"), KAFKA_OPS_POSTGRES_URL: "" };

describe("kill at the gate, resume elsewhere (SQLite)", () => {
  it("applies the action exactly once: the first approve after the kill, then two at once and one more are refused", { timeout: 120_000 }, async () => {
    const { id, awaiting, signal } = await stopAtGateAndKill(env);
    expect(signal).toBe("SIGKILL");
    expect(awaiting).toEqual([1]);

    // Killed before it could mark the record: the store still says running, the checkpoint holds the gate.
    const listed = await runCli(["approvals", "list", "--json"], { env });
    expect(listed.code).toBe(0);
    const before = (JSON.parse(listed.stdout) as { investigations: { id: string; status: string }[] }).investigations.find((r) => r.id === id);
    expect(before?.status).toBe("running");

    const first = await approve(id, "alice", env);
    expect(first.stderr).toContain(`investigation ${id} approved by alice`);
    expect(first.code).toBe(0);
    const report = Report.parse(JSON.parse(first.stdout));
    expect(report.actions.map((a) => [a.kind, a.status, a.approval?.by, a.verification?.ok])).toEqual([["scale_consumers", "applied", "alice", true]]);
    expect(report.remediation?.target).toBe("simulation on recorded incident lag-slow-consumer-1 (in memory: no cluster is changed)");

    const [bob, carol] = await Promise.all([approve(id, "bob", env), approve(id, "carol", env)]);
    const late = await approve(id, "dave", env);
    for (const refused of [bob, carol, late]) {
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe("");
      expect(refused.stderr).toMatch(new RegExp(`^kafka-ops: investigation ${id} was already decided: approved by alice at \\S+; applied 1\\n$`));
    }
    expect(auditEvents(env.KAFKA_OPS_AUDIT_LOG, id)).toEqual({ approved: 1, applied: 1, verified: 1 });
  });

  it("two approves racing on a fresh gate: exactly one applies, the other is refused", { timeout: 120_000 }, async () => {
    const { id } = await stopAtGateAndKill(env);
    const results = await Promise.all([approve(id, "erin", env), approve(id, "frank", env)]);
    const codes = results.map((r) => r.code).sort();
    expect(codes).toEqual([0, 2]);
    const winner = results.find((r) => r.code === 0)!;
    const loser = results.find((r) => r.code === 2)!;
    const by = /approved by (erin|frank)/.exec(winner.stderr)?.[1];
    expect(loser.stderr).toContain(`was already decided: approved by ${by}`);
    expect(auditEvents(env.KAFKA_OPS_AUDIT_LOG, id)).toEqual({ approved: 1, applied: 1, verified: 1 });
  });
});
