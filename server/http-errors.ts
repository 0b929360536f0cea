/**
 * Every error answer is one JSON object `{ "error": "one line" }`: the status says what kind of
 * failure, the line says what to fix. No stack trace, no internal detail of an unexpected error
 * (that goes to the server's log line), and no secret (the redactor runs over every answer).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { KafkaOpsError } from "../errors.ts";
import { oneLine } from "../cli/render/text.ts";

/** An answer other than 2xx that a route decides on. */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.headers = headers;
  }
}

export const MAX_ERROR_LENGTH = 500;

/** Fastify's own 4xx errors (body parsing, limits, validation), in the API's words. */
function fastifyStatus(error: FastifyError): { status: number; message: string } | undefined {
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return { status: 413, message: "request body too large" };
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return { status: 415, message: "unsupported content type (send application/json)" };
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return { status: 400, message: "request body: empty (expected a JSON object)" };
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return { status: 400, message: "request body: its length does not match Content-Length" };
    case "FST_ERR_VALIDATION":
      return { status: 400, message: error.message };
  }
  // Fastify's JSON parser keeps no detail of where the text broke (nor should an answer quote it back).
  if (error.code === "FST_ERR_CTP_INVALID_JSON_BODY") return { status: 400, message: "request body: not valid JSON" };
  if (typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500) return { status: error.statusCode, message: error.message };
  return undefined;
}

export function describeHttpError(error: unknown, bodyLimit: number): { status: number; message: string; headers: Record<string, string> } {
  if (error instanceof HttpError) return { status: error.status, message: error.message, headers: error.headers };
  if (error instanceof KafkaOpsError && error.code === "BAD_INPUT") return { status: 400, message: error.message, headers: {} };
  if (error instanceof KafkaOpsError && error.code === "NOT_FOUND") return { status: 404, message: error.message, headers: {} };
  const known = fastifyStatus(error as FastifyError);
  if (known) return { ...known, message: known.status === 413 ? `request body larger than ${bodyLimit} bytes (server.bodyLimit)` : known.message, headers: {} };
  return { status: 500, message: "internal error (the server's log has the details)", headers: {} };
}

/** The Fastify error handler: one line, the right status, a log line for what was not expected. */
export function errorHandler(bodyLimit: number, log: (line: string) => void) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const { status, message, headers } = describeHttpError(error, bodyLimit);
    if (status >= 500) log(`${request.method} ${request.url}: ${error instanceof Error ? error.message : String(error)}`);
    void reply.code(status).headers(headers).type("application/json; charset=utf-8").send({ error: oneLine(message, MAX_ERROR_LENGTH) });
  };
}
