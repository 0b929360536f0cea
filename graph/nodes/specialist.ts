/** A specialist agent as a graph node: its findings, tool calls and gaps go into the state. */
import { recordingCaller, type Agent } from "../../agents/agent.ts";
import type { ToolCall } from "../../contract/report.ts";
import type { Fault } from "../../ports/faults.ts";
import type { Ports } from "../../ports/ports.ts";
import type { Thresholds } from "../../config/thresholds/index.ts";
import type { State, Update } from "../state.ts";

export function specialistNode(agent: Agent, ports: Ports, thresholds: Thresholds) {
  return async (state: State): Promise<Update> => {
    const toolCalls: ToolCall[] = [];
    const faults: Fault[] = [];
    const call = recordingCaller(ports, agent.name, toolCalls, faults);
    // A model's reads that find nothing are the model's dead ends, not gaps in the evidence.
    const modelCall = recordingCaller(ports, agent.name, toolCalls, []);
    const outcome = await agent.investigate({ call, modelCall, alert: state.alert, thresholds });
    return { diagnoses: outcome.findings, toolCalls, faults: [...faults, ...outcome.missing], lag: outcome.lag ?? [] };
  };
}
