/**
 * The prepare node (any mode but propose): every action's dry run, read from the cluster now, and
 * what the policy and the guards allow for each. Never writes.
 */
import { defaultRunner, type RemediationDeps } from "../remediation.ts";
import type { State, Update } from "../state.ts";

export function prepareNode(deps: RemediationDeps | undefined) {
  const runner = deps?.impl ?? defaultRunner;
  return async (state: State): Promise<Update> => {
    // The graph routes here only with remediation deps (graph.ts afterDecide).
    if (!deps) throw new Error("remediation node reached without remediation dependencies");
    if (!state.actions.length) return {};
    const runnerDeps = { ...deps.runner, findings: state.diagnoses, ...(deps.investigationId && { investigationId: deps.investigationId }) };
    const actions = await runner.dryRunActions(state.actions, runnerDeps);
    const classification = runner.classify(actions, runnerDeps, state.mode);
    return { actions, classification };
  };
}
