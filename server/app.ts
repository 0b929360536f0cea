/**
 * The HTTP API as a Fastify instance: validation with the zod schemas of server/schemas.ts
 * (errors name the JSON path, as the CLI's do), bearer-token roles, one-line JSON errors, the
 * redactor over every answer, and the OpenAPI 3.1 document generated from the same schemas.
 * The routes are thin: the investigation service does the work.
 */
import Fastify, { type FastifyInstance, type FastifySchemaCompiler } from "fastify";
import fastifySwagger from "@fastify/swagger";
import { createJsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { Redact } from "../config/secret.ts";
import type { ServerRole } from "../config/server-settings.ts";
import { parseWith } from "../contract/parse.ts";
import { allows, type Principal, type TokenCheck } from "./auth.ts";
import { errorHandler, HttpError } from "./http-errors.ts";
import type { InvestigationService } from "./investigations.ts";
import type { ServerMetrics } from "./metrics.ts";
import { investigationRoutes } from "./routes/investigations.ts";
import { operationRoutes } from "./routes/operations.ts";
import { alertRoutes } from "./routes/alerts.ts";
import { EventStreams } from "./sse.ts";
import { FORBIDDEN_HOST } from "./loopback.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Who may call the route: "public" needs no token. */
    role?: ServerRole | "public";
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

export interface AppOptions {
  service: InvestigationService;
  tokens: TokenCheck;
  bodyLimit: number;
  /** Scrubs every answer of the configured secrets. */
  redact: Redact;
  metrics: ServerMetrics;
  /** Resolves with each check's state when ready; throws HttpError 503 naming what is not. */
  ready(): Promise<Record<string, string>>;
  /** Whether a request's Host header may be answered (server/loopback.ts: DNS rebinding). */
  acceptsHost: (hostHeader: string | undefined) => boolean;
  /** The mode of a request that names none. */
  defaultMode: import("../graph/remediation.ts").RemediationMode;
  /** server.cluster: Alertmanager alerts labelled with another cluster are ignored. */
  cluster?: string | undefined;
  version: string;
  /** Where lines about unexpected failures go (stderr for `serve`). */
  log(line: string): void;
}

export interface App {
  fastify: FastifyInstance;
  streams: EventStreams;
}

/** Validation through the project's parser: the first problem, with its JSON path, as a 400. */
export function zodValidator(schema: z.ZodType, httpPart: string | undefined) {
  const root = httpPart === "querystring" ? "query" : (httpPart ?? "request");
  return (data: unknown) => {
    try {
      return { value: parseWith(schema, data, "request", root) };
    } catch (error) {
      return { error: error as Error };
    }
  };
}

const validatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => zodValidator(schema, httpPart);

export async function buildApp(o: AppOptions): Promise<App> {
  const app = Fastify({ bodyLimit: o.bodyLimit, logger: false, return503OnClosing: true, forceCloseConnections: "idle" });
  const streams = new EventStreams();
  // JSON only: a text body would reach the validators as a string.
  app.removeContentTypeParser("text/plain");
  app.setValidatorCompiler(validatorCompiler);
  // Answers are built from typed values; the document states their shape and a test checks
  // live answers against it, so serialising is plain JSON (no second validation per answer).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(errorHandler(o.bodyLimit, o.log));
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: `no route ${request.method} ${request.url.split("?")[0]}` });
  });

  app.addHook("onRequest", async (request, reply) => {
    if (!o.acceptsHost(request.headers.host)) throw new HttpError(403, FORBIDDEN_HOST);
    const needed = request.routeOptions.config?.role;
    if (needed === undefined || needed === "public") return;
    const verdict = o.tokens.check(request.headers.authorization);
    if (!verdict.ok) {
      reply.header("www-authenticate", 'Bearer realm="kafka-ops"');
      throw new HttpError(401, verdict.why === "missing" ? "missing bearer token (Authorization: Bearer TOKEN)" : "invalid bearer token");
    }
    if (!allows(verdict.principal.role, needed)) throw new HttpError(403, `this needs the ${needed} role; the token given is ${verdict.principal.role}`);
    request.principal = verdict.principal;
  });
  // The one way out: every answer is scrubbed of the configured secrets, whatever echoed them.
  if (!o.redact.empty) app.addHook("onSend", async (_request, _reply, payload) => (typeof payload === "string" ? o.redact(payload) : payload));

  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "kafka-ops",
        version: o.version,
        description: "Investigations of Apache Kafka incidents: start one, follow its events, read its report, decide what the approval gate holds. docs/http-api.md.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "a token of server.tokens: read-only or approver" } } },
    },
    transform: createJsonSchemaTransform({ skipList: [] }),
    transformObject: jsonSchemaTransformObject,
  });

  await app.register(investigationRoutes, { service: o.service, streams, redact: o.redact, defaultMode: o.defaultMode });
  await app.register(alertRoutes, { service: o.service, mode: o.defaultMode, cluster: o.cluster });
  await app.register(operationRoutes, { ready: o.ready, metrics: o.metrics });
  return { fastify: app, streams };
}
