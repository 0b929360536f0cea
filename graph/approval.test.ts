/**
 * The approval gate end to end through the graph, with a fake runner (the real executors and
 * runner are tested on their own): where the graph stops, what a resume carries, what runs.
 * On the node:sqlite checkpointer, with the resume from a second saver on the same file (what a
 * second process sees).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Action } from "../contract/report.ts";
import { Report } from "../contract/report.ts";
import { investigate, NotAtGateError, resumeInvestigation, type RemediationOptions } from "../investigate.ts";
import { replayPorts } from "../ports/replay/replay-ports.ts";
import { parseIncident } from "../contract/parse.ts";
import { NodeSqliteSaver } from "../state/sqlite-saver.ts";
import type { Classification } from "../remediation/runner.ts";
import type { RemediationDeps, Runner } from "./remediation.ts";

const incident = parseIncident(JSON.parse(readFileSync(new URL("../fixtures/incidents/lag-poison-message-1.json", import.meta.url), "utf8")));
const dir = mkdtempSync(join(tmpdir(), "kafka-ops-gate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** A runner that records what it was asked to apply; verdicts per 1-based index. */
function fakeRunner(verdicts: Classification["verdict"][] = ["approve"]) {
  const applied: number[] = [];
  const impl: Runner = {
    dryRunActions: async (actions) =>
      actions.map((a): Action => ({ ...a, status: "dry-run", dryRun: { at: "2026-12-01T10:00:00.000Z", effect: [`${a.kind}: would change`], warnings: [] } })),
    classify: (actions) => actions.map((a, i) => ({ index: i + 1, kind: a.kind, verdict: verdicts[i] ?? "approve", why: [`fake verdict ${verdicts[i] ?? "approve"}`] })),
    applyActions: async (actions, indexes, _deps, mode) => {
      const next = actions.map((a, i): Action => {
        const index = i + 1;
        if (!indexes.includes(index)) return a;
        applied.push(index);
        const approval = a.approval ?? { decision: "approved" as const, by: "policy", at: "2026-12-01T10:01:00.000Z", via: "policy" as const };
        return { ...a, status: "applied", appliedAt: "2026-12-01T10:01:00.000Z", approval, output: [`applied in mode ${mode}`] };
      });
      return { actions: next, applied: [...indexes], failed: [], skipped: [] };
    },
  };
  const deps: RemediationDeps = { runner: { ctx: { write: { describe: () => "fake cluster" } as never, now: () => new Date(), settle: async () => {}, redact: (t) => t }, policy: undefined as never }, impl };
  return { applied, deps };
}

async function saver(path = join(dir, `state-${++files}.sqlite`)) {
  return NodeSqliteSaver.open(path);
}

const answer = (over: Partial<{ approve: number[]; reject: number[]; reason: string }> = {}) => ({
  by: "alice",
  at: "2026-12-01T10:05:00.000Z",
  approve: [],
  reject: [],
  ...over,
});

describe("approval gate", () => {
  it("approve mode stops at the gate with every dry-run action awaiting; an approve from another saver on the same file applies it once", async () => {
    const file = join(dir, "two-savers.sqlite");
    const first = await saver(file);
    const { applied, deps } = fakeRunner();
    const remediation: RemediationOptions = { mode: "approve", deps, checkpointer: first, investigationId: "inv-test-1" };
    const stopped = await investigate(incident, { remediation });
    expect(() => Report.parse(stopped)).not.toThrow();
    expect(stopped.remediation).toEqual({ mode: "approve", investigationId: "inv-test-1", awaitingApproval: [1], target: "fake cluster" });
    expect(stopped.actions.map((a) => a.status)).toEqual(["dry-run"]);
    expect(stopped.actions[0]!.dryRun?.effect).toEqual(["skip_poison_message: would change"]);
    expect(applied).toEqual([]);
    first.close();

    // A second process: a new saver on the same file, the graph rebuilt, nothing re-investigated.
    const second = await saver(file);
    const resumed = await resumeInvestigation("inv-test-1", answer({ approve: [1] }), { checkpointer: second, deps, ports: replayPorts(incident) });
    expect(() => Report.parse(resumed)).not.toThrow();
    expect(applied).toEqual([1]);
    expect(resumed.incidentId).toBe(incident.id);
    expect(resumed.actions.map((a) => [a.status, a.approval?.by, a.approval?.via])).toEqual([["applied", "alice", "human"]]);
    expect(resumed.remediation).toEqual({ mode: "approve", investigationId: "inv-test-1", target: "fake cluster" });
    // The nodes timed before the gate come back from the checkpoint, with execute added.
    expect(Object.keys(resumed.timings.nodes ?? {}).sort()).toEqual([...Object.keys(stopped.timings.nodes ?? {}), "execute"].sort());
    expect(Object.keys(stopped.timings.nodes ?? {})).toContain("prepare");

    // The gate answered once: a second resume is refused and applies nothing.
    await expect(resumeInvestigation("inv-test-1", answer({ approve: [1] }), { checkpointer: second, deps, ports: replayPorts(incident) })).rejects.toThrow(
      "investigation inv-test-1: not waiting at the approval gate (already decided, or it never stopped there)",
    );
    expect(applied).toEqual([1]);
    second.close();
  });

  it("a rejection records who and why, and nothing runs", async () => {
    const cp = await saver();
    const { applied, deps } = fakeRunner();
    await investigate(incident, { remediation: { mode: "approve", deps, checkpointer: cp, investigationId: "inv-test-2" } });
    const resumed = await resumeInvestigation("inv-test-2", answer({ reject: [1], reason: "not during the sale" }), { checkpointer: cp, deps, ports: replayPorts(incident) });
    expect(applied).toEqual([]);
    expect(resumed.actions.map((a) => [a.status, a.approval])).toEqual([
      ["rejected", { decision: "rejected", by: "alice", at: "2026-12-01T10:05:00.000Z", via: "human", reason: "not during the sale" }],
    ]);
    cp.close();
  });

  it("a resume cannot approve what the gate did not hold, and an answer without who is refused", async () => {
    const cp = await saver();
    const { applied, deps } = fakeRunner();
    await investigate(incident, { remediation: { mode: "approve", deps, checkpointer: cp, investigationId: "inv-test-3" } });
    const resumed = await resumeInvestigation("inv-test-3", answer({ approve: [2, 7] }), { checkpointer: cp, deps, ports: replayPorts(incident) });
    expect(applied).toEqual([]);
    expect(resumed.actions.map((a) => a.status)).toEqual(["dry-run"]);

    await investigate(incident, { remediation: { mode: "approve", deps, checkpointer: cp, investigationId: "inv-test-4" } });
    await expect(resumeInvestigation("inv-test-4", { ...answer({ approve: [1] }), by: " " }, { checkpointer: cp, deps, ports: replayPorts(incident) })).rejects.toThrow(
      "who decides (--by) must not be empty",
    );
    expect(applied).toEqual([]);
    cp.close();
  });

  it("dry-run mode reads every effect and stops: no gate, no checkpointer needed", async () => {
    const { applied, deps } = fakeRunner();
    const report = await investigate(incident, { remediation: { mode: "dry-run", deps } });
    expect(report.remediation).toEqual({ mode: "dry-run", target: "fake cluster" });
    expect(report.actions.map((a) => [a.status, a.dryRun?.effect])).toEqual([["dry-run", ["skip_poison_message: would change"]]]);
    expect(applied).toEqual([]);
  });

  it("auto mode applies what the policy allows without stopping; what needs a human waits at the gate", async () => {
    const cp = await saver();
    const auto = fakeRunner(["auto"]);
    const ran = await investigate(incident, { remediation: { mode: "auto", deps: auto.deps, checkpointer: cp, investigationId: "inv-test-5" } });
    expect(auto.applied).toEqual([1]);
    expect(ran.remediation).toEqual({ mode: "auto", investigationId: "inv-test-5", target: "fake cluster" });
    expect(ran.actions.map((a) => [a.status, a.approval?.via])).toEqual([["applied", "policy"]]);

    const held = fakeRunner(["approve"]);
    const stopped = await investigate(incident, { remediation: { mode: "auto", deps: held.deps, checkpointer: cp, investigationId: "inv-test-6" } });
    expect(held.applied).toEqual([]);
    expect(stopped.remediation?.awaitingApproval).toEqual([1]);
    cp.close();
  });

  it("propose mode (the default) never calls the runner", async () => {
    const { applied, deps } = fakeRunner(["auto"]);
    const report = await investigate(incident, { remediation: { mode: "propose", deps } });
    expect(report.actions.map((a) => a.status)).toEqual(["proposed"]);
    expect(applied).toEqual([]);
  });

  it("an unknown id is not found", async () => {
    const cp = await saver();
    const { deps } = fakeRunner();
    await expect(resumeInvestigation("inv-nope", answer({ approve: [1] }), { checkpointer: cp, deps, ports: replayPorts(incident) })).rejects.toBeInstanceOf(NotAtGateError);
    cp.close();
  });
});
