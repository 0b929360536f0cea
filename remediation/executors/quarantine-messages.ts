/**
 * The `quarantine_messages` executor: moves a DLQ's unhandled records into a quarantine topic,
 * each with every header it had plus why, from where and when it was quarantined, in the same
 * transactional pass as replay_dlq (writes and the reader group's position commit together).
 * Nothing is deleted: the DLQ keeps its records until retention; the reader group's position is
 * what says they were handled, and rollback moves it back.
 */
import type { MovedRecord, OutgoingRecord } from "../../ports/write/record-mover.ts";
import { quarantineHeaders } from "./record-headers.ts";
import { memoOf, moveSettings, paramRefusal, planMove, positionLine, rangesText, runMove, verifyPosition, type MoveMemo, type MovePrecondition } from "./dlq-move.ts";
import { refusal } from "./executor.ts";
import type { Executor } from "./executor.ts";
import { textParam } from "./params.ts";
import type { Action } from "../../contract/report.ts";

const reasonOf = (action: Action) => textParam(action, "reason", "fails on every attempt (dlq.poison): quarantined instead of replayed");

function route(quarantine: string, reason: string, now: () => Date): (r: MovedRecord) => OutgoingRecord {
  return (r) => ({ topic: quarantine, key: r.key, value: r.value, headers: quarantineHeaders(r, { reason, action: "quarantine_messages", at: now() }) });
}

export const quarantineMessages: Executor = {
  kind: "quarantine_messages",
  effect: "mutating",
  settleMs: 1_000,

  async dryRun(action, ctx) {
    let settings, reason;
    try {
      settings = moveSettings(action);
      reason = reasonOf(action);
    } catch (e) {
      return refusal(ctx, paramRefusal(e));
    }
    if (settings.quarantine === settings.dlq) return refusal(ctx, `params.quarantineTopic is the DLQ itself (${settings.dlq})`);
    const plan = await planMove(ctx, settings, () => ({ topic: settings.quarantine, reason }), [settings.quarantine]);
    if (typeof plan === "string") return refusal(ctx, plan);
    plan.precondition.needsQuarantine = true;
    const effect = [
      `${plan.precondition.destinations[settings.quarantine] ? "" : `create topic ${settings.quarantine} (1 partition, 30 days retention); `}copy up to ${plan.total} record(s) of ${settings.dlq} (${rangesText(plan.precondition.ranges)}) to ${settings.quarantine} with their keys, values and headers, plus kafka-ops-quarantine-* headers (reason "${reason}")`,
      positionLine(plan),
      `the DLQ's records stay in ${settings.dlq} until its retention removes them; nothing is deleted`,
    ];
    return { output: { at: ctx.now().toISOString(), effect: effect.map(ctx.redact), warnings: plan.warnings.map(ctx.redact) }, precondition: plan.precondition, cost: { records: Number(plan.total) } };
  },

  async apply(action, prepared, ctx) {
    const settings = moveSettings(action);
    const { result, before, output } = await runMove(ctx, settings, prepared.precondition as MovePrecondition, route(settings.quarantine, reasonOf(action), ctx.now));
    const memo: MoveMemo & { quarantine: string } = { dlq: settings.dlq, readerGroup: settings.readerGroup, before, until: result.position, byTopic: result.byTopic, quarantine: settings.quarantine };
    return { at: ctx.now().toISOString(), output, memo };
  },

  async verify(_action, applied, ctx) {
    const memo = memoOf(applied) as MoveMemo & { quarantine: string };
    const position = await verifyPosition(ctx, memo);
    if (!position.ok) return position;
    const q = await ctx.write.records.offsets(memo.quarantine);
    const held = (q ?? []).reduce((n, p) => n + (BigInt(p.high) - BigInt(p.low)), 0n);
    const moved = BigInt(memo.byTopic[memo.quarantine] ?? 0);
    if (held < moved) return { ok: false, detail: `${memo.quarantine} holds ${held} record(s), fewer than the ${moved} moved into it` };
    return { ok: true, detail: `${position.detail}; ${memo.quarantine} holds ${held} record(s) (${moved} moved by this action)` };
  },

  rollback: {
    possible: true,
    how: "move the DLQ reader group's position back to where it was, so the records can be replayed or quarantined again (the quarantine copies stay, marked with where they came from)",
    async run(_action, applied, ctx) {
      const memo = memoOf(applied);
      await ctx.write.groups.setOffsets(memo.readerGroup, memo.dlq, memo.before);
      return [ctx.redact(`reader group ${memo.readerGroup} on ${memo.dlq} set back to ${memo.before.map((b) => `partition ${b.partition} ${b.offset}`).join(", ")}`)];
    },
  },
};
