/**
 * Chat's /approve through the approval gate: the engine's investigation stops at the gate, and
 * approve decides there once, through the same session as `kafka-ops approvals approve` (real
 * runner and scale_consumers executor, on the replay's simulation; SQLite state in a temp dir).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openChatGate } from "../cli/gate.ts";
import { Settings } from "../config/settings.ts";
import { parseIncident } from "../contract/parse.ts";
import { DEFAULT_POLICY } from "../remediation/policy.ts";
import { openState } from "../state/open.ts";
import { createChatEngine } from "./graph-engine.ts";

const dir = mkdtempSync(join(tmpdir(), "kafka-ops-chat-gate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const incident = parseIncident(JSON.parse(readFileSync(new URL("../fixtures/incidents/lag-slow-consumer-1.json", import.meta.url), "utf8")));

describe("chat /approve through the approval gate", () => {
  it("applies the approved action once; a second /approve is refused; nothing is listed until /approve", { timeout: 60_000 }, async () => {
    const settings = Settings.parse({ state: { dir } });
    const env = { KAFKA_OPS_AUDIT_LOG: join(dir, "audit.jsonl") };
    const gate = await openChatGate({ target: { kind: "replay", incident }, settings, policy: DEFAULT_POLICY, env, title: incident.title, by: "alice" });
    const engine = createChatEngine({ incident, settings, gate, threadsDir: join(dir, "threads") });
    expect(engine.gated).toBe(true);
    const plan = await engine.plan(new AbortController().signal);
    expect(plan.actions.map((a) => [a.kind, a.status, a.dryRun?.effect])).toEqual([
      ["scale_consumers", "dry-run", ["simulated deployment of orders-svc: replicas 2 -> 4", "group orders-svc: members 2 -> 4 (1 consumer per replica)"]],
    ]);
    const store = await openState(settings.state);
    expect(await store.investigations.list()).toEqual([]);

    const actions = await engine.approve([1]);
    expect(actions.map((a) => [a.status, a.approval?.by, a.approval?.via, a.verification?.ok])).toEqual([["applied", "alice", "human", true]]);
    expect((await engine.report(new AbortController().signal)).actions[0]!.status).toBe("applied");
    await expect(engine.approve([1])).rejects.toThrow(/was already decided: approved by alice at \S+; applied 1$/);

    const listed = await store.investigations.list();
    expect(listed.map((r) => [r.status, r.outcome, r.decision?.by])).toEqual([["done", "applied 1", "alice"]]);
    await store.close();
    await engine.close();
  });
});
