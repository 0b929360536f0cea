/**
 * A specialist with a model: the rules run first (unchanged), then a bounded tool-calling
 * loop over the same typed tools looks for evidence the rules did not look for. Validated
 * model findings are added (origin "model"); the rules' findings are never changed.
 */
import { DiagnosisCode } from "../../contract/vocabulary.ts";
import type { LlmSession } from "../../llm/session.ts";
import { SPECIALIST_ANSWER_REQUEST, specialistPrompt } from "../../prompts/specialist-loop.ts";
import type { Agent } from "../agent.ts";
import { rememberModelFindings } from "./merge-findings.ts";
import { FindingsAnswer } from "./schemas.ts";
import { toolLoop } from "./tool-loop.ts";
import { COVERS, modelTools, observing, SPECIALIST_TOOLS } from "./tools.ts";
import { validateFindings } from "./validate.ts";

export function llmSpecialist(base: Agent, session: LlmSession): Agent {
  return {
    name: base.name,
    async investigate(context) {
      const outcome = await base.investigate({ ...context, call: observing(context.call, session) });
      const turns = session.allowance(base.name);
      if (turns < 1) return outcome;
      const label = `${base.name} tool loop`;
      const { value } = await toolLoop({
        session,
        label,
        system: specialistPrompt.system,
        user: specialistPrompt.render({
          agent: base.name,
          covers: COVERS[base.name],
          alert: context.alert && { kind: context.alert.kind, summary: context.alert.summary },
          codes: DiagnosisCode.options,
          ruleFindings: outcome.findings.map((f) => ({ code: f.code, confidence: f.confidence, summary: f.summary, entities: f.entities })),
        }),
        tools: modelTools(SPECIALIST_TOOLS[base.name]),
        call: observing(context.modelCall ?? context.call, session),
        turns,
        answer: FindingsAnswer,
        answerName: "findings",
        readFirst: true,
        answerRequest: SPECIALIST_ANSWER_REQUEST,
      });
      if (!value) return outcome;
      const checked = validateFindings(value.findings, { agent: base.name, existing: outcome.findings, evidence: session.evidence, requireEvidence: true, label });
      checked.notes.forEach((n) => session.note(n));
      if (checked.confirmed) session.note(`${label}: the model restated ${checked.confirmed} of the rules' finding(s)`);
      rememberModelFindings(session, checked.accepted);
      if (checked.accepted.length) session.note(`${label}: added ${checked.accepted.length} model finding(s): ${checked.accepted.map((f) => f.code).join(", ")}`);
      return { findings: [...outcome.findings, ...checked.accepted], missing: outcome.missing };
    },
  };
}
