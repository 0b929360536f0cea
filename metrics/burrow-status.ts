/**
 * The partition window's statuses in Burrow's terms: the names and numbers of Burrow's own
 * StatusConstant (core/protocol/evaluator.go, NOTFOUND 0 .. REWIND 6), what its HTTP API's
 * `status` fields mean. (burrow_exporter's `kafka_burrow_*_status` adds 1 to each: NOTFOUND 1 ..
 * REWIND 7; docs/watch.md says how an alert on it translates.) The statuses themselves are the
 * project's (docs/partition-window.md); only the names and numbers are Burrow's.
 */
import type { PartitionStatus } from "../agents/streaming/partition-window.ts";

/** Burrow's StatusConstant values. */
export const BURROW = { NOTFOUND: 0, OK: 1, WARN: 2, ERR: 3, STOP: 4, STALL: 5, REWIND: 6 } as const;
export type BurrowStatus = keyof typeof BURROW;

/**
 * - ok, idle and catching_up are OK: Burrow calls a shrinking lag OK too, and idle (nothing
 *   unread, nothing written) is the case Burrow wrongly reports as STALL;
 * - growing is WARN (Burrow: making progress but falling further behind);
 * - stalled is STALL (frozen while a member owns the partition), stopped is STOP (frozen and
 *   nobody owns it), rewind is REWIND;
 * - no_offsets, a partition the group never committed for, has no Burrow status: NOTFOUND.
 */
export const BURROW_OF: Record<PartitionStatus, BurrowStatus> = {
  ok: "OK",
  idle: "OK",
  catching_up: "OK",
  growing: "WARN",
  stalled: "STALL",
  stopped: "STOP",
  rewind: "REWIND",
  no_offsets: "NOTFOUND",
};

/**
 * A group's status the way Burrow's evaluator makes it: the worst partition status, with STOP,
 * STALL and REWIND reported as ERR. A group with no judged partition (all no_offsets) is OK:
 * it is there, with nothing to say.
 */
export function groupStatus(statuses: readonly PartitionStatus[]): BurrowStatus {
  let worst: number = BURROW.OK;
  for (const s of statuses) worst = Math.max(worst, BURROW[BURROW_OF[s]]);
  return worst > BURROW.ERR ? "ERR" : worst === BURROW.WARN ? "WARN" : "OK";
}
