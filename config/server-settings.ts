/**
 * Settings `server`: what `kafka-ops serve` (server/) needs beyond the connection settings: the
 * bearer tokens and their roles, the request and queue limits, the default mode, and which
 * bootstrap servers a request may name for a live investigation.
 *
 * Built by a function that takes the settings module's own Duration and secret schemas (as
 * config/deployments.ts is), so both files share one definition of each.
 */
import { z } from "zod";
import { Secret } from "./secret.ts";

/** read-only: reads, and investigations that change nothing; approver: also approvals and mode auto. */
export const ServerRole = z.enum(["read-only", "approver"]);
export type ServerRole = z.infer<typeof ServerRole>;

export const SERVER_DEFAULTS = {
  bodyLimit: 1024 * 1024,
  concurrency: 2,
  queueDepth: 100,
  retain: 500,
  shutdownDeadline: 30_000,
} as const;

export function serverSettings(parts: { Duration: z.ZodType<number, string | number>; secret: z.ZodType<Secret, string> }) {
  const { Duration, secret } = parts;
  const Token = z.strictObject({
    /** Who holds it: named in the log of who approved (never the token itself). */
    name: z.string().min(1).optional(),
    /** At least 16 characters: a short token is guessable, and the redactor cannot find a short secret everywhere. */
    token: z.string().min(16, "a server token needs at least 16 characters").pipe(secret),
    role: ServerRole,
  });
  return z
    .strictObject({
      /** Bearer tokens. None: no authentication, which `serve` allows only on a loopback host (or with --insecure). */
      tokens: z.array(Token).default([]),
      /** Largest request body in bytes (413 beyond it). */
      bodyLimit: z.number().int().min(1024).max(256 * 1024 * 1024).default(SERVER_DEFAULTS.bodyLimit),
      /** Investigations that run at once; the others wait in the queue. */
      concurrency: z.number().int().min(1).max(64).default(SERVER_DEFAULTS.concurrency),
      /** Investigations that may wait; one more is refused with 429 and Retry-After. */
      queueDepth: z.number().int().min(0).max(100_000).default(SERVER_DEFAULTS.queueDepth),
      /** Finished investigations kept in memory (oldest dropped first); those at the gate stay in the state store. */
      retain: z.number().int().min(1).max(1_000_000).default(SERVER_DEFAULTS.retain),
      /** SIGTERM: how long running investigations may take to finish before the process exits. */
      shutdownDeadline: Duration.default(SERVER_DEFAULTS.shutdownDeadline),
      /** The mode of an investigation whose request names none (and of every Alertmanager one). */
      mode: z.enum(["propose", "dry-run", "approve", "auto"]).default("propose"),
      /** Let the configured model (settings `llm`) take part in every investigation, within its budget; default the rules alone. */
      llm: z.boolean().default(false),
      /** Bootstrap servers (host:port) a live request may name besides kafka.bootstrap; the connection's credentials are the settings'. */
      allowedBootstraps: z.array(z.string().regex(/^[^\s:]+:\d+$/, "expected host:port")).default([]),
      /** This cluster's name: an Alertmanager alert whose `cluster` label names another is ignored. */
      cluster: z.string().min(1).optional(),
    })
    .superRefine((s, ctx) => {
      const seen = new Set<string>();
      s.tokens.forEach((t, i) => {
        // A token that failed its own checks is still the raw text here: already reported.
        if (!(t.token instanceof Secret)) return;
        if (seen.has(t.token.reveal())) ctx.addIssue({ code: "custom", path: ["tokens", i, "token"], message: "the same token is listed twice" });
        seen.add(t.token.reveal());
      });
    });
}

export type ServerSettings = z.infer<ReturnType<typeof serverSettings>>;

/** The tokens, for the redactor. */
export function serverSecrets(server: { tokens: { token: Secret }[] } | undefined): Secret[] {
  return server?.tokens.map((t) => t.token) ?? [];
}
