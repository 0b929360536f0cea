/**
 * The investigation graph: wiring only.
 *
 *   START -> triage -(Send, in parallel)-> streaming | schema | quality -> incident_debugging -> decide
 *   decide -> END                                   (mode propose, or nothing to do)
 *          -> prepare -> END                        (dry-run: every action's effect, read now)
 *          -> prepare -> approval -> execute -> END (approve: the gate holds every action)
 *          -> prepare -> execute [-> approval -> execute] -> END   (auto: the policy's auto ones
 *             run at once, the gate holds the rest)
 *
 * Specialists run concurrently; their findings and tool-call records merge through the
 * state's reducers before the Incident Debugging agent correlates them. The approval node is
 * the graph's one interrupt(); it needs a checkpointer (the state it stops with is what a
 * resume, from any process, continues).
 */
import { END, Send, START, StateGraph } from "@langchain/langgraph";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { qualityAgent } from "../agents/quality/quality-agent.ts";
import { schemaAgent } from "../agents/schema/schema-agent.ts";
import { streamingAgent } from "../agents/streaming/streaming-agent.ts";
import type { Agent } from "../agents/agent.ts";
import { llmSpecialist } from "../agents/llm/llm-specialist.ts";
import type { LlmSession } from "../llm/session.ts";
import type { Specialist } from "../contract/vocabulary.ts";
import type { Ports } from "../ports/ports.ts";
import type { ApprovalPolicy } from "../remediation/policy.ts";
import { defaultThresholds, type Thresholds } from "../config/thresholds/index.ts";
import { correlateNode } from "./nodes/correlate.ts";
import { decideNode } from "./nodes/decide.ts";
import { specialistNode } from "./nodes/specialist.ts";
import { timed } from "./nodes/timed.ts";
import { approvalNode } from "./nodes/approval.ts";
import { executeNode } from "./nodes/execute.ts";
import { prepareNode } from "./nodes/prepare.ts";
import { awaitingHuman, type RemediationDeps } from "./remediation.ts";
import { triage } from "./nodes/triage.ts";
import { InvestigationState, type State } from "./state.ts";

export interface GraphDeps {
  ports: Ports;
  policy?: ApprovalPolicy;
  /** Replace a specialist (tests, an LLM-assisted variant). */
  agents?: Partial<Record<Specialist, Agent>>;
  /** A model session: LLM triage, tool loops in the specialists, the synthesis. Absent: rules only. */
  llm?: LlmSession;
  /** Thresholds with their overrides; absent: the documented defaults. */
  thresholds?: Thresholds;
  /** The runner and its dependencies; absent: nothing past decide runs, whatever the state's mode. */
  remediation?: RemediationDeps;
  /** Where the state is checkpointed (needed by the approval gate). */
  checkpointer?: BaseCheckpointSaver;
}

export const NODE = {
  triage: "triage",
  streaming: "streaming",
  schema: "schema",
  quality: "quality",
  incidentDebugging: "incident_debugging",
  decide: "decide",
  prepare: "prepare",
  approval: "approval",
  execute: "execute",
} as const;

export function createIncidentGraph(deps: GraphDeps) {
  const base: Record<Specialist, Agent> = { streaming: streamingAgent, schema: schemaAgent, quality: qualityAgent, ...deps.agents };
  const llm = deps.llm;
  const thresholds = deps.thresholds ?? defaultThresholds;
  const agents: Record<Specialist, Agent> = llm
    ? { streaming: llmSpecialist(base.streaming, llm), schema: llmSpecialist(base.schema, llm), quality: llmSpecialist(base.quality, llm) }
    : base;
  const remediation = deps.remediation;
  const afterDecide = (state: State) => (deps.remediation && state.mode !== "propose" && state.actions.length ? NODE.prepare : END);
  const afterPrepare = (state: State) => (state.mode === "dry-run" ? END : state.mode === "auto" ? NODE.execute : NODE.approval);
  // Auto mode: once what the policy allows has run, the gate holds the rest (asked once).
  const afterExecute = (state: State) => (state.mode === "auto" && state.gate === undefined && awaitingHuman(state).length ? NODE.approval : END);
  const fanOut = (state: State) =>
    state.plan.length ? state.plan.map((p) => new Send(p.agent, state)) : [new Send(NODE.incidentDebugging, state)];

  return new StateGraph(InvestigationState)
    .addNode(NODE.triage, timed(NODE.triage, triage(deps.ports, llm)))
    .addNode(NODE.streaming, timed(NODE.streaming, specialistNode(agents.streaming, deps.ports, thresholds)))
    .addNode(NODE.schema, timed(NODE.schema, specialistNode(agents.schema, deps.ports, thresholds)))
    .addNode(NODE.quality, timed(NODE.quality, specialistNode(agents.quality, deps.ports, thresholds)))
    .addNode(NODE.incidentDebugging, timed(NODE.incidentDebugging, correlateNode(deps.ports, llm)))
    .addNode(NODE.decide, timed(NODE.decide, decideNode(deps.ports, deps.policy, llm)))
    .addEdge(START, NODE.triage)
    .addConditionalEdges(NODE.triage, fanOut, [NODE.streaming, NODE.schema, NODE.quality, NODE.incidentDebugging])
    // Separate edges, not one waiting edge: only the specialists triage chose run, and the
    // branches sent in one step all finish before incident_debugging's step begins.
    .addEdge(NODE.streaming, NODE.incidentDebugging)
    .addEdge(NODE.schema, NODE.incidentDebugging)
    .addEdge(NODE.quality, NODE.incidentDebugging)
    .addEdge(NODE.incidentDebugging, NODE.decide)
    .addNode(NODE.prepare, timed(NODE.prepare, prepareNode(remediation)))
    .addNode(NODE.approval, approvalNode())
    .addNode(NODE.execute, timed(NODE.execute, executeNode(remediation)))
    .addConditionalEdges(NODE.decide, afterDecide, [NODE.prepare, END])
    .addConditionalEdges(NODE.prepare, afterPrepare, [NODE.approval, NODE.execute, END])
    .addEdge(NODE.approval, NODE.execute)
    .addConditionalEdges(NODE.execute, afterExecute, [NODE.approval, END])
    .compile(deps.checkpointer ? { checkpointer: deps.checkpointer } : {});
}
