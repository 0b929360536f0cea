/**
 * What an investigation reports while it runs (`investigate(..., { onEvent })`): each graph node
 * (triage, the specialists, incident_debugging, decide, the remediation nodes) starting and
 * finishing, and each tool call starting and finishing.
 *
 * Built on LangChain's callbacks, the graph's own way of telling what runs: node starts and ends
 * are its chain callbacks; tool calls are custom events the one tool caller dispatches
 * (agents/agent.ts). Nothing is threaded through the nodes, and with no listener nothing is
 * dispatched to anyone.
 */
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import type { ChainValues } from "@langchain/core/utils/types";
import type { Serialized } from "@langchain/core/load/serializable";
import { TOOL_EVENT, type ToolEvent } from "../agents/agent.ts";

export type { ToolEvent };

export type AgentEvent =
  | { type: "agent"; phase: "start"; node: string }
  /** outcome "interrupted": the approval node stopped the graph at the gate (its state is checkpointed). */
  | { type: "agent"; phase: "finish"; node: string; ms: number; outcome: "ok" | "failed" | "interrupted" };

export type InvestigationEvent = AgentEvent | ToolEvent;

/** A callback handler that turns the graph's node runs and the tool caller's events into InvestigationEvents. */
export class InvestigationEventHandler extends BaseCallbackHandler {
  name = "kafka-ops-investigation-events";
  // In order, before invoke() returns: a listener sees every node finish before the report.
  override awaitHandlers = true;
  readonly #onEvent: (event: InvestigationEvent) => void;
  readonly #nodes = new Map<string, { node: string; started: number }>();

  constructor(onEvent: (event: InvestigationEvent) => void) {
    super();
    this.#onEvent = onEvent;
  }

  override handleChainStart(_chain: Serialized, _inputs: ChainValues, runId: string, _parent?: string, tags?: string[], metadata?: Record<string, unknown>, _runType?: string, runName?: string): void {
    // A node's own run carries its name as run name and langgraph_node; the routers and channel
    // writes inside it are other runs (RunnableLambda, hidden ones).
    if (runName === undefined || metadata?.langgraph_node !== runName || tags?.includes("langsmith:hidden")) return;
    this.#nodes.set(runId, { node: runName, started: performance.now() });
    this.#emit({ type: "agent", phase: "start", node: runName });
  }

  override handleChainEnd(_outputs: ChainValues, runId: string): void {
    this.#finish(runId, "ok");
  }

  override handleChainError(error: unknown, runId: string): void {
    this.#finish(runId, (error as { name?: string } | null)?.name === "GraphInterrupt" ? "interrupted" : "failed");
  }

  override handleCustomEvent(eventName: string, data: unknown): void {
    if (eventName === TOOL_EVENT) this.#emit(data as ToolEvent);
  }

  #finish(runId: string, outcome: "ok" | "failed" | "interrupted"): void {
    const run = this.#nodes.get(runId);
    if (!run) return;
    this.#nodes.delete(runId);
    this.#emit({ type: "agent", phase: "finish", node: run.node, ms: Math.round((performance.now() - run.started) * 100) / 100, outcome });
  }

  #emit(event: InvestigationEvent): void {
    // A listener's failure is the listener's: the investigation goes on.
    try {
      this.#onEvent(event);
    } catch {
      // ignored on purpose
    }
  }
}
