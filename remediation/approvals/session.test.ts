/**
 * decideAt, the one way every front end decides at the approval gate, on a gate holding three
 * actions (test/gate/held-actions.ts) of a recorded incident: the real runner on the in-memory
 * simulation, the SQLite store and the audit file in a temp state dir.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { loadSettings } from "../../config/load.ts";
import { openState } from "../../state/open.ts";
import { gateState } from "../../test/gate/state-dir.ts";
import { holdThreeActions } from "../../test/gate/held-actions.ts";
import { DEFAULT_POLICY } from "../policy.ts";
import { ApprovalRefused, decideAt } from "./session.ts";

const { dir, env } = gateState("kafka-ops-session-");
const settings = loadSettings({}, env, { connects: false });
const ctx = { env, settings, secrets: [], policyFor: () => DEFAULT_POLICY };

interface Entry {
  event: string;
  investigationId?: string;
  index?: number;
  by?: string;
  via?: string;
  reason?: string;
  verification?: { ok: boolean };
}
const auditOf = (id: string): Entry[] =>
  readFileSync(join(dir, "audit.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Entry).filter((e) => e.investigationId === id);

describe("decideAt on a gate holding three actions", () => {
  test("approve --only 1,3: 1 and 3 applied once and verified, 2 rejected 'not selected' and audited; each says who decided and why; a second decision is refused", async () => {
    const held = await holdThreeActions(settings, env);
    expect(held.awaiting).toEqual([1, 2, 3]);
    expect(held.actions.map((a) => [a.kind, a.status])).toEqual([["tune_consumer_config", "dry-run"], ["scale_consumers", "dry-run"], ["alter_topic_config", "dry-run"]]);
    const at = new Date("2026-12-02T09:30:00.000Z");
    const state = await openState(settings.state);
    try {
      const { report, record, target } = await decideAt(state, held.id, { decision: "approved", by: " alice ", only: [1, 3], reason: "change CHG-42" }, { ...ctx, now: () => at });
      expect(target).toBe("simulation on recorded incident rebalance-storm-2 (in memory: no cluster is changed)");
      // The approver's reason goes with what was approved; the one left out was rejected for being left out.
      const reason = "change CHG-42";
      const notSelected = "not selected (--only 1,3)";
      expect(report.actions.map((a) => [a.kind, a.status, a.approval])).toEqual([
        ["tune_consumer_config", "applied", { decision: "approved", by: "alice", at: at.toISOString(), via: "human", reason }],
        ["scale_consumers", "rejected", { decision: "rejected", by: "alice", at: at.toISOString(), via: "human", reason: notSelected }],
        ["alter_topic_config", "applied", { decision: "approved", by: "alice", at: at.toISOString(), via: "human", reason }],
      ]);
      expect(report.actions.map((a) => a.verification?.ok ?? null)).toEqual([true, null, true]);
      expect(report.actions[2]!.output).toEqual(["topic geo-updates: max.message.bytes 1048588 -> 2097152"]);
      expect(report.remediation).toEqual({ mode: "approve", investigationId: held.id, target });
      expect(record.decision).toEqual({ decision: "approved", by: "alice", at: at.toISOString(), approve: [1, 3], reject: [2], reason, rejectReason: notSelected });
      expect(record.outcome).toBe("applied 1,3; rejected 2");
      expect(await state.investigations.get(held.id)).toMatchObject({ status: "done", outcome: "applied 1,3; rejected 2" });

      const audited = auditOf(held.id).map((e) => [e.event, e.index, e.by ?? null, e.reason ?? null, e.verification?.ok ?? null]);
      expect(audited).toEqual([
        ["rejected", 2, "alice", notSelected, null],
        ["approved", 1, "alice", reason, null],
        ["applied", 1, null, null, null],
        ["verified", 1, null, null, true],
        ["approved", 3, "alice", reason, null],
        ["applied", 3, null, null, null],
        ["verified", 3, null, null, true],
      ]);

      // Whoever decides next, whatever they decide, nothing runs again.
      const decided = `investigation ${held.id} was already decided: approved by alice at ${at.toISOString()}; applied 1,3; rejected 2`;
      await expect(decideAt(state, held.id, { decision: "approved", by: "bob", only: [2] }, ctx)).rejects.toThrow(new ApprovalRefused(decided));
      await expect(decideAt(state, held.id, { decision: "rejected", by: "carol", reason: "late" }, ctx)).rejects.toThrow(new ApprovalRefused(decided));
      expect(auditOf(held.id)).toHaveLength(7);
    } finally {
      await state.close();
    }
  }, 60_000);

  test("an index the gate does not hold, and a reject of only some, are refused before anything is claimed; the gate still holds all three", async () => {
    const held = await holdThreeActions(settings, env);
    const state = await openState(settings.state);
    try {
      await expect(decideAt(state, held.id, { decision: "approved", by: "alice", only: [2, 4] }, ctx)).rejects.toThrow(
        new ApprovalRefused(`investigation ${held.id}: the gate does not hold action 4 (it holds 1,2,3)`),
      );
      expect(await state.investigations.get(held.id)).toMatchObject({ status: "awaiting", awaiting: [1, 2, 3] });
      // A reject of some would leave the rest undecided for good (the investigation is decided once).
      await expect(decideAt(state, held.id, { decision: "rejected", by: "carol", only: [2], reason: "not now" }, ctx)).rejects.toThrow(
        new ApprovalRefused(`investigation ${held.id}: a reject decides every action the gate holds (1,2,3), it cannot leave 1,3 undecided; to reject only 2, approve --only 1,3 (the rest is rejected as not selected)`),
      );
      expect(await state.investigations.get(held.id)).toMatchObject({ status: "awaiting", awaiting: [1, 2, 3] });
      const { report } = await decideAt(state, held.id, { decision: "approved", by: "dave" }, ctx);
      expect(report.actions.map((a) => [a.status, a.approval?.by, a.approval?.reason ?? null])).toEqual([["applied", "dave", null], ["applied", "dave", null], ["applied", "dave", null]]);
      expect(auditOf(held.id).filter((e) => e.event === "applied").map((e) => e.index)).toEqual([1, 2, 3]);
    } finally {
      await state.close();
    }
  }, 60_000);

  test("a reject naming every action held rejects them all, each audited with who and why", async () => {
    const held = await holdThreeActions(settings, env);
    const state = await openState(settings.state);
    try {
      const { report, record } = await decideAt(state, held.id, { decision: "rejected", by: "carol", only: [3, 1, 2], reason: "freeze" }, ctx);
      expect(report.actions.map((a) => [a.status, a.approval?.by, a.approval?.reason])).toEqual([["rejected", "carol", "freeze"], ["rejected", "carol", "freeze"], ["rejected", "carol", "freeze"]]);
      expect(record.outcome).toBe("rejected 1,2,3");
      expect(auditOf(held.id).map((e) => [e.event, e.index, e.by, e.reason])).toEqual([["rejected", 1, "carol", "freeze"], ["rejected", 2, "carol", "freeze"], ["rejected", 3, "carol", "freeze"]]);
    } finally {
      await state.close();
    }
  }, 60_000);
});
