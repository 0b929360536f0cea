/**
 * The investigation's state: declared once, every node's input and update types derive from it.
 * Fields that parallel specialist branches write to have explicit reducers.
 */
import { ReducedValue, StateSchema } from "@langchain/langgraph";
import { z } from "zod";
import type { Alert } from "../contract/incident.ts";
import type { Action, Diagnosis, Escalation, ToolCall, GroupLagView } from "../contract/report.ts";
import type { Decision, DiagnosisCode, Specialist } from "../contract/vocabulary.ts";
import type { Conclusion } from "../agents/incident-debugging/incident-debugging-agent.ts";
import type { ActionSuggestion } from "../agents/llm/schemas.ts";
import { mergeFindings } from "../agents/llm/merge-findings.ts";
import type { Fault } from "../ports/faults.ts";
import type { Classification, RemediationMode } from "../remediation/runner.ts";
import type { GateAnswer } from "./nodes/approval.ts";

/**
 * A field the graph carries as is, typed by T and checked by the code that writes it. Not
 * z.custom: it has no JSON Schema (zod 4 throws), so LangGraph's StateSchema dropped the key from
 * the schema LangGraph Studio shows; z.unknown() shows the key and takes any value, as z.custom did.
 */
const opaque = <T>() => z.unknown() as unknown as z.ZodType<T>;

const concat = <T>() =>
  new ReducedValue(opaque<T[]>().default(() => []), { reducer: (current: T[], next: T[]) => current.concat(next) });

export const InvestigationState = new StateSchema({
  /** Id of the incident under investigation (the report's incidentId). */
  incidentId: z.string(),
  /** What started the investigation, when anything did. */
  alert: opaque<Alert | undefined>(),
  /** A free-text question or alert text the investigation is about (LLM triage reads it). */
  question: opaque<string | undefined>(),
  /** Specialists the caller insists on (`--agents`); empty lets triage choose. */
  requestedAgents: opaque<Specialist[]>().default(() => []),
  /** Specialists triage sent work to, with why. */
  plan: opaque<{ agent: Specialist; reason: string }[]>().default(() => []),
  /** Findings from every agent; parallel branches append, a model's restatement of a rules' finding merged away. */
  diagnoses: new ReducedValue(opaque<Diagnosis[]>().default(() => []), { reducer: mergeFindings }),
  /** Every tool call with its timing and outcome; parallel branches append. */
  toolCalls: concat<ToolCall>(),
  /** Reads that had no data or failed, as values: what the report must say was not seen. */
  faults: concat<Fault>(),
  /** Consumer groups' lag per partition, as the Streaming agent judged it (for the report). */
  lag: concat<GroupLagView>(),
  /** Actions the guards dropped, with why (listed with the missing evidence). */
  dropped: concat<string>(),
  /** Wall time per node in ms; parallel branches add their own keys. */
  nodeTimings: new ReducedValue(opaque<Record<string, number>>().default(() => ({})), {
    reducer: (current: Record<string, number>, next: Record<string, number>) => ({ ...current, ...next }),
  }),
  /** The Incident Debugging agent's conclusion: primary cause, what it explains, blast radius, timeline. */
  correlation: opaque<Conclusion | undefined>(),
  decision: opaque<Decision | undefined>(),
  primary: opaque<DiagnosisCode | undefined>(),
  actions: opaque<Action[]>().default(() => []),
  escalation: opaque<Escalation | null>().default(() => null),
  /** Actions a model suggested in the synthesis: the decide node admits them only through the guards. */
  modelActions: opaque<ActionSuggestion[]>().default(() => []),
  /** What may happen to the actions: propose (nothing runs), dry-run, approve (the gate holds them), auto (the policy decides). */
  mode: opaque<RemediationMode>().default((): RemediationMode => "propose"),
  /** Per action (1-based), what the policy and the guards allow, with why (set by prepare). */
  classification: opaque<Classification[]>().default(() => []),
  /** The answer given at the approval gate, once given. */
  gate: opaque<GateAnswer | undefined>(),
  /** 1-based indexes already handed to the runner: none is applied twice, whatever the routing. */
  attempted: opaque<number[]>().default(() => []),
});

export type State = typeof InvestigationState.State;
export type Update = typeof InvestigationState.Update;
