/**
 * /investigations: start one (a recorded incident, or a live target), read it (JSON, or the
 * report page for a browser), follow its events, decide what its approval gate holds.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { FastifySchemaCompiler } from "fastify";
import { z } from "zod";
import type { Redact } from "../../config/secret.ts";
import { parseIncident, parseWith } from "../../contract/parse.ts";
import type { RemediationMode } from "../../graph/remediation.ts";
import { zodValidator } from "../app.ts";
import { EventLog } from "../event-log.ts";
import { HttpError } from "../http-errors.ts";
import type { Investigation, InvestigationService, Job } from "../investigations.ts";
import { linksOf } from "../investigations.ts";
import { Accepted, ApprovalRequest, IdParams, InvestigationRequest, InvestigationView, LiveRequest, StartQuery, StreamEvent } from "../schemas.ts";
import type { EventStreams } from "../sse.ts";
import { BEARER, pick } from "./responses.ts";

export interface InvestigationRouteOptions {
  service: InvestigationService;
  streams: EventStreams;
  redact: Redact;
  defaultMode: RemediationMode;
}

/** The body is a recorded incident, or `{ live: ... }`: parsed as the one it says it is, so the error names the right path. */
function parseBody(data: unknown): { value: Job } | { error: Error } {
  try {
    if (typeof data === "object" && data !== null && !Array.isArray(data) && "live" in data) {
      const r = parseWith(LiveRequest, data, "request", "body");
      return { value: { kind: "live", bootstrap: r.live.bootstrap, alert: r.alert, question: r.question } };
    }
    return { value: { kind: "recorded", incident: parseIncident(data, "request") } };
  } catch (error) {
    return { error: error as Error };
  }
}

// Typed loosely: Fastify types a route's compiler by the route's own schema object.
const bodyValidator: FastifySchemaCompiler<any> = ({ schema, httpPart }) => (httpPart === "body" ? parseBody : zodValidator(schema as z.ZodType, httpPart));

/** A browser asks for text/html first; an API client for JSON, or anything (curl's * / *). */
export function wantsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const part of accept.split(",")) {
    const [type = "", ...params] = part.trim().toLowerCase().split(";");
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) || 0 : 1;
    if (type === "text/html") html = Math.max(html, q);
    else if (type === "application/json") json = Math.max(json, q);
  }
  return html > 0 && html > json;
}

export const investigationRoutes: FastifyPluginAsyncZod<InvestigationRouteOptions> = async (app, o) => {
  app.post(
    "/investigations",
    {
      config: { role: "read-only" },
      validatorCompiler: bodyValidator,
      schema: {
        summary: "Start an investigation",
        description:
          "A recorded incident (kafka-incident/v1), or `{ live: {...}, alert }` to sample the configured cluster. Answers at once with the id; " +
          "follow `links.events` or poll `links.self`. Mode auto needs the approver role.",
        tags: ["investigations"],
        security: BEARER,
        querystring: StartQuery,
        body: InvestigationRequest,
        response: { 202: Accepted.describe("queued (or already running)"), ...pick(400, 401, 403, 413, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const job = request.body as unknown as Job;
      const mode = request.query.mode ?? o.defaultMode;
      if (mode === "auto" && request.principal?.role !== "approver") throw new HttpError(403, "mode auto applies actions unattended: it needs the approver role");
      const entry = o.service.start(job, mode, job.kind === "recorded" ? "recorded" : "live");
      const links = linksOf(entry.id, entry.status);
      return reply.code(202).header("location", links.self).send({ id: entry.id, status: entry.status, links });
    },
  );

  app.get(
    "/investigations/:id",
    {
      config: { role: "read-only" },
      schema: {
        summary: "An investigation: its status, and its report once there is one",
        description: "With `Accept: text/html` (a browser), the report page instead.",
        tags: ["investigations"],
        security: BEARER,
        params: IdParams,
        response: {
          200: { description: "the investigation", content: { "application/json": { schema: InvestigationView }, "text/html": { schema: z.string().describe("the report page") } } },
          ...pick(401, 404, 406),
        },
      },
    },
    async (request, reply) => {
      const view = await o.service.view(request.params.id);
      if (!view) throw new HttpError(404, `no investigation ${JSON.stringify(request.params.id)}`);
      if (wantsHtml(request.headers.accept)) {
        if (!view.report) throw new HttpError(406, `investigation ${view.id} has no report yet (status ${view.status}): ask for application/json`);
        const { renderReportHtml } = await import("../../report/html.ts");
        return reply.type("text/html; charset=utf-8").send(o.redact(renderReportHtml(view.report)));
      }
      return reply.send(view);
    },
  );

  app.get(
    "/investigations/:id/events",
    {
      config: { role: "read-only" },
      schema: {
        summary: "Server-sent events of an investigation",
        description:
          "The history first (after Last-Event-ID when given), then live: `investigation` (status), `agent` and `tool` (start, finish), `report`, " +
          "and `end` when it comes to rest (done, failed, or at the approval gate); the stream then closes.",
        tags: ["investigations"],
        security: BEARER,
        params: IdParams,
        response: { 200: { description: "text/event-stream; each message's data is one JSON object", content: { "text/event-stream": { schema: StreamEvent } } }, ...pick(401, 404) },
      },
    },
    async (request, reply) => {
      const entry = o.service.get(request.params.id) ?? (await storedOnly(o.service, request.params.id));
      if (!entry) throw new HttpError(404, `no investigation ${JSON.stringify(request.params.id)}`);
      o.streams.serve(request, reply, entry, o.redact);
      return reply;
    },
  );

  app.post(
    "/investigations/:id/approvals",
    {
      config: { role: "approver" },
      schema: {
        summary: "Approve or reject what the approval gate holds",
        description:
          "Through the same gate as `kafka-ops approvals`: claimed exactly once across every process sharing the state store, then the investigation " +
          "resumes and the approved actions run (guards, a fresh dry run, apply, verify, audit). Answers when that is done, with the resumed report.",
        tags: ["investigations"],
        security: BEARER,
        params: IdParams,
        body: ApprovalRequest,
        response: { 200: InvestigationView.describe("decided; the report says what ran"), ...pick(400, 401, 403, 404, 409, 413, 415) },
      },
    },
    async (request) => o.service.decide(request.params.id, request.body),
  );
};

/** An investigation only the state store knows: its one event is its status; the stream then ends. */
async function storedOnly(service: InvestigationService, id: string): Promise<Investigation | undefined> {
  const view = await service.view(id);
  if (!view) return undefined;
  const events = new EventLog();
  events.push({ type: "investigation", id, status: view.status, at: view.updatedAt });
  return { ...view, events, replayOnly: true };
}
