/** The error answers the routes share, for the document: each is `{ "error": "one line" }`. */
import { ErrorBody } from "../schemas.ts";

const error = (why: string) => ErrorBody.describe(why);

export const ERRORS = {
  400: error("bad request: malformed JSON, or a field that breaks the schema (the line names its JSON path)"),
  401: error("no bearer token, or not one of server.tokens"),
  403: error("the token's role does not allow this"),
  404: error("no such investigation"),
  406: error("a report page was asked for (Accept: text/html) and there is no report yet"),
  409: error("the approval gate does not hold this (not at the gate, already decided, being decided)"),
  413: error("request body larger than server.bodyLimit"),
  415: error("not application/json"),
  429: error("the queue is full (server.queueDepth): retry after Retry-After seconds"),
  503: error("shutting down, or not ready"),
} as const;

export const pick = <K extends keyof typeof ERRORS>(...codes: K[]) => Object.fromEntries(codes.map((c) => [c, ERRORS[c]])) as Pick<typeof ERRORS, K>;

export const BEARER = [{ bearer: [] }];
