/**
 * What an executor is: the one place that knows how to carry out one action kind.
 *
 *   dryRun   reads the cluster now and says exactly what would change (never writes); its
 *            `precondition` is the reading the runner takes again right before `apply` and
 *            compares: if the cluster changed in between, the action is aborted, not applied.
 *   apply    makes the change; returns what it did and what `verify` and `rollback` need.
 *   verify   after `settleMs`, re-reads the cluster and says whether the action had its intended effect.
 *   rollback undoes it where that is possible, and says why not where it is not.
 *
 * Executors never decide whether to run: the policy, the guards and the approval gate do that
 * (remediation/policy.ts, remediation/guards.ts, the graph's approval node). They refuse, in the
 * dry run, what cannot be done safely as the cluster stands (members still active, nothing to change).
 */
import type { Action, DryRunOutput } from "../../contract/report.ts";
import type { ActionKind, Effect } from "../../contract/vocabulary.ts";
import type { WritePorts } from "../../ports/write/ports.ts";

export interface ExecutionContext {
  write: WritePorts;
  now(): Date;
  /** Waits `ms` before verification; tests pass one that resolves at once. */
  settle(ms: number): Promise<void>;
  /** Every line an executor returns passes through this (secrets a server may echo). */
  redact(text: string): string;
  signal?: AbortSignal;
  /** Consumer settings per group as deployed (settings `clientConfigs`): brokers cannot report them. */
  clientConfigs?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** reassign_partitions: where throttles are recorded between processes, and progress (remediation/reassign/execute.ts). */
  reassign?: import("../reassign/execute.ts").ReassignContext;
}

export interface Prepared {
  output: DryRunOutput;
  /** JSON-comparable reading of what the action depends on; compared again right before apply. */
  precondition: unknown;
  /** Partitions it adds or moves and records it replays or moves, for the limits and the blast-radius cap (counted from the params when absent). */
  /**
   * What the action adds, moves or replays. `partitionsAtOnce`: for an action that runs in
   * batches one after the other (reassign_partitions), the most partitions in flight at once:
   * the blast-radius cap applies to it, the policy's per-run and per-hour limits to the total.
   */
  cost?: { partitions?: number; records?: number; partitionsAtOnce?: number };
}

export interface Applied {
  at: string;
  output: string[];
  /** What verify and rollback need (the values before, ids of what was written...). JSON only. */
  memo?: unknown;
}

export interface Verification {
  ok: boolean;
  detail: string;
}

export type Rollback =
  | { possible: false; why: string }
  | { possible: true; how: string; run(action: Action, applied: Applied, ctx: ExecutionContext): Promise<string[]> };

/** How far the executor reaches (contract/vocabulary.ts): only the quarantine path may be destructive. */
export type { Effect } from "../../contract/vocabulary.ts";

export interface Executor {
  kind: ActionKind;
  effect: Effect;
  /** How long the cluster needs before `verify` can see the effect. */
  settleMs: number;
  dryRun(action: Action, ctx: ExecutionContext): Promise<Prepared>;
  apply(action: Action, prepared: Prepared, ctx: ExecutionContext): Promise<Applied>;
  verify(action: Action, applied: Applied, ctx: ExecutionContext): Promise<Verification>;
  rollback: Rollback;
}

/** A dry run that refuses: nothing would change, and why (redacted: it may quote a server). */
export function refusal(ctx: Pick<ExecutionContext, "now" | "redact">, why: string, warnings: string[] = []): Prepared {
  return { output: { at: ctx.now().toISOString(), effect: [], warnings, refusal: ctx.redact(why) }, precondition: null };
}

/** An executor that exists in name only: every dry run refuses, so nothing can apply it. */
export function notYetExecutable(kind: ActionKind, why: string): Executor {
  const refuse = async (): Promise<never> => {
    throw new Error(`${kind} cannot be applied: ${why}`);
  };
  return {
    kind,
    effect: "mutating",
    settleMs: 0,
    dryRun: async (_a, ctx) => ({ output: { at: ctx.now().toISOString(), effect: [], warnings: [], refusal: why }, precondition: null }),
    apply: refuse,
    verify: refuse,
    rollback: { possible: false, why },
  };
}
