/**
 * POST /alerts/alertmanager: Prometheus Alertmanager's webhook (receiver `webhook_configs`,
 * payload version 4). One live investigation per firing alert fingerprint: a fingerprint whose
 * investigation is still open (queued, running, at the gate) is not started twice, so
 * Alertmanager's repeats and retries start nothing new. Resolved alerts start nothing.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { HttpError } from "../http-errors.ts";
import type { InvestigationService } from "../investigations.ts";
import { mapAlert } from "../../alerts/alertmanager.ts";
import { AlertmanagerAnswer, AlertmanagerPayload } from "../schemas.ts";
import { BEARER, pick } from "./responses.ts";

export const alertRoutes: FastifyPluginAsyncZod<{ service: InvestigationService; mode: import("../../graph/remediation.ts").RemediationMode; cluster: string | undefined }> = async (app, o) => {
  app.post(
    "/alerts/alertmanager",
    {
      config: { role: "read-only" },
      schema: {
        summary: "Start investigations from an Alertmanager webhook",
        description:
          "One live investigation per firing alert fingerprint, in the configured server.mode. Labels: consumergroup / consumer_group / group, topic, " +
          "cluster / kafka_cluster; the kind from a kafka_ops_alert label or the alert name. A full queue answers 429 after starting what fit " +
          "(Alertmanager retries; the fingerprints already started are deduplicated).",
        tags: ["alerts"],
        security: BEARER,
        body: AlertmanagerPayload,
        response: { 202: AlertmanagerAnswer.describe("what each alert started, or why it started nothing"), ...pick(400, 401, 403, 413, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const answer: AlertmanagerAnswer = { investigations: [], ignored: [] };
      let full: HttpError | undefined;
      for (const raw of request.body.alerts) {
        const a = mapAlert(raw);
        if (raw.status === "resolved") {
          answer.ignored.push({ fingerprint: a.fingerprint, reason: "resolved" });
          continue;
        }
        if (o.cluster && a.cluster && a.cluster !== o.cluster) {
          answer.ignored.push({ fingerprint: a.fingerprint, reason: `cluster ${a.cluster} is not this server's (${o.cluster})` });
          continue;
        }
        const open = o.service.openFor(a.fingerprint);
        if (open) {
          answer.investigations.push({ fingerprint: a.fingerprint, id: open.id, status: open.status, deduplicated: true });
          continue;
        }
        try {
          const entry = o.service.start({ kind: "live", alert: a.alert, title: a.title }, o.mode, "alertmanager", a.fingerprint);
          answer.investigations.push({ fingerprint: a.fingerprint, id: entry.id, status: entry.status, deduplicated: false });
        } catch (error) {
          if (!(error instanceof HttpError) || error.status !== 429) throw error;
          full = error;
          answer.ignored.push({ fingerprint: a.fingerprint, reason: "queue full" });
        }
      }
      if (full) throw full;
      return reply.code(202).send(answer);
    },
  );
};
