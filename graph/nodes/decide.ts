/** The decision node: a remediation plan or an escalation, through the policy and guards. */
import type { Ports } from "../../ports/ports.ts";
import type { ApprovalPolicy } from "../../remediation/policy.ts";
import { plan } from "../../remediation/plan.ts";
import type { State, Update } from "../state.ts";

export function decideNode(ports: Ports, policy: ApprovalPolicy | undefined) {
  return async (state: State): Promise<Update> => {
    const faults = state.toolCalls.filter((c) => c.outcome === "unavailable").map((c) => `${c.tool}: ${c.note ?? "unavailable"}`);
    // Faults the adapter met outside any read, e.g. a sampling window the cluster cut short.
    faults.push(...((await ports.faults?.()) ?? []));
    const unexplainedErrors = (state.correlation?.timeline ?? []).some((e) => e.source === "search_logs");
    const result = plan({
      findings: state.diagnoses,
      primary: state.correlation?.primary ?? null,
      faults: [...new Set(faults)],
      unexplainedErrors,
      ...(policy && { policy }),
    });
    return {
      decision: result.decision,
      primary: result.primary,
      actions: result.actions,
      escalation: result.escalation,
      missing: [...result.dropped.map((d) => `action dropped by guard: ${d}`), ...faults],
    };
  };
}
