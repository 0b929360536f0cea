/** The decision node: wiring only; remediation/decide.ts decides. */
import type { LlmSession } from "../../llm/session.ts";
import type { Ports } from "../../ports/ports.ts";
import { decide } from "../../remediation/decide.ts";
import type { ApprovalPolicy } from "../../remediation/policy.ts";
import type { State, Update } from "../state.ts";

export function decideNode(ports: Ports, policy: ApprovalPolicy | undefined, llm?: LlmSession) {
  return async (state: State): Promise<Update> => {
    // Faults the adapter met outside any read, e.g. a sampling window the cluster cut short.
    const portFaults = (await ports.faults?.()) ?? [];
    // What the platform offers decides which actions can be proposed (config/flavors.ts).
    const flavor = await ports.metadata.flavor?.();
    const decided = decide({
      findings: state.diagnoses,
      conclusion: state.correlation,
      faults: [...state.faults, ...portFaults],
      modelActions: state.modelActions,
      withModel: llm !== undefined,
      policy,
      flavor,
    });
    for (const note of decided.modelNotes) llm?.note(note);
    const { decision, primary, actions, escalation, dropped } = decided;
    return { decision, primary, actions, escalation, dropped, faults: portFaults };
  };
}
