/** The Incident Debugging agent's node: one root cause, blast radius and timeline (and, with a model, its synthesis). */
import { recordingCaller } from "../../agents/agent.ts";
import { debugIncident, type Conclusion } from "../../agents/incident-debugging/incident-debugging-agent.ts";
import { synthesize } from "../../agents/llm/synthesis.ts";
import { observing } from "../../agents/llm/tools.ts";
import type { Diagnosis, ToolCall } from "../../contract/report.ts";
import type { LlmSession } from "../../llm/session.ts";
import type { Ports } from "../../ports/ports.ts";
import type { State, Update } from "../state.ts";

export function correlateNode(ports: Ports, llm?: LlmSession) {
  return async (state: State): Promise<Update> => {
    const toolCalls: ToolCall[] = [];
    const missing: string[] = [];
    const recording = recordingCaller(ports, "incident-debugging", toolCalls, missing);
    const call = llm ? observing(recording, llm) : recording;
    const correlation = await debugIncident(call, state.diagnoses, state.alert);
    if (!llm) return { correlation, toolCalls, missing };
    return { ...(await withSynthesis(llm, state, correlation)), toolCalls, missing };
  };
}

async function withSynthesis(llm: LlmSession, state: State, correlation: Conclusion): Promise<Update> {
  const synthesis = await synthesize(llm, { incidentId: state.incidentId, alert: state.alert, findings: state.diagnoses, conclusion: correlation });
  if (!synthesis) {
    llm.note("synthesis: no valid model answer; the report's narrative is the rules' root cause");
    return { correlation };
  }
  llm.narrative = synthesis.narrative;
  const added: Diagnosis[] = synthesis.hypotheses;
  let conclusion: Conclusion = {
    ...correlation,
    timeline: [...correlation.timeline, ...synthesis.timeline].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
  };
  if (added.length) llm.note(`synthesis: added ${added.length} hypothesis finding(s): ${added.map((f) => f.code).join(", ")}`);
  // Nothing found by anyone else: the best validated hypothesis becomes the primary (decide escalates it).
  if (conclusion.primary === null && added.length) {
    const best = added.reduce((b, f, i) => (f.confidence > added[b]!.confidence ? i : b), 0);
    const f = added[best]!;
    const pick = (k: string) => (f.entities[k] === undefined ? [] : [String(f.entities[k])]);
    conclusion = {
      ...conclusion,
      primary: state.diagnoses.length + best,
      rootCause: `A model's hypothesis, not confirmed by the rules: ${f.summary}`,
      blastRadius: { groups: pick("group"), topics: [...pick("topic"), ...pick("dlqTopic")], subjects: pick("subject"), brokers: f.entities.broker === undefined ? [] : [Number(f.entities.broker)] },
    };
  }
  return { correlation: conclusion, diagnoses: added, modelActions: synthesis.suggestedActions };
}
