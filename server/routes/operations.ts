/** What operators and their tools read: liveness, readiness, Prometheus metrics, the OpenAPI document. */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { ServerMetrics } from "../metrics.ts";
import { Health, Ready } from "../schemas.ts";
import { BEARER, pick } from "./responses.ts";

export const operationRoutes: FastifyPluginAsyncZod<{ ready: () => Promise<Record<string, string>>; metrics: ServerMetrics }> = async (app, o) => {
  app.get(
    "/healthz",
    { config: { role: "public" }, schema: { summary: "Liveness: the process answers", tags: ["operations"], response: { 200: Health } } },
    async () => ({ status: "ok" as const }),
  );

  app.get(
    "/readyz",
    {
      config: { role: "public" },
      schema: {
        summary: "Readiness: the state store opens and, when a live cluster is configured, its metadata answers",
        tags: ["operations"],
        response: { 200: Ready, ...pick(503) },
      },
    },
    async () => ({ status: "ready" as const, checks: await o.ready() }),
  );

  app.get(
    "/metrics",
    {
      config: { role: "read-only" },
      schema: {
        summary: "Prometheus metrics",
        description: "Investigations by decision and primary code, tool latency, model tokens, queue depth, in-flight investigations, process metrics.",
        tags: ["operations"],
        security: BEARER,
        response: { 200: { description: "Prometheus text exposition format", content: { "text/plain": { schema: z.string() } } }, ...pick(401) },
      },
    },
    async (_request, reply) => reply.type(o.metrics.registry.contentType).send(await o.metrics.registry.metrics()),
  );

  app.get(
    "/openapi.json",
    {
      config: { role: "public" },
      schema: { summary: "This document (OpenAPI 3.1), generated from the routes' zod schemas", tags: ["operations"], response: { 200: z.record(z.string(), z.unknown()) } },
    },
    async () => app.swagger() as unknown as Record<string, unknown>,
  );
};
