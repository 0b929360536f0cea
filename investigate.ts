/**
 * The library's front door: an incident in, a `kafka-investigation/v1` report out.
 */
import { randomBytes } from "node:crypto";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import type { Alert, Incident } from "./contract/incident.ts";
import { parseIncident } from "./contract/parse.ts";
import type { Report, ThresholdInForce } from "./contract/report.ts";
import type { Specialist } from "./contract/vocabulary.ts";
import { createIncidentGraph, type GraphDeps } from "./graph/graph.ts";
import type { State } from "./graph/state.ts";
import type { InvestigationEvent } from "./graph/events.ts";
import type { RemediationDeps, RemediationMode } from "./graph/remediation.ts";
import type { GateAnswer, GateRequest } from "./graph/nodes/approval.ts";
import { KafkaOpsError } from "./errors.ts";
import type { LlmSession, LlmSessionOptions } from "./llm/session.ts";
import { redactor, type Secret } from "./config/secret.ts";
import { missingEvidence } from "./ports/faults.ts";
import type { Ports } from "./ports/ports.ts";
import { replayPorts } from "./ports/replay/replay-ports.ts";

export interface InvestigateOptions {
  /** Read from these ports instead of replaying the incident (live mode, tests). */
  ports?: Ports;
  /** Run only these specialists instead of letting triage choose. */
  agents?: Specialist[];
  policy?: GraphDeps["policy"];
  agentOverrides?: GraphDeps["agents"];
  /**
   * Let a model take part (LLM triage, tool loops, synthesis) under the settings' budget. Absent:
   * the deterministic rules alone, exactly as without an LLM. Each investigation gets its own
   * session (budget, usage), reported in the report's `llm` field.
   */
  llm?: LlmSessionOptions;
  /** A free-text question or alert text the investigation is about (read by the LLM triage). */
  question?: string;
  /** Thresholds with per-topic and per-group overrides; absent: the documented defaults. */
  thresholds?: GraphDeps["thresholds"];
  /**
   * Secrets the report must not contain, in any form (see config/secret.ts): a server can echo
   * them into what the tools or the model return. The model's API key is always among them.
   * The CLI passes every secret of the settings it loaded (`secretsOf(settings)`).
   */
  secrets?: readonly Secret[];
  /**
   * What may happen to the proposed actions. Absent or mode "propose": nothing runs, as before.
   * "dry-run": every action's exact effect, read through the write ports (never writes).
   * "approve": dry runs, then the approval gate holds every action; the report names the
   * investigation id `resumeInvestigation` continues. "auto": what the policy allows runs, the gate
   * holds the rest. Approve and auto need a checkpointer (the state the gate stops with).
   */
  remediation?: RemediationOptions;
  /**
   * Told as the investigation runs: each graph node and each tool call starting and finishing
   * (graph/events.ts), in order, all before the report is returned. Absent: nothing is told.
   */
  onEvent?: (event: InvestigationEvent) => void;
  /**
   * Keep the run's state in this checkpointer under `threadId` after every graph step, and
   * carry on from there when the thread already holds an unfinished run of it: another process
   * (a worker that took over an alert from one that died) resumes where the last one stopped,
   * and a finished run is reported again without investigating twice. For propose and dry-run;
   * the gated modes keep their own thread (`remediation.investigationId`).
   */
  durable?: { checkpointer: BaseCheckpointSaver; threadId: string };
}

export interface RemediationOptions {
  mode: RemediationMode;
  deps: RemediationDeps;
  checkpointer?: BaseCheckpointSaver;
  /** The checkpoint thread's id; default a fresh `inv-<time>-<random>`. */
  investigationId?: string;
}

/**
 * Investigates a recorded incident (validated here if it is not already) and returns the report.
 * Faults in reads degrade to an escalation inside the report; only bad input throws.
 */
export async function investigate(incident: Incident | unknown, options: InvestigateOptions = {}): Promise<Report> {
  const parsed = parseIncident(incident);
  return run({ incidentId: parsed.id, alert: parsed.alert, ports: options.ports ?? replayPorts(parsed), options });
}

export interface LiveInvestigateOptions extends Omit<InvestigateOptions, "ports"> {
  /** What the investigation is about (a group, a topic...): steers triage and ranking. */
  alert?: Alert;
  incidentId?: string;
}

/**
 * Investigates a live cluster through the given ports (see ports/live): same graph, same
 * tools, same report. The caller owns the ports' connections.
 */
export async function investigatePorts(ports: Ports, options: LiveInvestigateOptions = {}): Promise<Report> {
  return run({ incidentId: options.incidentId ?? `live-${new Date().toISOString().replace(/[:.]/g, "-").toLowerCase()}`, alert: options.alert, ports, options });
}

async function run(args: { incidentId: string; alert: Alert | undefined; ports: Ports; options: InvestigateOptions }): Promise<Report> {
  const started = performance.now();
  const { options } = args;
  // Loaded only when a model takes part: the deterministic path does not load the OpenAI client.
  const llm = options.llm ? new (await import("./llm/session.ts")).LlmSession(options.llm) : undefined;
  const remediation = options.remediation;
  const mode = remediation?.mode ?? "propose";
  const gated = mode === "approve" || mode === "auto";
  if (gated && !remediation?.checkpointer) throw new KafkaOpsError("BAD_INPUT", `mode ${mode} needs a checkpointer: the approval gate keeps the investigation's state there`);
  const investigationId = gated ? (remediation?.investigationId ?? newInvestigationId()) : undefined;
  if (gated && options.durable) throw new KafkaOpsError("BAD_INPUT", `mode ${mode} keeps its state at the approval gate: durable is for propose and dry-run`);
  const threadId = investigationId ?? options.durable?.threadId;
  const checkpointer = gated ? remediation!.checkpointer! : options.durable?.checkpointer;
  const graph = createIncidentGraph({
    ports: args.ports,
    ...(options.policy && { policy: options.policy }),
    ...(options.agentOverrides && { agents: options.agentOverrides }),
    ...(llm && { llm }),
    ...(options.thresholds && { thresholds: options.thresholds }),
    ...(remediation && { remediation: { ...remediation.deps, ...(investigationId && { investigationId }) } }),
    ...(checkpointer && { checkpointer }),
  });
  const config = {
    ...(threadId && { configurable: { thread_id: threadId } }),
    ...(options.onEvent && { callbacks: [new (await import("./graph/events.ts")).InvestigationEventHandler(options.onEvent)] }),
  };
  const input = { incidentId: args.incidentId, alert: args.alert, question: options.question, requestedAgents: options.agents ?? [], mode };
  const state = options.durable ? await durableRun(graph, input, config) : ((await graph.invoke(input, config)) as State);
  const awaiting = investigationId ? await gateRequest(graph, investigationId) : undefined;
  const report = toReport(state, args.incidentId, performance.now() - started, llm, options.thresholds?.inForce() ?? []);
  if (remediation) report.remediation = remediationField(mode, remediation, investigationId, awaiting?.awaiting);
  return scrub(report, options);
}

/**
 * A durable run: fresh when the thread holds nothing, continued from its last checkpoint (the
 * steps that finished are not run again) when an earlier run of it stopped part-way, and the
 * finished state as it is when it ran to the end before.
 */
async function durableRun(graph: ReturnType<typeof createIncidentGraph>, input: Record<string, unknown>, config: { configurable?: { thread_id: string } }): Promise<State> {
  const before = await graph.getState(config);
  if (!before.createdAt) return (await graph.invoke(input, config)) as State;
  if (before.next.length === 0) return before.values as State;
  return (await graph.invoke(null, config)) as State;
}

/** Reads the gate's question of a checkpointed investigation; undefined when it is not waiting at the gate. */
async function gateRequest(graph: ReturnType<typeof createIncidentGraph>, investigationId: string): Promise<GateRequest | undefined> {
  const snapshot = await graph.getState({ configurable: { thread_id: investigationId } });
  for (const task of snapshot.tasks) for (const i of task.interrupts) return i.value as GateRequest;
  return undefined;
}

function remediationField(mode: RemediationMode, r: RemediationOptions, investigationId: string | undefined, awaiting: number[] | undefined): NonNullable<Report["remediation"]> {
  const policy = r.deps.runner.policy as { source?: string } | undefined;
  const target = targetOf(r.deps);
  return {
    mode,
    ...(target && { target }),
    ...(investigationId && { investigationId }),
    ...(awaiting?.length && { awaitingApproval: awaiting }),
    ...(policy?.source && policy.source !== "default" && { policy: policy.source }),
  };
}

/** Where the actions act, as the write ports say ("live cluster ...", "simulation on ..."). */
function targetOf(deps: RemediationDeps): string | undefined {
  const write = deps.runner.ctx.write as { describe?: () => string } | undefined;
  return write?.describe?.();
}

export function newInvestigationId(now = new Date()): string {
  return `inv-${now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "z").toLowerCase()}-${randomBytes(3).toString("hex")}`;
}

export interface ResumeOptions {
  checkpointer: BaseCheckpointSaver;
  deps: RemediationDeps;
  /** Read ports for the rebuilt graph: the nodes before the gate never run again, so none is read. */
  ports: Ports;
  secrets?: readonly Secret[];
}

/** Why a resume cannot go ahead: the id is unknown, or the investigation is not waiting at the gate. */
export class NotAtGateError extends KafkaOpsError {
  constructor(investigationId: string, why: string) {
    super("NOT_FOUND", `investigation ${investigationId}: ${why}`);
  }
}

/** The gate's question for a checkpointed investigation (what `approvals show` prints). */
export async function pendingGate(investigationId: string, options: ResumeOptions): Promise<{ state: State; request: GateRequest | undefined }> {
  const graph = createIncidentGraph({ ports: options.ports, remediation: options.deps, checkpointer: options.checkpointer });
  const snapshot = await graph.getState({ configurable: { thread_id: investigationId } });
  if (!snapshot.createdAt) throw new NotAtGateError(investigationId, "no such investigation in the state store");
  return { state: snapshot.values as State, request: await gateRequest(graph, investigationId) };
}

/**
 * Continues an investigation stopped at the approval gate, from any process: rebuilds the graph
 * (the caller rebuilt the write ports from the stored target), resumes it with the answer, and
 * returns the report with what ran. Callers claim the id first (state/investigations.ts): the
 * checkpoint alone cannot stop two processes resuming the same gate at once.
 */
export async function resumeInvestigation(investigationId: string, answer: GateAnswer, options: ResumeOptions): Promise<Report> {
  const started = performance.now();
  const { Command } = await import("@langchain/langgraph");
  const graph = createIncidentGraph({ ports: options.ports, remediation: { ...options.deps, investigationId }, checkpointer: options.checkpointer });
  const config = { configurable: { thread_id: investigationId } };
  const before = await graph.getState(config);
  if (!before.createdAt) throw new NotAtGateError(investigationId, "no such investigation in the state store");
  if (!(await gateRequest(graph, investigationId))) throw new NotAtGateError(investigationId, "not waiting at the approval gate (already decided, or it never stopped there)");
  const state = (await graph.invoke(new Command({ resume: answer }), config)) as State;
  const report = toReport(state, state.incidentId, performance.now() - started, undefined, []);
  const awaiting = await gateRequest(graph, investigationId);
  const target = targetOf(options.deps);
  report.remediation = {
    mode: state.mode,
    investigationId,
    ...(target && { target }),
    ...(awaiting?.awaiting.length && { awaitingApproval: awaiting.awaiting }),
  };
  return scrub(report, options);
}

function scrub(report: Report, options: { secrets?: readonly Secret[] | undefined; llm?: InvestigateOptions["llm"] }): Report {
  // The one way out of an investigation: every string of the report (reasons, evidence, notes,
  // missing evidence, the narrative) is scrubbed of the secrets here, whatever echoed them.
  const apiKey = options.llm?.settings.apiKey;
  return redactor([...(options.secrets ?? []), ...(apiKey ? [apiKey] : [])]).deep(report);
}

function toReport(state: State, incidentId: string, totalMs: number, llm?: LlmSession, tuned: readonly ThresholdInForce[] = []): Report {
  const c = state.correlation;
  // The primary finding first, then by confidence: the order a reader wants. Sorted by index,
  // since a finding that explains others is copied (with `explains`) below.
  const primary = c?.primary ?? -1;
  const order = state.diagnoses.map((_, i) => i).sort((a, b) => (a === primary ? -1 : b === primary ? 1 : state.diagnoses[b]!.confidence - state.diagnoses[a]!.confidence));
  const diagnoses = order.map((i) => {
    const d = state.diagnoses[i]!;
    return c?.explained[i]?.length ? { ...d, explains: [...new Set(c.explained[i])] } : d;
  });
  const missing = missingEvidence(state.faults);
  const escalation = state.escalation && {
    ...state.escalation,
    context: [...(c ? [c.rootCause] : []), ...missing.map((m) => `not seen: ${m}`)],
  };
  return {
    format: "kafka-investigation/v1",
    incidentId,
    decision: state.decision ?? "escalate",
    primary: state.primary ?? "unknown",
    diagnoses,
    actions: state.actions,
    escalation,
    agents: [...state.plan.map((p) => p.agent), "incident-debugging"],
    toolCalls: state.toolCalls,
    timings: { totalMs: round(totalMs), nodes: state.nodeTimings },
    ...(c && { rootCause: c.rootCause, blastRadius: c.blastRadius, timeline: c.timeline }),
    missingEvidence: [...missing, ...state.dropped],
    ...(llm && { llm: llm.toReport() }),
    ...(tuned.length && { thresholds: [...tuned] }),
    ...(state.lag.length && { lag: [...state.lag].sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0)) }),
  };
}

const round = (ms: number) => Math.round(ms * 100) / 100;
