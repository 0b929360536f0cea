/**
 * The mutating tools, one per action kind, listed only when settings `mcp.mutatingTools` is
 * true. None of them acts. A call investigates (a recorded incident, or the configured cluster)
 * in approve mode, through the same gate as `kafka-ops investigate --mode approve`: dry runs read
 * each action's exact effect, the policy and the guards classify it, and the graph stops at its
 * approval interrupt, checkpointed in the state store. When the investigation proposes an action
 * of the tool's kind, the call answers "approval required" with the investigation id, which
 * `kafka-ops approvals show|approve|reject` (any process, any time) decides; when it does not,
 * nothing is recorded and the call is a tool error saying what the investigation concluded.
 */
import { z } from "zod";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { Action } from "../contract/report.ts";
import { ACTION_RISK, ActionKind, Risk } from "../contract/vocabulary.ts";
import { EXECUTORS } from "../remediation/executors/index.ts";
import type { McpContext } from "./context.ts";
import { mcpAnnotations } from "./annotations.ts";
import { InvestigationRequest, prepareInvestigation } from "./investigation.ts";
import { guarded, structured, ToolFailure } from "./results.ts";
import { reportUri } from "./resources.ts";
import { title } from "./read-tools.ts";

const ParamValue = z.union([z.string(), z.number(), z.boolean()]);

export const ActionRequest = InvestigationRequest.extend({
  params: z
    .record(z.string(), ParamValue)
    .optional()
    .describe("only the proposed action whose params have these values (e.g. {\"topic\": \"orders\", \"partition\": 1}); absent: every proposed action of this kind"),
});

export const ApprovalRequired = z.object({
  status: z.literal("approval_required"),
  approvalId: z.string().describe("the investigation id the approval gate holds: kafka-ops approvals show ID"),
  actions: z
    .array(
      z.object({
        index: z.number().int().min(1).describe("1-based index of the action in the report (approvals approve --only N)"),
        kind: ActionKind,
        risk: Risk,
        params: z.record(z.string(), z.unknown()),
        effect: z.array(z.string()).describe("the dry run's exact effect, read from the target"),
        warnings: z.array(z.string()),
      }),
    )
    .describe("the actions of this kind the gate holds"),
  awaiting: z.array(z.number().int().min(1)).describe("every action index the gate holds for this investigation"),
  target: z.string().describe("where the actions would act: a live cluster, or the in-memory simulation of a recorded incident"),
  approve: z.string().describe("the command a human runs to approve"),
  reject: z.string().describe("the command a human runs to reject"),
});

export function registerActionTools(server: McpServer, ctx: McpContext): void {
  for (const kind of ActionKind.options) {
    const effect = EXECUTORS[kind].effect;
    server.registerTool(
      kind,
      {
        title: title(kind),
        description: `Asks for ${kind} (${ACTION_RISK[kind]} risk, ${effect}) through the approval gate; never applies it. Investigates the recorded incident or the configured cluster in approve mode: when it proposes ${kind}, the action's dry run is read and the investigation stops at the approval gate; the answer is "approval required" with the investigation id a human decides with kafka-ops approvals approve|reject.`,
        inputSchema: ActionRequest,
        outputSchema: ApprovalRequired,
        annotations: mcpAnnotations(effect, title(kind)),
      },
      (request) => guarded(ctx.redact, () => holdAtGate(ctx, kind, request)),
    );
  }
}

async function holdAtGate(ctx: McpContext, kind: ActionKind, request: z.infer<typeof ActionRequest>) {
  const { params, ...what } = request;
  const prepared = await prepareInvestigation(ctx, what);
  const [{ openGatedRun, policyInForce }, { beginGated, endGated }] = await Promise.all([import("../cli/gate.ts"), import("../remediation/approvals/session.ts")]);
  const policy = await policyInForce(undefined, ctx.settings, ctx.env);
  // Not recorded until we know the gate holds an action of this kind (as chat's gate does):
  // `approvals list` then shows only what someone asked for.
  const run = await openGatedRun({ mode: "approve", target: prepared.target, settings: ctx.settings, policy, env: ctx.env, title: prepared.title, record: false, stderr: { write: () => true } });
  try {
    const report = await prepared.run(run.remediation);
    const id = report.remediation?.investigationId;
    const awaiting = report.remediation?.awaitingApproval ?? [];
    const held = awaiting.filter((i) => matches(report.actions[i - 1], kind, params));
    if (!id || !run.state || !held.length) throw new ToolFailure(nothingHeld(kind, report, params));
    const now = new Date();
    await beginGated(run.state, { id, title: prepared.title, mode: "approve", target: prepared.target, ...(policy.source !== "default" && { policy: policy.source }) }, now);
    await endGated(run.state, report, now);
    ctx.reports.add({ id, title: prepared.title, at: now.toISOString(), report });
    const only = held.join(",");
    const answer = {
      status: "approval_required" as const,
      approvalId: id,
      actions: held.map((index) => {
        const a = report.actions[index - 1]!;
        return { index, kind: a.kind, risk: a.risk, params: a.params, effect: a.dryRun?.effect ?? [], warnings: a.dryRun?.warnings ?? [] };
      }),
      awaiting,
      target: report.remediation?.target ?? "",
      approve: `kafka-ops approvals approve ${id} --by NAME --only ${only}`,
      reject: `kafka-ops approvals reject ${id} --by NAME --reason TEXT`,
    };
    const text = `approval required: investigation ${id} holds ${kind} (action${held.length > 1 ? "s" : ""} ${only}) at the approval gate; nothing was applied. A human decides with: ${answer.approve} (or reject). State: ${run.state.describe}. Report: ${reportUri(id)}`;
    return structured(ctx.redact, text, answer);
  } finally {
    await run.close();
  }
}

function matches(action: Action | undefined, kind: ActionKind, params: Record<string, string | number | boolean> | undefined): boolean {
  if (!action || action.kind !== kind) return false;
  return Object.entries(params ?? {}).every(([k, v]) => String(action.params[k]) === String(v));
}

function nothingHeld(kind: ActionKind, report: import("../contract/report.ts").Report, params: Record<string, unknown> | undefined): string {
  const proposed = report.actions.map((a, i) => `${i + 1}. ${a.kind}${a.dryRun?.refusal ? ` (refused by its dry run: ${a.dryRun.refusal})` : ""}`);
  const which = params ? `${kind} with ${JSON.stringify(params)}` : kind;
  return `nothing to approve: the investigation of ${report.incidentId} (decision ${report.decision}, primary ${report.primary}) holds no ${which} at the approval gate; its actions: ${proposed.join("; ") || "none"}`;
}
