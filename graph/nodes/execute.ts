/**
 * The execute node: hands the runner the actions that may run now (approved at the gate, or
 * allowed unattended by the policy in auto mode) and writes back what happened to each. The
 * runner re-checks guards, limits and the dry run's precondition itself; a failure is that
 * action's status, never an exception.
 */
import { defaultRunner, readyToRun, type RemediationDeps } from "../remediation.ts";
import type { State, Update } from "../state.ts";

export function executeNode(deps: RemediationDeps | undefined) {
  const runner = deps?.impl ?? defaultRunner;
  return async (state: State): Promise<Update> => {
    // The graph routes here only with remediation deps (graph.ts afterDecide).
    if (!deps) throw new Error("remediation node reached without remediation dependencies");
    const indexes = readyToRun(state);
    // Rejections made at the gate are audited by the runner too, so it is called for them as well.
    const rejectedNow = state.gate !== undefined && state.actions.some((a) => a.approval?.decision === "rejected");
    if (!indexes.length && !rejectedNow) return {};
    const runnerDeps = { ...deps.runner, findings: state.diagnoses, ...(deps.investigationId && { investigationId: deps.investigationId }) };
    const result = await runner.applyActions(state.actions, indexes, runnerDeps, state.mode);
    return { actions: result.actions, attempted: [...state.attempted, ...indexes] };
  };
}
