/** The Incident Debugging agent's node: one root cause, blast radius and timeline. */
import { recordingCaller } from "../../agents/agent.ts";
import { debugIncident } from "../../agents/incident-debugging/incident-debugging-agent.ts";
import type { ToolCall } from "../../contract/report.ts";
import type { Ports } from "../../ports/ports.ts";
import type { State, Update } from "../state.ts";

export function correlateNode(ports: Ports) {
  return async (state: State): Promise<Update> => {
    const toolCalls: ToolCall[] = [];
    const missing: string[] = [];
    const call = recordingCaller(ports, "incident-debugging", toolCalls, missing);
    const correlation = await debugIncident(call, state.diagnoses, state.alert);
    return { correlation, toolCalls, missing };
  };
}
