/**
 * The HTTP API's requests, answers and events as zod schemas: the routes validate with them and
 * GET /openapi.json is generated from them (server/openapi.ts), so the document cannot drift
 * from what the server does. The two contract documents appear as components of their own.
 */
import { z } from "zod";
import { Alert, Incident } from "../contract/incident.ts";
import { Report } from "../contract/report.ts";
import { AgentName } from "../contract/vocabulary.ts";
import type { InvestigationEvent } from "../graph/events.ts";
import { TOOLS, type ToolName } from "../tools/registry.ts";

// Clones with an id: the OpenAPI document references them as components, and the contract's
// own schemas (what `kafka-ops schema` prints) stay as they are.
export const IncidentDocument = Incident.meta({ id: "KafkaIncident", description: "A recorded incident, kafka-incident/v1 (docs/formats.md)" });
export const ReportDocument = Report.meta({ id: "KafkaInvestigation", description: "An investigation report, kafka-investigation/v1 (docs/formats.md)" });

export const ErrorBody = z.strictObject({ error: z.string().describe("what went wrong, in one line") }).meta({ id: "Error" });

const HOST_PORT = /^[^\s:]+:\d+$/;
export const Mode = z.enum(["propose", "dry-run", "approve", "auto"]).describe("what may happen to the proposed actions (docs/approvals.md)");
export const InvestigationStatus = z.enum(["queued", "running", "awaiting_approval", "done", "failed"]);
export type InvestigationStatus = z.infer<typeof InvestigationStatus>;
export const Source = z.enum(["recorded", "live", "alertmanager"]);
export type Source = z.infer<typeof Source>;

export const LiveRequest = z
  .strictObject({
    live: z
      .strictObject({
        bootstrap: z.array(z.string().regex(HOST_PORT, "expected host:port")).min(1).optional().describe("the cluster to read; absent: the configured one (kafka.bootstrap). Only kafka.bootstrap and server.allowedBootstraps are accepted"),
      })
      .describe("investigate a live cluster, sampled over the configured window"),
    alert: Alert.optional().describe("what fired: steers triage and ranking as a recorded incident's alert does"),
    question: z.string().max(4000).optional().describe("free text the model's triage reads, when a model takes part"),
  })
  .meta({ id: "LiveInvestigation" });
export type LiveRequest = z.infer<typeof LiveRequest>;

/** The body of POST /investigations, for the document; the route picks the branch by the `live` key. */
export const InvestigationRequest = z.union([IncidentDocument, LiveRequest]);

export const StartQuery = z.strictObject({ mode: Mode.optional().describe("default: the configured server.mode (propose unless set)") });

export const IdParams = z.strictObject({ id: z.string().min(1).max(200).describe("the investigation id the POST answered") });

export const Links = z.strictObject({
  self: z.string(),
  events: z.string(),
  approvals: z.string().optional().describe("present while the approval gate holds actions"),
});

export const Accepted = z.strictObject({ id: z.string(), status: InvestigationStatus, links: Links }).meta({ id: "Accepted" });

export const InvestigationView = z
  .strictObject({
    id: z.string(),
    status: InvestigationStatus,
    source: Source,
    mode: Mode,
    title: z.string(),
    incidentId: z.string().optional(),
    createdAt: z.string(),
    updatedAt: z.string(),
    fingerprint: z.string().optional().describe("the Alertmanager fingerprint that started it"),
    awaitingApproval: z.array(z.number().int().min(1)).optional().describe("1-based indexes of the actions the gate holds"),
    error: z.string().optional().describe("why it failed (status failed)"),
    report: ReportDocument.optional().describe("present when done or awaiting approval (absent for one only the state store still knows)"),
    links: Links,
  })
  .meta({ id: "Investigation" });
export type InvestigationView = z.infer<typeof InvestigationView>;

export const ApprovalRequest = z
  .strictObject({
    decision: z.enum(["approve", "reject"]),
    by: z.string().trim().min(1, "who decides must be named").max(200).describe("who decides: recorded in the report, the state store and the audit log"),
    only: z.array(z.number().int().min(1)).min(1).optional().describe("decide only these actions (1-based); approve with only rejects the others held; a reject must name every action held (409 otherwise)"),
    reason: z.string().trim().min(1).max(4000).optional().describe("why; required to reject"),
  })
  .refine((r) => r.decision !== "reject" || r.reason !== undefined, { path: ["reason"], message: "a reason is required to reject" })
  .meta({ id: "Approval" });
export type ApprovalRequest = z.infer<typeof ApprovalRequest>;

// Alertmanager's webhook payload lives with the other alert formats (the workers read it too).
export { AlertmanagerAlert, AlertmanagerPayload } from "../alerts/alertmanager.ts";

export const AlertmanagerAnswer = z
  .strictObject({
    investigations: z.array(
      z.strictObject({
        fingerprint: z.string(),
        id: z.string(),
        status: InvestigationStatus,
        deduplicated: z.boolean().describe("true: an open investigation of this fingerprint already existed; none was started"),
      }),
    ),
    ignored: z.array(z.strictObject({ fingerprint: z.string(), reason: z.string() })),
  })
  .meta({ id: "AlertmanagerAnswer" });
export type AlertmanagerAnswer = z.infer<typeof AlertmanagerAnswer>;

export const Health = z.strictObject({ status: z.literal("ok") });
export const Ready = z.strictObject({ status: z.literal("ready"), checks: z.record(z.string(), z.string()) });

// ---- server-sent events: each message's `event:` is the `type` below, its `data:` one JSON object

const ToolNameSchema = z.enum(Object.keys(TOOLS) as [ToolName, ...ToolName[]]);
const ToolOutcome = z.enum(["ok", "notRecorded", "unavailable", "error"]);

export const StatusEvent = z.strictObject({ type: z.literal("investigation"), id: z.string(), status: InvestigationStatus, at: z.string(), error: z.string().optional() });
export const AgentEventSchema = z.discriminatedUnion("phase", [
  z.strictObject({ type: z.literal("agent"), phase: z.literal("start"), node: z.string() }),
  z.strictObject({ type: z.literal("agent"), phase: z.literal("finish"), node: z.string(), ms: z.number().min(0), outcome: z.enum(["ok", "failed", "interrupted"]) }),
]);
export const ToolEventSchema = z.discriminatedUnion("phase", [
  z.strictObject({ type: z.literal("tool"), phase: z.literal("start"), agent: AgentName, tool: ToolNameSchema }),
  z.strictObject({ type: z.literal("tool"), phase: z.literal("finish"), agent: AgentName, tool: ToolNameSchema, ms: z.number().min(0), outcome: ToolOutcome }),
]);
export const ReportEvent = z.strictObject({ type: z.literal("report"), id: z.string(), report: ReportDocument });
export const EndEvent = z.strictObject({ type: z.literal("end"), id: z.string(), status: InvestigationStatus });

export const StreamEvent = z
  .union([StatusEvent, AgentEventSchema, ToolEventSchema, ReportEvent, EndEvent])
  .describe("one server-sent event's data; its SSE `event:` field is the `type`")
  .meta({ id: "InvestigationEvent" });
export type StreamEvent = z.infer<typeof StreamEvent>;

// The library's event types and these schemas say the same thing: a change to one fails here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const libraryEventsMatch: Same<InvestigationEvent, z.infer<typeof AgentEventSchema> | z.infer<typeof ToolEventSchema>> = true;
void libraryEventsMatch;
