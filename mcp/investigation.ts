/**
 * One investigation as an MCP tool asks for it: a recorded incident (by id), or the configured
 * live cluster with what fired (group, topic, alert kind, as `kafka-ops investigate --bootstrap`
 * takes them). `prepare` says what it is about and where its actions would act before anything
 * runs, so that the action tools can open the approval gate on that target first.
 */
import { z } from "zod";
import type { Report } from "../contract/report.ts";
import { SPECIALISTS } from "../contract/vocabulary.ts";
import type { RemediationOptions } from "../investigate.ts";
import type { TargetDescriptor } from "../remediation/approvals/target.ts";
import { ALERT_KINDS, focus } from "../cli/live.ts";
import { settingsThresholds } from "../cli/thresholds-config.ts";
import { NO_CLUSTER, type McpContext } from "./context.ts";
import { ToolFailure } from "./results.ts";

export const InvestigationRequest = z.object({
  incident: z
    .string()
    .min(1)
    .optional()
    .describe("id of a recorded incident to investigate (resources kafka-ops://incidents/{id}); absent: the configured live cluster"),
  group: z.string().min(1).optional().describe("live: the consumer group the investigation is about"),
  topic: z.string().min(1).optional().describe("live: the topic it is about (with group: that group on that topic)"),
  alert: z.enum(ALERT_KINDS).optional().describe("live: what fired; steers triage (default consumer_lag with group)"),
  agents: z
    .array(z.enum(SPECIALISTS))
    .min(1)
    .optional()
    .describe("run only these specialists instead of letting triage choose; incident-debugging always runs"),
});
export type InvestigationRequest = z.infer<typeof InvestigationRequest>;

export interface PreparedInvestigation {
  /** The incident's title, or "live investigation of group G on HOSTS". */
  title: string;
  /** Where its actions act: the recorded incident's simulation, or the live cluster (no secret in it). */
  target: TargetDescriptor;
  run(remediation?: RemediationOptions): Promise<Report>;
}

export async function prepareInvestigation(ctx: McpContext, request: InvestigationRequest): Promise<PreparedInvestigation> {
  const thresholds = await settingsThresholds(ctx.settings);
  const common = { ...(request.agents && { agents: [...new Set(request.agents)] }), thresholds, secrets: ctx.secrets };
  if (request.incident !== undefined) {
    const liveOnly = (["group", "topic", "alert"] as const).find((k) => request[k] !== undefined);
    if (liveOnly) throw new ToolFailure(`${liveOnly} applies to a live investigation (no incident); a recorded incident carries its own alert`);
    const incident = ctx.incidents.get(request.incident);
    const { investigate } = await import("../investigate.ts");
    return {
      title: incident.title,
      target: { kind: "replay", incident },
      run: (remediation) => investigate(incident, { ...common, ...(remediation && { remediation }) }),
    };
  }
  const kafka = ctx.settings.kafka;
  if (!kafka) throw new ToolFailure(NO_CLUSTER);
  const { about, alert } = focus(request);
  const { liveDescriptor } = await import("../remediation/approvals/target.ts");
  return {
    title: `live investigation of ${about} on ${kafka.bootstrap.join(",")}`,
    target: liveDescriptor(ctx.settings, ctx.configFile),
    run: (remediation) =>
      ctx.withPorts(undefined, async (ports) => {
        const { investigatePorts } = await import("../investigate.ts");
        return investigatePorts(ports, { ...common, policy: ctx.settings.policy, ...(alert && { alert }), ...(remediation && { remediation }) });
      }),
  };
}

/** A few lines a person or a model reads first; the report itself is the structured content. */
export function reportSummary(report: Report): string {
  const primary = report.diagnoses[0];
  const lines = [
    `${report.incidentId}: decision ${report.decision}, primary ${report.primary}${primary ? ` (confidence ${primary.confidence})` : ""}`,
  ];
  if (report.rootCause) lines.push(`root cause: ${report.rootCause}`);
  else if (primary) lines.push(`finding: ${primary.summary}`);
  report.actions.forEach((a, i) => lines.push(`action ${i + 1}: ${a.kind} (${a.risk} risk, ${a.status})`));
  if (report.escalation) lines.push(`escalate ${report.escalation.severity} to ${report.escalation.owner}: ${report.escalation.reason}`);
  return lines.join("\n");
}
