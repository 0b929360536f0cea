/**
 * Carrying out a reassignment plan (plan-format.ts), batch by batch:
 *
 *   for each batch:  read where its partitions are now (pending, in flight, done, changed)
 *                    -> size the throttle (a rate, or auto from measured bytes in)
 *                    -> record the throttles in the ledger, then set them (brokers and replicas involved only)
 *                    -> AlterPartitionReassignments for the pending moves
 *                    -> poll ListPartitionReassignments until none of them moves (progress: partitions, bytes, ETA)
 *                    -> verify: replicas exactly the target, every target replica in the ISR
 *                    -> remove the throttles (always: done, failed, cancelled), then the ledger record
 *
 * A plan is resumable: a move already done is skipped, one in flight towards its target is waited
 * for, so running the same plan again after a crash finishes it. A move whose partition is neither
 * where the plan found it nor where it sends it means the cluster changed: the batch fails, nothing
 * of it is submitted.
 *
 * Before anything, every command recovers what a killed run left (recoverThrottles): throttles whose
 * run is gone are removed once their partitions no longer move.
 */
import type { OngoingReassignment, TopicAdminPort, TopicDescription } from "../../ports/write/topic-admin.ts";
import type { Batch, ReassignPlan, ReplicaMove } from "./plan-format.ts";
import { autoRate, measureBytesIn } from "./auto-throttle.ts";
import {
  currentOwner,
  formatRate,
  ownerAlive,
  parseRate,
  readBefore,
  removeThrottles,
  setThrottles,
  throttleSpec,
  type ThrottleLedger,
  type ThrottleRecord,
} from "./throttles.ts";

export interface ReassignDeps {
  topics: TopicAdminPort;
  ledger: ThrottleLedger;
  /** Where the writes go (WritePorts.describe()): ledger records are only acted on against their own cluster. */
  target: string;
  now(): Date;
  /** Waits `ms`, or less when `signal` aborts; tests pass one that resolves at once. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  redact(text: string): string;
}

/** What an ExecutionContext carries for reassign_partitions (remediation/executors/executor.ts). */
export interface ReassignContext {
  ledger: ThrottleLedger;
  onProgress?(p: Progress): void;
  pollMs?: number;
  /** Waits between polls; default a timer that an abort cuts short. */
  sleep?(ms: number, signal?: AbortSignal): Promise<void>;
}

/** A timer that an abort cuts short. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

export type ThrottleChoice = { kind: "rate"; bytesPerSec: number } | { kind: "auto"; brokerCapacityBytesPerSec?: number; sampleMs?: number } | { kind: "none" };

/** "auto", "none", "50MB/s", or a number of bytes per second -> the throttle; null when it is none of those. */
export function parseThrottle(value: unknown): ThrottleChoice | null {
  if (typeof value === "number") return Number.isFinite(value) && value >= 1 ? { kind: "rate", bytesPerSec: Math.round(value) } : null;
  if (typeof value !== "string") return null;
  const v = value.trim().toLowerCase();
  if (v === "auto") return { kind: "auto" };
  if (v === "none") return { kind: "none" };
  const rate = parseRate(v);
  return rate === null ? null : { kind: "rate", bytesPerSec: rate };
}

export function describeThrottle(t: ThrottleChoice): string {
  return t.kind === "rate" ? formatRate(t.bytesPerSec) : t.kind === "auto" ? "auto (sized per batch from measured bytes in)" : "none (replication unthrottled)";
}

export interface Progress {
  batch: number;
  batches: number;
  partitionsDone: number;
  partitions: number;
  bytesDone: number;
  bytes: number;
  /** Seconds left at the rate seen so far; null until something has moved. */
  etaSec: number | null;
}

export interface ExecuteOptions {
  throttle: ThrottleChoice;
  /** Between two ListPartitionReassignments calls (default 1 s). */
  pollMs?: number;
  /** Aborting cancels the moves in flight of the current batch (and removes its throttles). */
  signal?: AbortSignal;
  onProgress?(p: Progress): void;
}

export interface ExecuteOutcome {
  status: "done" | "failed" | "cancelled";
  lines: string[];
  batchesDone: number;
  /** Moves this run submitted or saw through. */
  movesDone: number;
  /** Every throttle this run set was removed (false only when removing failed: its record stays for a later run). */
  throttlesRemoved: boolean;
}

export type MoveState = "pending" | "in-flight" | "done" | "changed";

const DEFAULT_POLL_MS = 1_000;
/** Readings of the placement after a batch before it counts as wrong. */
const VERIFY_TRIES = 10;
const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
const sameList = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Where each move of a batch stands, from the placement now and the reassignments in flight. */
export function moveStates(moves: readonly ReplicaMove[], placement: ReadonlyMap<string, TopicDescription | null>, ongoing: readonly OngoingReassignment[]): { move: ReplicaMove; state: MoveState; now: number[] }[] {
  const flying = new Map(ongoing.map((o) => [key(o.topic, o.partition), o]));
  return moves.map((move) => {
    const p = placement.get(move.topic)?.partitions.find((x) => x.partition === move.partition);
    const now = p?.replicas ?? [];
    const o = flying.get(key(move.topic, move.partition));
    if (o) {
      const target = o.replicas.filter((b) => !o.removing.includes(b));
      return { move, state: sameList(target, move.to) ? "in-flight" : "changed", now };
    }
    if (sameList(now, move.to)) return { move, state: "done", now };
    if (sameList(now, move.from)) return { move, state: "pending", now };
    return { move, state: "changed", now };
  });
}

/**
 * Where each move stands now. The reassignments in flight are read BEFORE the placement: a move
 * that completes between the two reads is then seen in flight (and waited for) or done, never
 * "changed" (read the other way round, the placement would show its replicas mid-move, target
 * plus removing, and the list no move at all).
 */
export async function readMoveStates(moves: readonly ReplicaMove[], topics: TopicAdminPort, listOngoing: () => Promise<OngoingReassignment[]>): Promise<ReturnType<typeof moveStates>> {
  const ongoing = await listOngoing();
  return moveStates(moves, await placementOf(topics, moves.map((m) => m.topic)), ongoing);
}

async function placementOf(topics: TopicAdminPort, names: Iterable<string>): Promise<Map<string, TopicDescription | null>> {
  const out = new Map<string, TopicDescription | null>();
  for (const t of new Set(names)) out.set(t, await topics.describeTopic(t));
  return out;
}

function requireReassign(topics: TopicAdminPort): Required<Pick<TopicAdminPort, "alterPartitionReassignments" | "listPartitionReassignments">> {
  const { alterPartitionReassignments, listPartitionReassignments } = topics;
  if (!alterPartitionReassignments || !listPartitionReassignments) throw new Error("this write adapter cannot reassign partitions (no AlterPartitionReassignments)");
  return { alterPartitionReassignments: alterPartitionReassignments.bind(topics), listPartitionReassignments: listPartitionReassignments.bind(topics) };
}

/**
 * Removes the throttles of runs that are gone (killed, crashed) against this target, once none of
 * their partitions still moves. A run still alive is left alone; so is a gone run whose partitions
 * still move (the throttle is what keeps that move from flooding the brokers), unless `force`
 * (execute takes such a move over and sets its own throttles).
 */
export async function recoverThrottles(deps: ReassignDeps, options: { force?: boolean } = {}): Promise<{ lines: string[]; orphaned: ThrottleRecord[] }> {
  const lines: string[] = [];
  const orphaned: ThrottleRecord[] = [];
  const records = (await deps.ledger.list()).filter((r) => r.target === deps.target);
  if (records.length === 0) return { lines, orphaned };
  const ongoing = await requireReassign(deps.topics).listPartitionReassignments();
  const moving = new Set(ongoing.map((o) => key(o.topic, o.partition)));
  for (const r of records) {
    const alive = ownerAlive(r.owner);
    if (alive === true) {
      lines.push(`reassignment ${r.id} is running (pid ${r.owner.pid}): its throttles stay`);
      continue;
    }
    const still = r.partitions.filter((p) => moving.has(key(p.topic, p.partition)));
    if (still.length && !(options.force && alive === false)) {
      orphaned.push(r);
      lines.push(`reassignment ${r.id} (pid ${r.owner.pid} on ${r.owner.host}, ${alive === false ? "gone" : "on another host"}) left ${still.length} partitions moving under its throttle: kafka-ops reassign execute <plan> finishes them, kafka-ops reassign cancel stops them`);
      continue;
    }
    lines.push(...(await removeThrottles(deps.topics, r)).map((l) => `left behind by ${r.id} (pid ${r.owner.pid}): ${l}`));
    await deps.ledger.remove(r.id);
  }
  return { lines, orphaned };
}

export async function executePlan(plan: ReassignPlan, deps: ReassignDeps, options: ExecuteOptions): Promise<ExecuteOutcome> {
  const reassign = requireReassign(deps.topics);
  const lines: string[] = [];
  const say = (l: string) => lines.push(deps.redact(l));
  const recovered = await recoverThrottles(deps, { force: true });
  recovered.lines.forEach(say);
  if (recovered.orphaned.length) {
    return { status: "failed", lines: [...lines, deps.redact("not started: another host's run has moves in flight (see above)")], batchesDone: 0, movesDone: 0, throttlesRemoved: true };
  }

  const known = new Set(await deps.topics.brokerIds());
  const unknown = [...new Set(plan.batches.flatMap((b) => b.moves.flatMap((m) => m.to)))].filter((b) => !known.has(b)).sort((a, b) => a - b);
  if (unknown.length) {
    say(`not started: the plan names broker${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}, which the cluster does not have (brokers ${[...known].sort((a, b) => a - b).join(", ")})`);
    return { status: "failed", lines, batchesDone: 0, movesDone: 0, throttlesRemoved: true };
  }

  const totalPartitions = plan.batches.reduce((n, b) => n + b.moves.length, 0);
  const totalBytes = plan.batches.reduce((n, b) => n + b.bytes, 0);
  const started = performance.now();
  let partitionsDone = 0;
  let bytesDone = 0;
  let movesDone = 0;
  const report = (batch: number, extraBytes = 0) => {
    const seconds = (performance.now() - started) / 1000;
    const doneBytes = bytesDone + extraBytes;
    const rate = seconds > 0 ? doneBytes / seconds : 0;
    const etaSec = rate > 0 ? Math.round((totalBytes - doneBytes) / rate) : null;
    options.onProgress?.({ batch, batches: plan.batches.length, partitionsDone, partitions: totalPartitions, bytesDone: doneBytes, bytes: totalBytes, etaSec });
  };

  for (const [i, batch] of plan.batches.entries()) {
    const n = i + 1;
    if (options.signal?.aborted) {
      say(`cancelled before batch ${n} of ${plan.batches.length}`);
      return { status: "cancelled", lines, batchesDone: i, movesDone, throttlesRemoved: true };
    }
    const outcome = await runBatch(batch, n, plan.batches.length, deps, reassign, options, say, (done, bytes) => {
      partitionsDone += done;
      bytesDone += bytes;
    }, (extra) => report(n, extra));
    movesDone += outcome.moves;
    report(n);
    if (outcome.status !== "done") return { status: outcome.status, lines, batchesDone: i, movesDone, throttlesRemoved: outcome.throttlesRemoved };
    if (!outcome.throttlesRemoved) return { status: "failed", lines, batchesDone: n, movesDone, throttlesRemoved: false };
  }
  say(`all ${plan.batches.length} batches done: ${movesDone} partitions moved, every replica in sync, throttles removed`);
  return { status: "done", lines, batchesDone: plan.batches.length, movesDone, throttlesRemoved: true };
}

async function runBatch(
  batch: Batch,
  n: number,
  of: number,
  deps: ReassignDeps,
  reassign: ReturnType<typeof requireReassign>,
  options: ExecuteOptions,
  say: (l: string) => void,
  count: (partitions: number, bytes: number) => void,
  progress: (extraBytes: number) => void,
): Promise<{ status: ExecuteOutcome["status"]; moves: number; throttlesRemoved: boolean }> {
  const where = `batch ${n}/${of}`;
  const states = await readMoveStates(batch.moves, deps.topics, reassign.listPartitionReassignments);
  const changed = states.filter((s) => s.state === "changed");
  if (changed.length) {
    for (const c of changed.slice(0, 20)) say(`${where}: ${c.move.topic}-${c.move.partition} is on [${c.now.join(",")}], neither the plan's [${c.move.from.join(",")}] nor its target [${c.move.to.join(",")}]: the cluster changed since the plan`);
    say(`${where}: not submitted (${changed.length} partitions changed); plan again (kafka-ops plan reassign)`);
    return { status: "failed", moves: 0, throttlesRemoved: true };
  }
  const done = states.filter((s) => s.state === "done");
  count(done.length, done.reduce((b, s) => b + s.move.bytes, 0));
  const active = states.filter((s) => s.state !== "done");
  if (active.length === 0) {
    say(`${where}: already done (${done.length} partitions where the plan puts them)`);
    return { status: "done", moves: 0, throttlesRemoved: true };
  }
  const pending = active.filter((s) => s.state === "pending").map((s) => s.move);
  const moves = active.map((s) => s.move);

  // The throttle: recorded before it is set, so a run killed right after still has it on record.
  let record: ThrottleRecord | undefined;
  try {
    if (options.throttle.kind !== "none") {
      let bytesPerSec: number;
      if (options.throttle.kind === "rate") bytesPerSec = options.throttle.bytesPerSec;
      else {
        const measured = await measureBytesIn(deps.topics, { ...options.throttle, sleep: (ms) => deps.sleep(ms, options.signal) });
        const auto = autoRate(moves, measured, options.throttle.brokerCapacityBytesPerSec);
        say(`${where}: ${auto.why}`);
        if (auto.warning) say(`${where}: warning: ${auto.warning}`);
        bytesPerSec = auto.bytesPerSec;
      }
      const spec = throttleSpec(moves, bytesPerSec);
      record = {
        id: `reassign-${deps.now().toISOString().replace(/[-:.]/g, "").toLowerCase()}-b${n}-${process.pid}`,
        target: deps.target,
        owner: currentOwner(),
        startedAt: deps.now().toISOString(),
        partitions: moves.map((m) => ({ topic: m.topic, partition: m.partition, from: [...m.from] })),
        set: spec,
        before: await readBefore(deps.topics, spec),
      };
      await deps.ledger.put(record);
    }
  } catch (error) {
    // Nothing is set yet (the record goes in before the first config): nothing to remove.
    say(`${where}: not submitted: sizing or recording the throttle failed: ${error instanceof Error ? error.message : String(error)}`);
    return { status: "failed", moves: 0, throttlesRemoved: true };
  }

  const attempt = async (): Promise<{ status: ExecuteOutcome["status"]; moves: number }> => {
    if (record) setThrottlesLines(await setThrottles(deps.topics, record.set), where, say);
    if (pending.length) {
      const results = await reassign.alterPartitionReassignments(pending.map((m) => ({ topic: m.topic, partition: m.partition, replicas: [...m.to] })));
      const refused = results.filter((r) => r.error !== undefined);
      for (const r of refused.slice(0, 20)) say(`${where}: ${r.topic}-${r.partition} refused: ${r.error}`);
      if (refused.length) {
        // What the broker took is cancelled: a batch runs whole or not at all.
        const taken = results.filter((r) => r.error === undefined).map((r) => ({ topic: r.topic, partition: r.partition, replicas: null }));
        if (taken.length) {
          await reassign.alterPartitionReassignments(taken);
          await restoreOrder(pending.filter((m) => taken.some((t) => t.topic === m.topic && t.partition === m.partition)), deps.topics, reassign, say);
        }
        say(`${where}: the broker refused ${refused.length} of ${pending.length} moves; the others were cancelled`);
        return { status: "failed", moves: 0 };
      }
    }
    say(`${where}: ${pending.length} moves submitted${active.length > pending.length ? `, ${active.length - pending.length} already in flight` : ""} (${formatBytes(batch.bytes)}; brokers ${batch.brokers.join(", ")})`);

    const waited = await waitForBatch(moves, deps, reassign, options, (extra) => progress(extra));
    if (waited === "cancelled") {
      const stillMoving = new Set((await reassign.listPartitionReassignments()).map((o) => key(o.topic, o.partition)));
      const cancel = moves.filter((m) => stillMoving.has(key(m.topic, m.partition))).map((m) => ({ topic: m.topic, partition: m.partition, replicas: null }));
      if (cancel.length) {
        await reassign.alterPartitionReassignments(cancel);
        await restoreOrder(moves.filter((m) => stillMoving.has(key(m.topic, m.partition))), deps.topics, reassign, say);
      }
      say(`${where}: cancelled: ${cancel.length} moves in flight stopped (their partitions keep their replicas before the move)`);
      return { status: "cancelled", moves: moves.length - cancel.length };
    }
    // Our ledger record gone and the partitions back on their replicas before the move: `kafka-ops
    // reassign cancel` ran elsewhere (it removes the records, after cancelling: so this is asked
    // again at every read below). Without that signal, placement that still shows the old replicas
    // is more likely metadata trailing the controller.
    const cancelledHere = async (): Promise<ReplicaMove[]> => {
      const recordGone = record !== undefined && !(await deps.ledger.list()).some((r) => r.id === record!.id);
      return recordGone ? await cancelledElsewhere(moves, deps.topics) : [];
    };
    const saidCancelled = (back: ReplicaMove[]) => {
      say(`${where}: cancelled elsewhere: ${back.length} partitions are back on their replicas before the move (${back.slice(0, 10).map((m) => `${m.topic}-${m.partition}`).join(", ")})`);
      return { status: "cancelled" as const, moves: moves.length - back.length };
    };
    let back = await cancelledHere();
    if (back.length) return saidCancelled(back);
    // The metadata a broker answers with may trail the controller by a moment after the move completes.
    let problems = await verifyPlacement(moves, deps.topics);
    for (let tries = 1; problems.length && tries < VERIFY_TRIES && !options.signal?.aborted; tries++) {
      await deps.sleep(options.pollMs ?? DEFAULT_POLL_MS, options.signal);
      back = await cancelledHere();
      if (back.length) return saidCancelled(back);
      problems = await verifyPlacement(moves, deps.topics);
    }
    if (problems.length) {
      for (const p of problems.slice(0, 20)) say(`${where}: ${p}`);
      say(`${where}: ${problems.length} partitions are not as planned after the move`);
      return { status: "failed", moves: moves.length };
    }
    count(moves.length, moves.reduce((b, m) => b + m.bytes, 0));
    say(`${where}: verified: ${moves.length} partitions on their target replicas, all in sync`);
    return { status: "done", moves: moves.length };
  };
  let throttlesRemoved = true;
  let result: { status: ExecuteOutcome["status"]; moves: number };
  try {
    result = await attempt();
  } catch (error) {
    say(`${where}: failed: ${error instanceof Error ? error.message : String(error)}`);
    result = { status: "failed", moves: 0 };
  } finally {
    if (record) {
      try {
        setThrottlesLines(await removeThrottles(deps.topics, record), where, say);
        await deps.ledger.remove(record.id);
      } catch (error) {
        throttlesRemoved = false;
        say(`${where}: THROTTLES NOT REMOVED (${error instanceof Error ? error.message : String(error)}): kept in ${deps.ledger.describe}; kafka-ops reassign status removes them`);
      }
    }
  }
  return { ...result, throttlesRemoved };
}

function setThrottlesLines(lines: string[], where: string, say: (l: string) => void) {
  for (const l of lines) say(`${where}: ${l}`);
}

/** Polls until none of the moves is in flight; "cancelled" when the signal aborts first. */
async function waitForBatch(moves: readonly ReplicaMove[], deps: ReassignDeps, reassign: ReturnType<typeof requireReassign>, options: ExecuteOptions, progress: (extraBytes: number) => void): Promise<"done" | "cancelled"> {
  const mine = new Set(moves.map((m) => key(m.topic, m.partition)));
  const bytesOf = new Map(moves.map((m) => [key(m.topic, m.partition), m]));
  for (;;) {
    if (options.signal?.aborted) return "cancelled";
    const ongoing = (await reassign.listPartitionReassignments()).filter((o) => mine.has(key(o.topic, o.partition)));
    if (ongoing.length === 0) return "done";
    progress(await copiedBytes(ongoing, bytesOf, deps.topics));
    await deps.sleep(options.pollMs ?? DEFAULT_POLL_MS, options.signal);
  }
}

/** Bytes the adding replicas of the moves in flight have copied so far (0 when sizes cannot be read). */
async function copiedBytes(ongoing: readonly OngoingReassignment[], moves: ReadonlyMap<string, ReplicaMove>, topics: TopicAdminPort): Promise<number> {
  if (!topics.replicaSizes) return 0;
  const sizes = await topics.replicaSizes([...new Set(ongoing.map((o) => o.topic))]).catch(() => []);
  let total = 0;
  for (const o of ongoing) {
    const move = moves.get(key(o.topic, o.partition));
    if (!move || o.adding.length === 0) continue;
    const copied = sizes.filter((s) => s.topic === o.topic && s.partition === o.partition && o.adding.includes(s.broker)).reduce((n, s) => n + s.bytes, 0);
    total += Math.min(copied, move.bytes);
  }
  return total;
}

/**
 * Puts back the replica order a cancel scrambled. Kafka's cancel restores the replica SET the
 * partition had, but in the order of the in-flight list minus the adding replicas, so the
 * preferred leader (the first) can change: [1,2] -> cancel -> [2,1] was seen on Kafka 4.1. The same
 * set in the original order is a reassignment that copies nothing and completes at once.
 */
async function restoreOrder(moves: readonly Pick<ReplicaMove, "topic" | "partition" | "from">[], topics: TopicAdminPort, reassign: ReturnType<typeof requireReassign>, say: (l: string) => void): Promise<void> {
  if (moves.length === 0) return;
  const placement = await placementOf(topics, moves.map((m) => m.topic));
  const reorder = moves.filter((m) => {
    const now = placement.get(m.topic)?.partitions.find((p) => p.partition === m.partition)?.replicas ?? [];
    return now.length === m.from.length && m.from.every((b) => now.includes(b)) && !sameList(now, m.from);
  });
  if (reorder.length === 0) return;
  const results = await reassign.alterPartitionReassignments(reorder.map((m) => ({ topic: m.topic, partition: m.partition, replicas: [...m.from] })));
  const failed = results.filter((r) => r.error !== undefined);
  say(`replica order put back on ${reorder.length - failed.length} partitions after the cancel (the preferred leader they had)${failed.length ? `; ${failed.length} not: ${failed.map((f) => `${f.topic}-${f.partition} ${f.error}`).join(", ")}` : ""}`);
}

/** Moves whose partition holds exactly its replicas before the move (in any order) and not the target's. */
async function cancelledElsewhere(moves: readonly ReplicaMove[], topics: TopicAdminPort): Promise<ReplicaMove[]> {
  const placement = await placementOf(topics, moves.map((m) => m.topic));
  return moves.filter((m) => {
    const now = placement.get(m.topic)?.partitions.find((p) => p.partition === m.partition)?.replicas ?? [];
    const sameSet = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x) => b.includes(x));
    return sameSet(now, m.from) && !sameSet(now, m.to);
  });
}

/** Replicas exactly the target (the preferred leader first), every target replica in the ISR. */
export async function verifyPlacement(moves: readonly ReplicaMove[], topics: TopicAdminPort): Promise<string[]> {
  const placement = await placementOf(topics, moves.map((m) => m.topic));
  const problems: string[] = [];
  for (const m of moves) {
    const p = placement.get(m.topic)?.partitions.find((x) => x.partition === m.partition);
    if (!p) {
      problems.push(`${m.topic}-${m.partition}: gone`);
      continue;
    }
    if (!sameList(p.replicas, m.to)) problems.push(`${m.topic}-${m.partition}: replicas [${p.replicas.join(",")}], planned [${m.to.join(",")}]`);
    const out = m.to.filter((b) => !p.isr.includes(b));
    if (out.length) problems.push(`${m.topic}-${m.partition}: replica${out.length > 1 ? "s" : ""} ${out.join(",")} not in sync (ISR ${p.isr.join(",")})`);
  }
  return problems;
}

export interface StatusReport {
  ongoing: OngoingReassignment[];
  records: (ThrottleRecord & { alive: boolean | "unknown" })[];
  lines: string[];
}

/** What moves now, which runs own throttles, and (first) the throttles of finished runs removed. */
export async function reassignmentStatus(deps: ReassignDeps): Promise<StatusReport> {
  const reassign = requireReassign(deps.topics);
  const { lines } = await recoverThrottles(deps);
  const ongoing = await reassign.listPartitionReassignments();
  const records = (await deps.ledger.list()).filter((r) => r.target === deps.target).map((r) => ({ ...r, alive: ownerAlive(r.owner) }));
  lines.push(ongoing.length ? `${ongoing.length} partitions moving: ${ongoing.slice(0, 20).map((o) => `${o.topic}-${o.partition} (adding ${o.adding.join(",") || "-"}, removing ${o.removing.join(",") || "-"})`).join(", ")}${ongoing.length > 20 ? ", ..." : ""}` : "no partition reassignment in flight");
  for (const r of records) lines.push(`throttle ${formatRate(r.set.bytesPerSec)} of ${r.id} on brokers ${r.set.brokers.join(", ")} (pid ${r.owner.pid}, ${r.alive === true ? "running" : r.alive === false ? "gone" : "another host"})`);
  return { ongoing, records, lines: lines.map(deps.redact) };
}

/**
 * Cancels the reassignments this project started (those in the ledger; every one in flight with
 * `all`), then removes the throttles of every record against this target.
 */
export async function cancelReassignment(deps: ReassignDeps, options: { all?: boolean } = {}): Promise<{ cancelled: number; lines: string[] }> {
  const reassign = requireReassign(deps.topics);
  const lines: string[] = [];
  const records = (await deps.ledger.list()).filter((r) => r.target === deps.target);
  const ours = new Set(records.flatMap((r) => r.partitions.map((p) => key(p.topic, p.partition))));
  const ongoing = await reassign.listPartitionReassignments();
  const cancel = ongoing.filter((o) => options.all || ours.has(key(o.topic, o.partition)));
  const others = ongoing.length - cancel.length;
  if (cancel.length) {
    const results = await reassign.alterPartitionReassignments(cancel.map((o) => ({ topic: o.topic, partition: o.partition, replicas: null })));
    const failed = results.filter((r) => r.error !== undefined);
    for (const f of failed.slice(0, 20)) lines.push(`${f.topic}-${f.partition}: not cancelled: ${f.error}`);
    lines.push(`${cancel.length - failed.length} reassignments cancelled`);
    const from = new Map(records.flatMap((r) => r.partitions.filter((p) => p.from).map((p) => [key(p.topic, p.partition), p] as const)));
    const known = cancel.flatMap((o) => {
      const p = from.get(key(o.topic, o.partition));
      return p?.from ? [{ topic: o.topic, partition: o.partition, from: p.from, to: [] as number[], bytes: 0 }] : [];
    });
    await restoreOrder(known, deps.topics, reassign, (l) => lines.push(l));
  } else lines.push("no reassignment of this project's in flight");
  if (others) lines.push(`${others} reassignments in flight were started elsewhere and left alone (--all cancels them too)`);
  for (const r of records) {
    lines.push(...(await removeThrottles(deps.topics, r)).map((l) => `${r.id}: ${l}`));
    await deps.ledger.remove(r.id);
  }
  return { cancelled: cancel.length, lines: lines.map(deps.redact) };
}

export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}
