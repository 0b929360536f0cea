/**
 * `kafka-ops serve --port 8080 [--host 127.0.0.1] [--config ops.json] [--insecure]`: the HTTP
 * API (server/). Prints one line with its URL on stdout once it listens; SIGTERM or SIGINT stops
 * it gracefully: nothing new starts, running investigations get server.shutdownDeadline to
 * finish (those at the approval gate are checkpointed already), then it exits.
 */
import { parseCommandArgs } from "../args.ts";
import { UsageError } from "../errors.ts";
import { EXIT, type ExitCode } from "../exit-codes.ts";
import { liveSettings } from "../live.ts";

export const help = `Usage: kafka-ops serve [--port 8080] [--host 127.0.0.1] [--config FILE] [--insecure]

The HTTP API: start investigations (a recorded incident, or the configured live cluster),
follow their events, read their reports, approve or reject what the approval gate holds,
take Prometheus Alertmanager's webhook. OpenAPI 3.1 at /openapi.json; docs/http-api.md.
Prints one line with the URL once it listens (--port 0 picks a free port).

Options:
  --port N        TCP port, 0-65535 (default 8080)
  --host HOST     address to listen on (default 127.0.0.1)
  --config FILE   settings: server.tokens (bearer tokens, roles read-only and approver),
                  server.bodyLimit, concurrency, queueDepth, retain, shutdownDeadline, mode;
                  kafka.* for a live cluster; state.*; policy                (KAFKA_OPS_CONFIG)
  --insecure      listen on a non-loopback host without tokens (anyone who reaches it
                  can start investigations and approve actions)
  -h, --help      show this help

SIGTERM or SIGINT: stops accepting investigations, lets running ones finish within
server.shutdownDeadline (default 30s), then exits 0. Investigations at the approval gate are
in the state store (KAFKA_OPS_STATE_DIR or KAFKA_OPS_POSTGRES_URL) and can be decided later,
by this server or by kafka-ops approvals.

Exit codes: 0 stopped by a signal; 2 bad flags or settings, or the port cannot be listened
on; 1 internal error.
`;

const OPTIONS = {
  port: { type: "string" },
  host: { type: "string" },
  config: { type: "string" },
  insecure: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export function parsePort(value: string | undefined): number {
  if (value === undefined) return 8080;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) throw new UsageError(`--port: expected a TCP port from 0 to 65535, got ${JSON.stringify(value)}`);
  return Number(value);
}

export async function run(args: string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs("serve", args, OPTIONS);
  if (values.help) {
    process.stdout.write(help);
    return EXIT.ok;
  }
  if (positionals.length) throw new UsageError(`serve: unexpected argument ${JSON.stringify(positionals[0])}`);
  const port = parsePort(values.port);
  const host = values.host ?? "127.0.0.1";
  if (!host.trim() || /\s/.test(host)) throw new UsageError(`--host: expected a host name or address, got ${JSON.stringify(host)}`);
  const configFile = values.config ?? process.env.KAFKA_OPS_CONFIG;
  // The cluster is read only when one is configured: a server of recorded incidents needs none.
  const settings = await liveSettings(values, process.env, { connects: true });
  const [{ startServer }, { redactor, loadedSecrets }, { version }] = await Promise.all([import("../../server/serve.ts"), import("../../config/secret.ts"), import("../main.ts")]);
  const redact = redactor(loadedSecrets());
  const server = await startServer({
    settings,
    env: process.env,
    configFile,
    host,
    port,
    insecure: values.insecure === true,
    version: version(),
    log: (line) => process.stderr.write(`kafka-ops: ${redact(line)}\n`),
  });
  process.stdout.write(`kafka-ops: serving on ${server.url} (OpenAPI: ${server.url}/openapi.json)\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stderr.write(`kafka-ops: ${signal}: stopping (${server.service.queue.running} running, ${server.service.queue.waiting} waiting)\n`);
      void server.shutdown().then((finished) => {
        if (!finished) process.stderr.write("kafka-ops: shutdown deadline passed with investigations still running (those at the approval gate are checkpointed)\n");
        resolve();
      });
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
  return EXIT.ok;
}
