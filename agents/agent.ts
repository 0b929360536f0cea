/**
 * What a specialist agent is: it plans the reads it needs, makes them concurrently through a
 * recording tool caller, and turns what it read into findings with quoted evidence.
 */
import type { Alert } from "../contract/incident.ts";
import type { Thresholds } from "../config/thresholds/index.ts";
import type { ToolCall, GroupLagView } from "../contract/report.ts";
import type { Finding } from "./finding.ts";
import type { AgentName, Specialist } from "../contract/vocabulary.ts";
import { describeFault, faultOf, type Fault } from "../ports/faults.ts";
import type { Ports } from "../ports/ports.ts";
import type { ToolResult } from "../tools/define-tool.ts";
import { TOOLS, type ToolInput, type ToolName, type ToolValue } from "../tools/registry.ts";
import { dispatchCustomEvent } from "@langchain/core/callbacks/dispatch";


/** Calls a tool by name and records the call (timing, outcome) for the report. */
export type CallTool = <N extends ToolName>(name: N, input: ToolInput<N>) => Promise<ToolResult<ToolValue<N>>>;

export interface AgentContext {
  call: CallTool;
  /** For a model's reads: recorded in toolCalls like `call`, but what did not answer is no fault of the investigation. */
  modelCall?: CallTool;
  alert: Alert | undefined;
  /** The thresholds in force: defaults with the configured per-topic and per-group overrides. */
  thresholds: Thresholds;
}

export interface AgentOutcome {
  findings: Finding[];
  /** Gaps the agent found beyond its tool calls' own (those the caller records): missing evidence. */
  missing: Fault[];
  /** Consumer groups' lag per partition as the agent judged it (the Streaming agent): for the report. */
  lag?: GroupLagView[];
}

export interface Agent {
  name: Specialist;
  investigate(context: AgentContext): Promise<AgentOutcome>;
}

/** The custom callback event each tool call dispatches as it starts and finishes (graph/events.ts listens). */
export const TOOL_EVENT = "kafka_ops_tool";
export type ToolEvent =
  | { type: "tool"; phase: "start"; agent: AgentName; tool: ToolName }
  | { type: "tool"; phase: "finish"; agent: AgentName; tool: ToolName; ms: number; outcome: NonNullable<ToolCall["outcome"]> };

/**
 * A tool caller bound to ports that appends every call to `log` and the fault of every read
 * that did not answer to `faults` (once per distinct fault). A tool that throws is a bug in a
 * port or tool; it is recorded as an unavailable result so one bad read never sinks the run.
 */
export function recordingCaller(ports: Ports, agent: AgentName, log: ToolCall[], faults: Fault[]): CallTool {
  return async (name, input) => {
    // Outside a graph run (a test calling an agent directly) there is no one to tell: a no-op.
    await dispatchCustomEvent(TOOL_EVENT, { type: "tool", phase: "start", agent, tool: name } satisfies ToolEvent);
    const started = performance.now();
    let result: ToolResult<unknown>;
    try {
      result = await (TOOLS[name].run as (p: Ports, i: unknown) => Promise<ToolResult<unknown>>)(ports, input);
    } catch (error) {
      result = { kind: "unavailable", what: name, reason: `tool failed: ${(error as Error).message}` };
    }
    const ms = Math.round((performance.now() - started) * 100) / 100;
    if (result.kind === "ok") log.push({ agent, tool: name, ms, ok: true, outcome: "ok" });
    else {
      const fault = faultOf(name, result);
      const note = describeFault(fault);
      log.push({ agent, tool: name, ms, ok: false, outcome: result.kind, note });
      if (!faults.some((f) => f.tool === fault.tool && describeFault(f) === note)) faults.push(fault);
    }
    await dispatchCustomEvent(TOOL_EVENT, { type: "tool", phase: "finish", agent, tool: name, ms, outcome: result.kind } satisfies ToolEvent);
    return result as ToolResult<ToolValue<typeof name>>;
  };
}

/** The value of an ok result, or undefined: for reads whose absence a rule tolerates. */
export function valueOf<T>(result: ToolResult<T>): T | undefined {
  return result.kind === "ok" ? result.value : undefined;
}
