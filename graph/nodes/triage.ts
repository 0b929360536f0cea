/**
 * Triage: which specialists to send the incident to, from the alert and a quick scan of what
 * evidence exists. A specialist with nothing to read is not started; one the alert points at
 * always is. With a model, an LLM triage of the alert or question may add specialists and
 * order them by relevance (the order in which they get the budget's tool-loop calls).
 */
import { llmTriage } from "../../agents/llm/triage.ts";
import { SPECIALISTS, type AlertKind, type Specialist } from "../../contract/vocabulary.ts";
import type { LlmSession } from "../../llm/session.ts";
import type { Ports } from "../../ports/ports.ts";
import type { State, Update } from "../state.ts";

const ALERT_AGENTS: Record<AlertKind, Specialist[]> = {
  consumer_lag: ["streaming"],
  rebalance: ["streaming"],
  dlq: ["streaming", "schema"],
  schema: ["schema"],
  replication: ["streaming"],
  broker: ["streaming"],
  throughput: ["streaming", "quality"],
  quality: ["quality"],
  other: [],
};

type Plan = { agent: Specialist; reason: string }[];

/** Calls kept back for the Incident Debugging synthesis when the specialists share the budget. */
const SYNTHESIS_RESERVE = 1;

export function triage(ports: Ports, llm?: LlmSession) {
  return async (state: State): Promise<Update> => {
    const plan = await rulesPlan(ports, state);
    if (!llm) return { plan };
    if (state.requestedAgents.length || (!state.alert && !state.question)) {
      llm.allot(plan.map((p) => p.agent), SYNTHESIS_RESERVE);
      return { plan };
    }
    const chosen = await llmTriage(llm, state.alert, state.question);
    const order = [...new Set([...(chosen?.agents ?? []), ...plan.map((p) => p.agent)])];
    const merged: Plan = order.map((agent) => plan.find((p) => p.agent === agent) ?? { agent, reason: `the model's triage: ${chosen?.reason || "relevant to the alert"}` });
    llm.allot(order, SYNTHESIS_RESERVE);
    // Graph order stays the vocabulary's, so reports list agents the same way with and without a model.
    return { plan: SPECIALISTS.flatMap((a) => merged.filter((p) => p.agent === a)) };
  };
}

async function rulesPlan(ports: Ports, state: State): Promise<Plan> {
  if (state.requestedAgents.length) {
    return state.requestedAgents.map((agent) => ({ agent, reason: "requested by the caller" }));
  }
  const [topics, subjects] = await Promise.all([ports.metadata.topics(), ports.registry.subjects()]);
  const wanted = new Set(state.alert ? ALERT_AGENTS[state.alert.kind] : []);
  const reasons: Record<Specialist, string | null> = {
    streaming: wanted.has("streaming") ? `the alert is about ${state.alert!.kind}` : topics.kind === "ok" ? "cluster metadata to check" : null,
    schema: wanted.has("schema") ? `the alert is about ${state.alert!.kind}` : subjects.kind !== "notRecorded" ? "schema registry subjects to check" : null,
    quality: wanted.has("quality") ? `the alert is about ${state.alert!.kind}` : topics.kind === "ok" ? "topic write rates and samples to check" : null,
  };
  return SPECIALISTS.flatMap((agent) => (reasons[agent] ? [{ agent, reason: reasons[agent] }] : []));
}
