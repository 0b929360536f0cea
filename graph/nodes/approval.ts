/**
 * The approval gate: the graph's one `interrupt()`, in its own node after decide and prepare,
 * never inside the parallel branches. The graph stops here with its state checkpointed; whoever
 * resumes it (any process, hours later: `kafka-ops approvals approve|reject`, chat's /approve)
 * answers with `new Command({ resume: GateAnswer })`: who decided, when, which actions.
 *
 * A resumed node runs again from its start, so everything before `interrupt()` is pure: it only
 * works out what to ask.
 */
import { interrupt } from "@langchain/langgraph";
import { z } from "zod";
import type { Action } from "../../contract/report.ts";
import { awaitingHuman, classificationOf } from "../remediation.ts";
import type { State, Update } from "../state.ts";

/** The answer a resume carries. Indexes are 1-based, as in the report. */
export const GateAnswer = z.strictObject({
  by: z.string().trim().min(1, "who decides (--by) must not be empty"),
  at: z.iso.datetime({ offset: true }),
  approve: z.array(z.number().int().min(1)),
  reject: z.array(z.number().int().min(1)),
  reason: z.string().optional(),
  /** Why the actions in `reject` were rejected, when that is not `reason`: an approve of some rejects the rest as not selected. */
  rejectReason: z.string().optional(),
});
export type GateAnswer = z.infer<typeof GateAnswer>;

/** What the gate shows while it waits (the interrupt's value). */
export interface GateRequest {
  awaiting: number[];
  actions: { index: number; kind: Action["kind"]; risk: Action["risk"]; why: string[]; effect: string[]; warnings: string[] }[];
}

export function approvalNode() {
  return async (state: State): Promise<Update> => {
    const awaiting = awaitingHuman(state);
    if (!awaiting.length) return {};
    const request: GateRequest = {
      awaiting,
      actions: awaiting.map((index) => {
        const a = state.actions[index - 1]!;
        return { index, kind: a.kind, risk: a.risk, why: classificationOf(state, index)?.why ?? [], effect: a.dryRun?.effect ?? [], warnings: a.dryRun?.warnings ?? [] };
      }),
    };
    const answer = interrupt<GateRequest, GateAnswer>(request, { responseSchema: GateAnswer });
    return { actions: applyAnswer(state.actions, awaiting, answer), gate: answer };
  };
}

/**
 * Each awaited action the answer names gets its approval record and status; one it does not
 * name keeps its status (nothing runs without an explicit approve). An index the gate did not
 * hold (forbidden, refused, unknown) is ignored: a resume cannot widen what was asked.
 */
export function applyAnswer(actions: readonly Action[], awaiting: readonly number[], answer: GateAnswer): Action[] {
  const held = new Set(awaiting);
  const approve = new Set(answer.approve.filter((i) => held.has(i)));
  const reject = new Set(answer.reject.filter((i) => held.has(i) && !approve.has(i)));
  return actions.map((a, i) => {
    const index = i + 1;
    const decision = approve.has(index) ? "approved" : reject.has(index) ? "rejected" : undefined;
    if (!decision) return a;
    const reason = decision === "rejected" ? (answer.rejectReason ?? answer.reason) : answer.reason;
    return { ...a, status: decision, approval: { decision, by: answer.by, at: answer.at, via: "human", ...(reason && { reason }) } };
  });
}
