/**
 * `kafka-ops mcp [--http PORT [--host HOST]]`: the MCP server (mcp/server.ts) over stdio, or
 * over streamable HTTP. Over stdio, stdout is the protocol's: everything else goes to stderr.
 */
import { parseCommandArgs, parseCountFlag } from "../args.ts";
import { UsageError } from "../errors.ts";
import { EXIT, type ExitCode } from "../exit-codes.ts";
import { LIVE_HELP, LIVE_OPTIONS, liveSettings } from "../live.ts";
import { loadedSecrets, redactor } from "../../config/secret.ts";

export const help = `Usage: kafka-ops mcp [--config FILE] [--bootstrap HOSTS ...] [--incidents DIR]
       kafka-ops mcp --http PORT [--host HOST] [options]

Serves the agents to MCP clients (desktop assistants, agent frameworks): over stdio by default,
or over streamable HTTP at http://HOST:PORT/mcp with --http.

  tools      every typed read tool (cluster_overview, consumer_group_lag, schema_compatibility...)
             with its input and output schemas, and investigate (the kafka-investigation/v1
             report as structured content). Each takes "incident" (a recorded incident id) or,
             without it, reads the configured cluster.
  resources  kafka-ops://incidents/{id} (the recorded incidents of --incidents DIR, default
             fixtures/incidents), kafka-ops://reports/{id} and .../{id}/html (the reports of the
             investigations this server ran)
  prompts    why_is_group_lagging, is_schema_change_safe, what_is_wrong_with_topic

Read-only by default. With "mcp": {"mutatingTools": true} in the --config file, one tool per
action kind (skip_poison_message, add_partitions...) is listed too: a call investigates in
approve mode and answers "approval required" with the investigation id; nothing is applied
until a human runs kafka-ops approvals approve ID --by NAME. docs/mcp.md tells the whole story.

Options:
  --http PORT     serve streamable HTTP on this port instead of stdio (0: any free port)
  --host HOST     the address to listen on with --http (default 127.0.0.1; a loopback server
                  answers only requests whose Host is a loopback name)
  --insecure      with --http, listen on a non-loopback host without tokens (anyone who
                  reaches it could call every tool); with server.tokens in the --config file
                  every request needs "Authorization: Bearer TOKEN" (read-only tokens see the
                  read tools only)
  --incidents DIR the recorded incidents to serve (settings mcp.incidents; default fixtures/incidents)
  -h, --help      show this help

${LIVE_HELP}
`;

const OPTIONS = {
  ...LIVE_OPTIONS,
  http: { type: "string" },
  host: { type: "string" },
  insecure: { type: "boolean" },
  incidents: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function run(args: string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs("mcp", args, OPTIONS);
  if (values.help) {
    process.stdout.write(help);
    return EXIT.ok;
  }
  if (positionals.length) throw new UsageError(`mcp: unexpected argument ${JSON.stringify(positionals[0])} (see kafka-ops mcp --help)`);
  if (values.host !== undefined && values.http === undefined) throw new UsageError("--host: applies with --http PORT");
  if (values.insecure && values.http === undefined) throw new UsageError("--insecure: applies with --http PORT");
  const port = values.http === undefined ? undefined : parseCountFlag("http", values.http, 0, 65535);
  const host = values.host ?? "127.0.0.1";
  if (!host.trim()) throw new UsageError("--host: expected an address to listen on");

  const settings = await liveSettings(values, process.env);
  const [{ mcpContext }, { serveHttp, serveStdio }] = await Promise.all([import("../../mcp/context.ts"), import("../../mcp/server.ts")]);
  const configFile = values.config ?? process.env.KAFKA_OPS_CONFIG;
  const ctx = mcpContext({ settings, env: process.env, ...(configFile && { configFile }), ...(values.incidents && { incidentsDir: values.incidents }) });
  ctx.incidents.list(); // an unreadable folder is bad input now, not a failed call later
  consoleToStderr();
  const mode = `${ctx.mutating ? "mutating tools enabled (each stops at the approval gate)" : "read-only"}; ${ctx.live ? `live cluster ${settings.kafka!.bootstrap.join(",")}` : "no live cluster (recorded incidents only)"}; incidents ${ctx.incidents.dir}`;
  if (port === undefined) {
    process.stderr.write(`kafka-ops: MCP over stdio: ${mode}\n`);
    await serveStdio(ctx);
    return EXIT.ok;
  }
  const { tokenCheck } = await import("../../server/auth.ts");
  const tokens = tokenCheck(settings.server?.tokens ?? []);
  const serving = await serveHttp(ctx, { port, host, tokens, insecure: values.insecure === true });
  process.stderr.write(`kafka-ops: MCP over streamable HTTP at ${serving.url}: ${mode}; ${tokens.enabled ? "bearer tokens required (server.tokens)" : "no tokens"}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await serving.close();
  return EXIT.ok;
}

/** Whatever logs while the server runs (a library's warning) goes to stderr, scrubbed: stdout may be the transport. */
function consoleToStderr(): void {
  const redact = redactor(loadedSecrets());
  const write = (...parts: unknown[]) => void process.stderr.write(`${redact(parts.map(String).join(" "))}\n`);
  console.log = console.info = console.debug = console.warn = console.error = write;
}
