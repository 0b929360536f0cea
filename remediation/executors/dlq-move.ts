/**
 * What replay_dlq and quarantine_messages share: a move of a DLQ's unhandled records, in one
 * transactional pass, under the DLQ's dedicated reader group.
 *
 * The reader group (`kafka-ops-dlq.<dlq>` unless params.readerGroup names another) is the DLQ's
 * "handled up to here" mark: both actions start where it stands and commit it with every
 * transaction, so a record replayed is never quarantined by a later action and the reverse. The
 * transactional id is derived from the same name: two moves of one DLQ at once fence each other
 * instead of both committing.
 *
 * The records a move covers are fixed by the dry run: from the reader group's position to the
 * high watermark read then. Both are part of the precondition, so a DLQ that received records
 * (or a position someone moved) between the approval and the apply aborts the action instead of
 * moving more than was approved.
 */
import type { Action } from "../../contract/report.ts";
import type { MoveResult, MovedRecord, OutgoingRecord, Position } from "../../ports/write/record-mover.ts";
import type { Applied, ExecutionContext, Verification } from "./executor.ts";
import { intParam, ParamError, textParam } from "./params.ts";

export const READER_GROUP_PREFIX = "kafka-ops-dlq.";
/** Most records a dry run reads to say where they would go; beyond, the same rule routes them at apply time. */
export const SCAN_LIMIT = 10_000;
/** Partitions and config of a quarantine topic the executors create: one partition keeps the move's order; 30 days. */
export const QUARANTINE_SPEC = { partitions: 1, configs: { "retention.ms": String(30 * 24 * 3600 * 1000), "cleanup.policy": "delete" } };

export interface MoveSettings {
  dlq: string;
  readerGroup: string;
  transactionalId: string;
  quarantine: string;
  batchSize: number;
  maxPerSecond: number;
  backoffMs: number;
  stallTimeoutMs: number;
}

export function moveSettings(action: Action): MoveSettings {
  const dlq = textParam(action, "dlqTopic");
  const readerGroup = textParam(action, "readerGroup", `${READER_GROUP_PREFIX}${dlq}`);
  return {
    dlq,
    readerGroup,
    transactionalId: `kafka-ops-mover.${readerGroup}`,
    quarantine: textParam(action, "quarantineTopic", `${dlq}.quarantine`),
    batchSize: intParam(action, "batchSize", 100, { min: 1, max: 1000 }),
    maxPerSecond: intParam(action, "maxPerSecond", 200, { min: 1, max: 100_000 }),
    backoffMs: intParam(action, "backoffMs", 1000, { min: 10, max: 60_000 }),
    stallTimeoutMs: intParam(action, "stallTimeoutMs", 120_000, { min: 1000, max: 3_600_000 }),
  };
}

/** The precondition of a move: what it covers, read now. JSON only (the runner compares it). */
export interface MovePrecondition {
  dlq: string;
  readerGroup: string;
  ranges: { partition: number; from: string; until: string }[];
  /** Topics the move writes to, and whether each exists now. */
  destinations: Record<string, boolean>;
  /** The scan routed a record to the quarantine topic, or could not read every record to know. */
  needsQuarantine: boolean;
}

export type Destination = { topic: string; reason: string };

export interface MovePlan {
  settings: MoveSettings;
  precondition: MovePrecondition;
  total: bigint;
  scanned: number;
  /** Scanned records per destination topic, and per reason for the quarantine. */
  counts: Map<string, number>;
  reasons: Map<string, number>;
  warnings: string[];
}

/** Reads the DLQ and the reader group, and routes what the scan reads; a refusal (string) when there is nothing to move. */
export async function planMove(
  ctx: ExecutionContext,
  settings: MoveSettings,
  destinationOf: (r: MovedRecord) => Destination,
  destinations: string[],
): Promise<MovePlan | string> {
  const { records, groups } = ctx.write;
  const offsets = await records.offsets(settings.dlq);
  if (!offsets) return `DLQ topic ${settings.dlq} does not exist`;
  const committed = new Map((await groups.committedOffsets(settings.readerGroup, settings.dlq)).map((c) => [c.partition, BigInt(c.offset)]));
  const warnings: string[] = [];
  const ranges: MovePrecondition["ranges"] = [];
  let total = 0n;
  for (const o of offsets) {
    const low = BigInt(o.low);
    const high = BigInt(o.high);
    const at = committed.get(o.partition);
    if (at !== undefined && at >= 0n && at < low) warnings.push(`${settings.dlq} partition ${o.partition}: records ${at}..${low - 1n} were deleted by retention before they were handled`);
    const from = at === undefined || at < low ? low : at;
    if (from < high) {
      ranges.push({ partition: o.partition, from: from.toString(), until: high.toString() });
      total += high - from;
    }
  }
  if (ranges.length === 0) return `nothing to move: reader group ${settings.readerGroup} is at the end of every partition of ${settings.dlq}`;
  const counts = new Map<string, number>();
  const reasons = new Map<string, number>();
  let scanned = 0;
  for (const r of ranges) {
    if (scanned >= SCAN_LIMIT) break;
    for (const record of await records.readRange(settings.dlq, r.partition, r.from, r.until, SCAN_LIMIT - scanned)) {
      const d = destinationOf(record);
      counts.set(d.topic, (counts.get(d.topic) ?? 0) + 1);
      if (d.topic === settings.quarantine) reasons.set(d.reason, (reasons.get(d.reason) ?? 0) + 1);
      scanned++;
    }
  }
  if (BigInt(scanned) < total) warnings.push(`the dry run read the first ${scanned} of up to ${total} records; the rest are routed by the same rule when applied`);
  warnings.push(`only the records in ${settings.dlq} now (up to the offsets above) are covered: records dead-lettered after this dry run make the precondition differ, and the action is aborted rather than move more than approved`);
  const exists: Record<string, boolean> = {};
  for (const t of destinations) exists[t] = (await records.offsets(t)) !== null;
  const needsQuarantine = counts.has(settings.quarantine) || BigInt(scanned) < total;
  return { settings, precondition: { dlq: settings.dlq, readerGroup: settings.readerGroup, ranges, destinations: exists, needsQuarantine }, total, scanned, counts, reasons, warnings };
}

export function rangesText(ranges: MovePrecondition["ranges"]): string {
  return ranges.map((r) => `partition ${r.partition} offsets ${r.from}..${BigInt(r.until) - 1n}`).join(", ");
}

export function positionLine(plan: MovePlan): string {
  const { settings, precondition } = plan;
  const seconds = Math.ceil(Number(plan.total) / settings.maxPerSecond);
  return `reader group ${settings.readerGroup} on ${settings.dlq}: ${precondition.ranges.map((r) => `partition ${r.partition} ${r.from} -> ${r.until}`).join(", ")}, committed in the same transactions as the writes (${settings.batchSize} records each, at most ${settings.maxPerSecond} records/s: about ${seconds} s)`;
}

/** Runs the move the precondition describes; throws (with what was done) when it stopped before the end. */
export async function runMove(
  ctx: ExecutionContext,
  settings: MoveSettings,
  precondition: MovePrecondition,
  route: (r: MovedRecord) => OutgoingRecord,
): Promise<{ result: MoveResult; before: Position[]; output: string[] }> {
  const output: string[] = [];
  if (precondition.needsQuarantine && !precondition.destinations[settings.quarantine]) {
    const created = await ctx.write.topics.ensureTopic(settings.quarantine, QUARANTINE_SPEC);
    output.push(`quarantine topic ${settings.quarantine}: ${created}`);
  }
  const before = precondition.ranges.map((r) => ({ partition: r.partition, offset: r.from }));
  const result = await ctx.write.records.move({
    source: settings.dlq,
    readerGroup: settings.readerGroup,
    transactionalId: settings.transactionalId,
    until: precondition.ranges.map((r) => ({ partition: r.partition, offset: r.until })),
    route,
    batchSize: settings.batchSize,
    maxPerSecond: settings.maxPerSecond,
    backoffMs: settings.backoffMs,
    stallTimeoutMs: settings.stallTimeoutMs,
    ...(ctx.signal && { signal: ctx.signal }),
  });
  output.push(`moved ${result.moved} records of ${settings.dlq} (${byTopicText(result.byTopic)}) in ${result.transactions} transactions; ${result.retries} failed attempt(s) retried (their open transactions aborted: read_committed readers never see them)`);
  output.push(`reader group ${settings.readerGroup} on ${settings.dlq} now at ${result.position.map((p) => `partition ${p.partition} ${p.offset}`).join(", ")}`);
  if (!result.complete) {
    throw new Error(ctx.redact(`${output.join("; ")}; stopped before the end: ${result.stopped ?? "unknown"} (what was moved is committed with its position: applying again continues from there)`));
  }
  return { result, before, output: output.map(ctx.redact) };
}

/** "9 to orders, 1 to orders.DLQ.quarantine", by topic name. */
export function byTopicText(byTopic: Record<string, number>): string {
  return Object.entries(byTopic).sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => `${n} to ${t}`).join(", ") || "none";
}

export interface MoveMemo {
  dlq: string;
  readerGroup: string;
  before: Position[];
  until: Position[];
  byTopic: Record<string, number>;
}

/** The reader group reached the end of what the move covered. */
export async function verifyPosition(ctx: ExecutionContext, memo: MoveMemo): Promise<Verification> {
  const committed = new Map((await ctx.write.groups.committedOffsets(memo.readerGroup, memo.dlq)).map((c) => [c.partition, BigInt(c.offset)]));
  const short = memo.until.filter((u) => (committed.get(u.partition) ?? -1n) < BigInt(u.offset));
  if (short.length) {
    return { ok: false, detail: `reader group ${memo.readerGroup} is short of the moved range on ${short.map((u) => `partition ${u.partition} (at ${committed.get(u.partition) ?? "none"}, expected ${u.offset})`).join(", ")}` };
  }
  return { ok: true, detail: `reader group ${memo.readerGroup} is at or past ${memo.until.map((u) => `${memo.dlq}/${u.partition}@${u.offset}`).join(", ")}` };
}

/** The `<topic>/<partition>/<offset>` of an origin header, when it is one inside the memo's moved ranges. */
export function movedByThis(memo: MoveMemo, origin: string | undefined): boolean {
  const m = origin === undefined ? null : /^(.+)\/(\d+)\/(\d+)$/.exec(origin);
  if (!m || m[1] !== memo.dlq) return false;
  const partition = Number(m[2]);
  const offset = BigInt(m[3]!);
  const from = memo.before.find((b) => b.partition === partition);
  const until = memo.until.find((u) => u.partition === partition);
  return from !== undefined && until !== undefined && offset >= BigInt(from.offset) && offset < BigInt(until.offset);
}

export function memoOf(applied: Applied): MoveMemo {
  return applied.memo as MoveMemo;
}

/** A refusal for a param error, else rethrows. */
export function paramRefusal(error: unknown): string {
  if (error instanceof ParamError) return error.message;
  throw error;
}

