/**
 * Triage: which specialists to send the incident to, from the alert and a quick scan of what
 * evidence exists. A specialist with nothing to read is not started; one the alert points at
 * always is.
 */
import { SPECIALISTS, type AlertKind, type Specialist } from "../../contract/vocabulary.ts";
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

export function triage(ports: Ports) {
  return async (state: State): Promise<Update> => {
    if (state.requestedAgents.length) {
      return { plan: state.requestedAgents.map((agent) => ({ agent, reason: "requested by the caller" })) };
    }
    const [topics, subjects] = await Promise.all([ports.metadata.topics(), ports.registry.subjects()]);
    const wanted = new Set(state.alert ? ALERT_AGENTS[state.alert.kind] : []);
    const reasons: Record<Specialist, string | null> = {
      streaming: wanted.has("streaming") ? `the alert is about ${state.alert!.kind}` : topics.kind === "ok" ? "cluster metadata to check" : null,
      schema: wanted.has("schema") ? `the alert is about ${state.alert!.kind}` : subjects.kind !== "notRecorded" ? "schema registry subjects to check" : null,
      quality: wanted.has("quality") ? `the alert is about ${state.alert!.kind}` : topics.kind === "ok" ? "topic write rates and samples to check" : null,
    };
    return { plan: SPECIALISTS.flatMap((agent) => (reasons[agent] ? [{ agent, reason: reasons[agent] }] : [])) };
  };
}
