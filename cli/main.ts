/**
 * kafka-ops: the command line. `bin/kafka-ops` runs this file with Node 22.
 *
 * Only what --help and --version need loads up front; each command's module, and through it
 * the graph and LangGraph, loads on demand. Errors end here: bad input is one line on stderr
 * and exit 2, anything else one line and exit 1 (the stack with KAFKA_OPS_DEBUG=1).
 */
import module from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { ClusterUnreachableError, KafkaOpsError, LiveReadError } from "../errors.ts";
import { loadedSecrets, redactor } from "../config/secret.ts";
import { UsageError } from "./errors.ts";
import { EXIT, EXIT_CODES_HELP, type ExitCode } from "./exit-codes.ts";
import { oneLine } from "./render/text.ts";

interface CommandModule {
  help: string;
  run(args: string[]): Promise<ExitCode>;
}

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  investigate: { summary: "investigate a recorded incident (file, or - for stdin) or a live cluster (--bootstrap)", load: () => import("./commands/investigate.ts") },
  schema: { summary: "print the JSON Schema of an incident or a report", load: () => import("./commands/schema.ts") },
  lag: { summary: "print every consumer group's lag per partition, read live", load: () => import("./commands/lag.ts") },
  watch: { summary: "watch a live cluster: investigate what turns unhealthy, report it, serve lag metrics", load: () => import("./commands/watch.ts") },
  worker: { summary: "investigate alerts from a topic as a consumer group, reports to a topic, once per alert", load: () => import("./commands/worker.ts") },
  record: { summary: "sample a live cluster into a kafka-incident/v1 file", load: () => import("./commands/record.ts") },
  chat: { summary: "ask the agents about an incident, in a conversation", load: () => import("./commands/chat.ts") },
  approvals: { summary: "list, show, approve or reject investigations waiting at the approval gate", load: () => import("./commands/approvals.ts") },
  thresholds: { summary: "list the diagnosis thresholds: defaults, or the values in force with --config", load: () => import("./commands/thresholds.ts") },
  plan: { summary: "plan a partition reassignment (add or remove brokers, balance) from a live cluster", load: () => import("./commands/plan.ts") },
  reassign: { summary: "execute a reassignment plan (throttled, verified, behind approval), its status, or cancel it", load: () => import("./commands/reassign.ts") },
  audit: { summary: "print the audit log (approvals, applied actions, verifications); --verify checks its hash chain", load: () => import("./commands/audit.ts") },
  serve: { summary: "serve the HTTP API (investigations, events, approvals, Alertmanager webhook; OpenAPI at /openapi.json)", load: () => import("./commands/serve.ts") },
  mcp: { summary: "serve the tools, investigations, incidents and reports to MCP clients (stdio, or --http PORT)", load: () => import("./commands/mcp.ts") },
};

const HELP = `Usage: kafka-ops <command> [options]

Agents that investigate Apache Kafka incidents the way an on-call engineer would.

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`)
  .join("\n")}

Options:
  -h, --help     show this help (kafka-ops <command> --help for a command's)
  -V, --version  print the version

Examples:
  kafka-ops investigate fixtures/incidents/lag-poison-message-1.json
  kafka-ops investigate --json - < incident.json > report.json
  kafka-ops investigate --bootstrap 127.0.0.1:19092 --group payments
  kafka-ops record --bootstrap 127.0.0.1:19092 --interval 15s --duration 2m -o incident.json
  kafka-ops chat --incident incident.json
  kafka-ops schema incident
  kafka-ops lag --bootstrap localhost:9092 --samples 2 --interval 5s
  kafka-ops investigate fixtures/incidents/lag-slow-consumer-1.json --mode approve
  kafka-ops approvals approve inv-20261201t101500z-1a2b3c --by alice --only 1
  kafka-ops audit --since 24h
  kafka-ops audit --verify

${EXIT_CODES_HELP}

Environment: NO_COLOR, FORCE_COLOR (colour), KAFKA_OPS_DEBUG=1 (stack traces of internal errors).
`;

export async function main(argv: string[]): Promise<ExitCode> {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError("missing command (see kafka-ops --help)");
  if (first === "-h" || first === "--help") {
    process.stdout.write(HELP);
    return EXIT.ok;
  }
  if (first === "-V" || first === "--version") {
    process.stdout.write(`${version()}\n`);
    return EXIT.ok;
  }
  if (first === "help") {
    if (rest[0] === undefined) {
      process.stdout.write(HELP);
      return EXIT.ok;
    }
    process.stdout.write((await command(rest[0]).load()).help);
    return EXIT.ok;
  }
  if (first.startsWith("-")) throw new UsageError(`unknown option '${first}' (see kafka-ops --help)`);
  return (await command(first).load()).run(rest);
}

function command(name: string) {
  const found = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!found) throw new UsageError(`unknown command ${JSON.stringify(name)} (expected ${Object.keys(COMMANDS).join(", ")}; see kafka-ops --help)`);
  return found;
}

export function version(): string {
  // cli/main.ts in a checkout, dist/cli/main.js in a published package: the manifest is the
  // nearest package.json above this file.
  const url = [new URL("../package.json", import.meta.url), new URL("../../package.json", import.meta.url)].find((u) => existsSync(u))!;
  const pkg = JSON.parse(readFileSync(url, "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}

/** Exit code and the one stderr line for an error that reached the top. */
export function describeError(error: unknown, debug: boolean): { code: ExitCode; message: string } {
  if (error instanceof KafkaOpsError && (error.code === "BAD_INPUT" || error.code === "NOT_FOUND")) {
    return { code: EXIT.badInput, message: `kafka-ops: ${oneLine(error.message, 1000)}\n` };
  }
  // A cluster the command cannot do without did not answer: not a bug, so no "internal error".
  if (error instanceof ClusterUnreachableError || error instanceof LiveReadError) {
    return { code: EXIT.internal, message: `kafka-ops: ${oneLine(error.message, 1000)}\n` };
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack = debug && error instanceof Error && error.stack ? `${error.stack}\n` : "";
  const hint = debug ? "" : " (set KAFKA_OPS_DEBUG=1 for details)";
  return { code: EXIT.internal, message: `kafka-ops: internal error: ${oneLine(message, 1000)}${hint}\n${stack}` };
}

function fail(error: unknown): void {
  const { code, message } = describeError(error, process.env.KAFKA_OPS_DEBUG === "1");
  // The last way out: whatever threw, the line (and a debug stack) carries no configured secret.
  process.stderr.write(redactor(loadedSecrets())(message));
  process.exitCode = code;
}

if (import.meta.main ?? process.argv[1] === new URL(import.meta.url).pathname) {
  // Cache compiled code between runs (Node >= 22.1; NODE_DISABLE_COMPILE_CACHE=1 turns it off).
  module.enableCompileCache?.();
  process.on("uncaughtException", (error) => {
    fail(error);
    process.exit();
  });
  process.on("unhandledRejection", (error) => {
    fail(error);
    process.exit();
  });
  // `kafka-ops investigate x | head`: a closed pipe is not an error worth a word.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit();
    fail(error);
    process.exit();
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, fail);
}
