/**
 * What the remediation nodes (prepare, approval, execute) share: the runner they call, the
 * dependencies it needs, and which actions are where: waiting for a human, ready to run.
 */
import type { Action } from "../contract/report.ts";
import * as realRunner from "../remediation/runner.ts";
import type { Classification, RemediationMode, RunnerDeps } from "../remediation/runner.ts";
import type { State } from "./state.ts";

export type { RemediationMode };

/** The runner's three entry points: the real one by default, a fake in the gate's tests. */
export interface Runner {
  dryRunActions: typeof realRunner.dryRunActions;
  classify: typeof realRunner.classify;
  applyActions: typeof realRunner.applyActions;
}

export interface RemediationDeps {
  /** Everything the runner needs but the findings (taken from the state when a node runs). */
  runner: Omit<RunnerDeps, "findings" | "investigationId">;
  /** The thread id: audit entries name it. */
  investigationId?: string;
  /** Defaults to remediation/runner.ts. */
  impl?: Runner;
}

export const defaultRunner: Runner = realRunner;

const DONE = new Set<Action["status"]>(["applied", "failed", "rejected"]);

/**
 * 1-based indexes of the actions a human must decide at the gate: in approve mode every action
 * neither forbidden nor refused by its dry run; in auto mode those the policy says need approval.
 * An action already decided (approved, rejected, applied) is not asked about twice.
 */
export function awaitingHuman(state: Pick<State, "mode" | "actions" | "classification">): number[] {
  return state.classification
    .filter((c) => (state.mode === "auto" ? c.verdict === "approve" : c.verdict !== "forbid"))
    .filter((c) => {
      const action = state.actions[c.index - 1];
      return action !== undefined && !action.approval && !action.dryRun?.refusal && !DONE.has(action.status);
    })
    .map((c) => c.index);
}

/** 1-based indexes the execute node hands the runner: approved at the gate, or auto by the policy (mode auto). */
export function readyToRun(state: Pick<State, "mode" | "actions" | "classification" | "attempted">): number[] {
  const tried = new Set(state.attempted);
  const auto = new Set(state.mode === "auto" ? state.classification.filter((c) => c.verdict === "auto").map((c) => c.index) : []);
  return state.actions
    .map((a, i) => ({ a, index: i + 1 }))
    .filter(({ a, index }) => !tried.has(index) && !DONE.has(a.status) && (a.approval?.decision === "approved" || (auto.has(index) && !a.approval)))
    .map(({ index }) => index);
}

export function classificationOf(state: Pick<State, "classification">, index: number): Classification | undefined {
  return state.classification.find((c) => c.index === index);
}
