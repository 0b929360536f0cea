/** The decision node: a remediation plan or an escalation, through the policy and guards. */
import { admitActions } from "../../agents/llm/validate.ts";
import type { LlmSession } from "../../llm/session.ts";
import type { Ports } from "../../ports/ports.ts";
import type { ApprovalPolicy } from "../../remediation/policy.ts";
import { plan } from "../../remediation/plan.ts";
import type { State, Update } from "../state.ts";

export function decideNode(ports: Ports, policy: ApprovalPolicy | undefined, llm?: LlmSession) {
  return async (state: State): Promise<Update> => {
    const readFaults = state.toolCalls.filter((c) => c.outcome === "unavailable").map((c) => `${c.tool}: ${c.note ?? "unavailable"}`);
    // Faults the adapter met outside any read, e.g. a sampling window the cluster cut short.
    // Only these are new to `missing`: failed reads are there already, from the tool caller.
    const portFaults = (await ports.faults?.()) ?? [];
    const faults = [...readFaults, ...portFaults];
    const unexplainedErrors = (state.correlation?.timeline ?? []).some((e) => e.source === "search_logs");
    const result = plan({
      findings: state.diagnoses,
      primary: state.correlation?.primary ?? null,
      faults: [...new Set(faults)],
      unexplainedErrors,
      unseenAlertEntities: state.correlation?.unseen ?? [],
      ...(policy && { policy }),
    });
    const dropped = result.dropped.map((d) => `action dropped by guard: ${d}`);
    const primaryIndex = state.correlation?.primary;
    const primary = primaryIndex === null || primaryIndex === undefined ? undefined : state.diagnoses[primaryIndex];
    if (primary?.origin === "model") {
      // A cause only a model found: a human confirms it before anything is proposed.
      llm?.note(`decision: the primary ${primary.code} comes from the model, not the rules: escalated; the runbook's actions for it are withheld`);
      return {
        decision: "escalate",
        primary: result.primary,
        actions: [],
        escalation: {
          severity: "sev2",
          reason: `a model found a cause the rules did not (${primary.code}: ${primary.summary}); a human must confirm it`,
          owner: "kafka-platform on-call",
        },
        missing: [...dropped, ...portFaults],
      };
    }
    let actions = result.actions;
    if (llm && state.modelActions.length) {
      const admitted = admitActions(state.modelActions, { findings: state.diagnoses, decision: result.decision, existing: actions, ...(policy && { policy }) });
      for (const d of admitted.dropped) {
        llm.note(`action dropped by guard: ${d}`);
        dropped.push(`action dropped by guard: ${d}`);
      }
      actions = [...actions, ...admitted.actions];
    }
    return {
      decision: result.decision,
      primary: result.primary,
      actions,
      escalation: result.escalation,
      missing: [...dropped, ...portFaults],
    };
  };
}
