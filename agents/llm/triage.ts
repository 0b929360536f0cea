/**
 * LLM triage: which specialists a free-text question or an alert calls for, most relevant
 * first. It can only add to the rules' triage and set the order in which specialists get
 * the budget's tool-loop calls; it never removes a specialist the rules chose.
 */
import type { Alert } from "../../contract/incident.ts";
import { SPECIALISTS, type Specialist } from "../../contract/vocabulary.ts";
import type { LlmSession } from "../../llm/session.ts";
import { triagePrompt } from "../../prompts/triage.ts";
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { TriageAnswer } from "./schemas.ts";
import { COVERS } from "./tools.ts";

export async function llmTriage(session: LlmSession, alert: Alert | undefined, question: string | undefined): Promise<{ agents: Specialist[]; reason: string } | null> {
  const user = triagePrompt.render({
    alert: alert && { kind: alert.kind, summary: alert.summary, labels: alert.labels },
    question,
    specialists: SPECIALISTS.map((name) => ({ name, covers: COVERS[name] })),
  });
  const answer = await session.structured("triage", [new SystemMessage(triagePrompt.system), new HumanMessage(user)], TriageAnswer, "triage");
  if (!answer) return null;
  return { agents: [...new Set(answer.agents)], reason: answer.reason.replace(/[\u0000-\u001f]+/g, " ").slice(0, 200) };
}
