/**
 * `kafka-ops investigate FILE --mode dry-run | auto [--policy FILE]` through the real binary, on
 * recorded incidents: their dry runs and applies act on the in-memory simulation seeded from the
 * recording, the state and the audit log in a temp state dir.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { Report } from "../contract/report.ts";
import { gateState } from "../test/gate/state-dir.ts";
import { EXIT } from "./exit-codes.ts";
import { runCli } from "./testing.ts";

const SLOW = "fixtures/incidents/lag-slow-consumer-1.json";
const STORM = "fixtures/incidents/rebalance-storm-2.json";
const SIMULATION = (incident: string) => `simulation on recorded incident ${incident} (in memory: no cluster is changed)`;
const WAITS = /^kafka-ops: investigation (inv-[a-z0-9-]+) waits at the approval gate \(action 1; state: sqlite .+\)$/m;

interface AuditEntry {
  event: string;
  index?: number;
  by?: string;
  via?: string;
  investigationId?: string;
  verification?: { ok: boolean; detail: string };
}
async function auditOf(env: Record<string, string | undefined>): Promise<{ exists: boolean; entries: AuditEntry[] }> {
  return JSON.parse((await runCli(["audit", "--json"], { env })).stdout) as { exists: boolean; entries: AuditEntry[] };
}

describe("investigate --mode dry-run", () => {
  const { dir, env } = gateState("kafka-ops-dry-run-");
  const dryEnv = { ...env, KAFKA_OPS_POLICY: undefined };

  test("prints each action's dry-run effect read from the simulation, and changes nothing: no state, no audit, nothing applied", async () => {
    const [text, json] = await Promise.all([runCli(["investigate", SLOW, "--mode", "dry-run"], { env: dryEnv }), runCli(["investigate", SLOW, "--mode", "dry-run", "--json"], { env: dryEnv })]);
    expect([text.code, json.code]).toEqual([EXIT.ok, EXIT.ok]);
    expect(text.stderr).toBe(`kafka-ops: actions act on: ${SIMULATION("lag-slow-consumer-1")}\n`);
    expect(text.stdout).toMatch(/^ {2}mode {7}dry-run$/m);
    expect(text.stdout).toMatch(/^ {2}1\. scale_consumers {2}risk low {2}requires approval {2}status dry-run$/m);
    expect(text.stdout).toMatch(/^ +effect +simulated deployment of orders-svc: replicas 2 -> 4$/m);
    expect(text.stdout).toMatch(/^ +effect +group orders-svc: members 2 -> 4 \(1 consumer per replica\)$/m);
    expect(text.stdout).not.toMatch(/^ +(applied|output|verified|approval) /m);

    const report = Report.parse(JSON.parse(json.stdout));
    expect(report.remediation).toEqual({ mode: "dry-run", target: SIMULATION("lag-slow-consumer-1") });
    expect(report.actions.map((a) => [a.kind, a.status, a.dryRun?.effect, a.approval ?? null, a.appliedAt ?? null, a.verification ?? null])).toEqual([
      ["scale_consumers", "dry-run", ["simulated deployment of orders-svc: replicas 2 -> 4", "group orders-svc: members 2 -> 4 (1 consumer per replica)"], null, null, null],
    ]);

    // Nothing recorded: no store opened, no audit written, nothing waiting.
    expect(readdirSync(dir)).toEqual([]);
    expect(await auditOf(dryEnv)).toMatchObject({ exists: false, entries: [] });
    expect((await runCli(["approvals", "list"], { env: dryEnv })).stdout).toMatch(/^no investigations at the approval gate/);
  }, 90_000);
});

describe("investigate --mode auto", () => {
  test("a policy that lets scale_consumers run applies it (audited approved by the policy, applied, verified); under the same policy tune_consumer_config waits at the gate", async () => {
    const { dir, env } = gateState("kafka-ops-auto-policy-");
    const autoEnv = { ...env, KAFKA_OPS_POLICY: undefined };
    const policy = join(dir, "policy.json");
    writeFileSync(policy, JSON.stringify({ rules: [{ kind: "scale_consumers", decide: "auto" }] }));

    const applied = await runCli(["investigate", SLOW, "--mode", "auto", "--policy", policy], { env: autoEnv });
    expect(applied.code).toBe(EXIT.ok);
    expect(applied.stderr).toBe(`kafka-ops: actions act on: ${SIMULATION("lag-slow-consumer-1")}\n`);
    expect(applied.stdout).toMatch(/^ {2}1\. scale_consumers {2}risk low {2}approved by policy {2}status applied$/m);
    expect(applied.stdout).toMatch(/^ +verified +ok: simulated deployment of orders-svc runs 4 replicas; group orders-svc is Stable with 4 members, 4 of them owning partitions$/m);
    const appliedId = /^ {2}id {9}(inv-[a-z0-9-]+)$/m.exec(applied.stdout)?.[1];
    expect(appliedId).toBeDefined();
    const first = await auditOf(autoEnv);
    expect(first.entries.map((e) => [e.event, e.index, e.by ?? null, e.via ?? null, e.verification?.ok ?? null, e.investigationId])).toEqual([
      ["approved", 1, "policy", "policy", null, appliedId],
      ["applied", 1, null, null, null, appliedId],
      ["verified", 1, null, null, true, appliedId],
    ]);

    const gated = await runCli(["investigate", STORM, "--mode", "auto", "--policy", policy], { env: autoEnv });
    expect(gated.code).toBe(EXIT.ok);
    const gatedId = WAITS.exec(gated.stderr)?.[1];
    expect(gatedId).toBeDefined();
    expect(gated.stdout).toMatch(/^ {2}1\. tune_consumer_config {2}risk medium {2}requires approval {2}status dry-run$/m);
    expect(gated.stdout).toMatch(new RegExp(`^ {2}gate {7}waiting for approval of 1: kafka-ops approvals show ${gatedId}$`, "m"));

    const list = await runCli(["approvals", "list"], { env: autoEnv });
    expect(list.stdout).toMatch(new RegExp(`^${gatedId} +\\S+ +auto +awaiting 1$`, "m"));
    expect(list.stdout).toMatch(new RegExp(`^${appliedId} +\\S+ +auto +done: applied 1$`, "m"));
    // The gated run wrote nothing to the audit log.
    expect((await auditOf(autoEnv)).entries).toHaveLength(3);
  }, 90_000);

  test("under the default policy nothing runs: the action waits at the gate, nothing is audited", async () => {
    const { env } = gateState("kafka-ops-auto-default-");
    const autoEnv = { ...env, KAFKA_OPS_POLICY: undefined };
    const result = await runCli(["investigate", SLOW, "--mode", "auto", "--json"], { env: autoEnv });
    expect(result.code).toBe(EXIT.ok);
    const id = WAITS.exec(result.stderr)?.[1];
    expect(id).toBeDefined();
    const report = Report.parse(JSON.parse(result.stdout));
    expect(report.remediation).toEqual({ mode: "auto", investigationId: id, awaitingApproval: [1], target: SIMULATION("lag-slow-consumer-1") });
    expect(report.actions.map((a) => [a.kind, a.status, a.approval ?? null, a.appliedAt ?? null])).toEqual([["scale_consumers", "dry-run", null, null]]);
    expect((await runCli(["approvals", "list"], { env: autoEnv })).stdout).toMatch(new RegExp(`^${id} +\\S+ +auto +awaiting 1$`, "m"));
    expect(await auditOf(autoEnv)).toMatchObject({ entries: [] });
  }, 90_000);
});
