/**
 * The `replay_dlq` executor: re-publishes a DLQ's unhandled records to their source topic, with
 * their original key and value bytes, their headers minus the DLQ's error headers, and a replay
 * counter. Every batch is one transaction that also commits the DLQ reader group's position
 * (sendOffsets), so a crash or a broker restart mid-replay loses and duplicates nothing for
 * read_committed consumers; failed transactions are retried with exponential backoff, and the
 * whole replay is rate limited.
 *
 * Loop guard: a record already replayed `maxReplays` times (its counter says so) failed again
 * after each replay; it goes to the quarantine topic instead of round the loop once more.
 * A record whose DLQ headers name another source topic is not replayed into this one: the dry
 * run refuses (replay each source topic on its own), and one beyond the dry run's scan is
 * quarantined with that reason.
 */
import type { MovedRecord, OutgoingRecord } from "../../ports/write/record-mover.ts";
import { REPLAYED_FROM, lastHeader, originalTopicOf, quarantineHeaders, replayCount, replayHeaders } from "./record-headers.ts";
import { byTopicText, memoOf, movedByThis, moveSettings, paramRefusal, planMove, positionLine, rangesText, runMove, verifyPosition, type Destination, type MoveMemo, type MovePrecondition } from "./dlq-move.ts";
import { refusal } from "./executor.ts";
import type { Executor } from "./executor.ts";
import type { Action } from "../../contract/report.ts";
import { intParam, textParam } from "./params.ts";

/** Most DLQ records past the replayed range that verify reads, looking for replays dead-lettered again. */
const VERIFY_READ = 2000;

interface ReplaySettings {
  target: string;
  maxReplays: number;
}

function replaySettings(action: Action): ReplaySettings {
  return { target: textParam(action, "targetTopic"), maxReplays: intParam(action, "maxReplays", 3, { min: 1, max: 100 }) };
}

function destination(r: MovedRecord, s: ReplaySettings, quarantine: string): Destination {
  const source = originalTopicOf(r);
  if (source !== undefined && source !== s.target) return { topic: quarantine, reason: `dead-lettered from topic ${source}, not ${s.target}` };
  const count = replayCount(r);
  if (count >= s.maxReplays) return { topic: quarantine, reason: `replayed ${count} times already and dead-lettered again (limit ${s.maxReplays})` };
  return { topic: s.target, reason: "replay" };
}

function route(s: ReplaySettings, quarantine: string, now: () => Date): (r: MovedRecord) => OutgoingRecord {
  return (r) => {
    const d = destination(r, s, quarantine);
    if (d.topic === s.target) return { topic: s.target, key: r.key, value: r.value, headers: replayHeaders(r, replayCount(r) + 1) };
    return { topic: quarantine, key: r.key, value: r.value, headers: quarantineHeaders(r, { reason: d.reason, action: "replay_dlq", at: now() }) };
  };
}

export const replayDlq: Executor = {
  kind: "replay_dlq",
  // Records written to the source topic are read by its consumers: nothing takes them back.
  effect: "destructive",
  // Long enough for the consumers to process the replayed records and dead-letter those that fail again.
  settleMs: 30_000,

  async dryRun(action, ctx) {
    let settings, replay;
    try {
      settings = moveSettings(action);
      replay = replaySettings(action);
    } catch (e) {
      return refusal(ctx, paramRefusal(e));
    }
    if ((await ctx.write.records.offsets(replay.target)) === null) return refusal(ctx, `target topic ${replay.target} does not exist (a replay never creates its source topic)`);
    const plan = await planMove(ctx, settings, (r) => destination(r, replay, settings.quarantine), [replay.target, settings.quarantine]);
    if (typeof plan === "string") return refusal(ctx, plan);
    const other = [...plan.reasons.entries()].filter(([why]) => why.startsWith("dead-lettered from topic"));
    if (other.length) {
      return refusal(ctx, `${other.reduce((n, [, c]) => n + c, 0)} record(s) of ${settings.dlq} came from other topics (${other.map(([why, n]) => `${n} ${why}`).join("; ")}): replaying them into ${replay.target} would be wrong; replay each source topic on its own`);
    }
    const toTarget = plan.counts.get(replay.target) ?? 0;
    const toQuarantine = plan.counts.get(settings.quarantine) ?? 0;
    const effect = [
      `replay up to ${plan.total} record(s) of ${settings.dlq} (${rangesText(plan.precondition.ranges)}) to ${replay.target}: original keys and values, DLQ error headers removed, ${"kafka-ops-replay-count"} raised by one; of the ${plan.scanned} read now, ${toTarget} go to ${replay.target}`,
      ...(toQuarantine > 0
        ? [`${toQuarantine} record(s) already replayed ${replay.maxReplays} times go to quarantine topic ${settings.quarantine} instead (loop guard), with diagnostic headers${plan.precondition.destinations[settings.quarantine] ? "" : `; ${settings.quarantine} is created (1 partition, 30 days retention)`}`]
        : []),
      positionLine(plan),
      `failed transactions are aborted and retried after ${settings.backoffMs} ms, doubling per failure; the replay stops after ${settings.stallTimeoutMs} ms without progress`,
    ];
    return { output: { at: ctx.now().toISOString(), effect: effect.map(ctx.redact), warnings: plan.warnings.map(ctx.redact) }, precondition: plan.precondition, cost: { records: Number(plan.total) } };
  },

  async apply(action, prepared, ctx) {
    const settings = moveSettings(action);
    const replay = replaySettings(action);
    const pre = prepared.precondition as MovePrecondition;
    const { result, before, output } = await runMove(ctx, settings, pre, route(replay, settings.quarantine, ctx.now));
    const memo: MoveMemo & { target: string } = { dlq: settings.dlq, readerGroup: settings.readerGroup, before, until: result.position, byTopic: result.byTopic, target: replay.target };
    return { at: ctx.now().toISOString(), output, memo };
  },

  async verify(action, applied, ctx) {
    const memo = memoOf(applied);
    const position = await verifyPosition(ctx, memo);
    if (!position.ok) return position;
    // A replayed record that failed again comes back to the DLQ with our origin header (DLQ writers copy headers).
    let again = 0;
    const offsets = (await ctx.write.records.offsets(memo.dlq)) ?? [];
    for (const o of offsets) {
      const from = memo.until.find((u) => u.partition === o.partition)?.offset ?? o.low;
      for (const r of await ctx.write.records.readRange(memo.dlq, o.partition, from, o.high, VERIFY_READ)) {
        if (movedByThis(memo, lastHeader(r, REPLAYED_FROM))) again++;
      }
    }
    const sent = byTopicText(memo.byTopic);
    if (again > 0) return { ok: false, detail: ctx.redact(`${again} replayed record(s) were dead-lettered again into ${memo.dlq}: the failure is not transient, or its cause is not fixed yet (${sent})`) };
    return { ok: true, detail: ctx.redact(`${position.detail}; none of the replayed records came back to ${memo.dlq} (${sent})`) };
  },

  rollback: {
    possible: false,
    why: "records replayed into the source topic have been read by its consumers and cannot be unwritten; the DLQ still holds every original (only the reader group's position moved)",
  },
};
