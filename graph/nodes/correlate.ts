/** The Incident Debugging agent's node: wiring only (the agent and, with a model, its synthesis). */
import { recordingCaller } from "../../agents/agent.ts";
import { debugIncident } from "../../agents/incident-debugging/incident-debugging-agent.ts";
import { withSynthesis } from "../../agents/incident-debugging/with-synthesis.ts";
import { synthesize } from "../../agents/llm/synthesis.ts";
import { observing } from "../../agents/llm/tools.ts";
import type { ToolCall } from "../../contract/report.ts";
import type { Fault } from "../../ports/faults.ts";
import type { LlmSession } from "../../llm/session.ts";
import type { Ports } from "../../ports/ports.ts";
import type { State, Update } from "../state.ts";

export function correlateNode(ports: Ports, llm?: LlmSession) {
  return async (state: State): Promise<Update> => {
    const toolCalls: ToolCall[] = [];
    const faults: Fault[] = [];
    const recording = recordingCaller(ports, "incident-debugging", toolCalls, faults);
    const call = llm ? observing(recording, llm) : recording;
    const correlation = await debugIncident(call, state.diagnoses, state.alert);
    if (!llm) return { correlation, toolCalls, faults };
    const synthesis = await synthesize(llm, { incidentId: state.incidentId, alert: state.alert, findings: state.diagnoses, conclusion: correlation });
    if (!synthesis) {
      llm.note("synthesis: no valid model answer; the report's narrative is the rules' root cause");
      return { correlation, toolCalls, faults };
    }
    llm.narrative = synthesis.narrative;
    const merged = withSynthesis(state.diagnoses, correlation, synthesis);
    for (const note of merged.notes) llm.note(note);
    return { correlation: merged.conclusion, diagnoses: merged.added, modelActions: synthesis.suggestedActions, toolCalls, faults };
  };
}
