/**
 * `kafka-ops chat`: ask the agents about an incident, in a conversation. The answer streams as
 * it is written, tool calls as they run; /plan, /approve and /report show where the
 * investigation stands. The REPL is chat/repl.ts; what answers is chat/graph-engine.ts,
 * loaded (with the graph and LangGraph) only once the input has been read and validated.
 */
import { EventEmitter } from "node:events";
import { userInfo } from "node:os";
import { parseCommandArgs } from "../args.ts";
import { UsageError } from "../errors.ts";
import { EXIT, EXIT_CODES_HELP, type ExitCode } from "../exit-codes.ts";
import { readInput } from "../input.ts";
import { focus, LIVE_HELP, LIVE_OPTIONS, liveSettings, openLiveSession, wantsLive } from "../live.ts";
import { withConsoleOnStderr } from "../stdout.ts";
import type { ChatEngineOptions } from "../../chat/graph-engine.ts";
import { loadedSecrets, redactor } from "../../config/secret.ts";

export const help = `Usage: kafka-ops chat --incident FILE [options]
       kafka-ops chat --bootstrap HOSTS [--schema-registry URL] [--group G | --topic T] [options]

A conversation about an incident: ask in plain words ("why is payments lagging?") and the
agents answer, reading the recorded incident (--incident) or a live cluster (--bootstrap) as
they go. Tool calls show as they run, the evidence after each answer.

In the chat:
  /plan              the decision and numbered actions (or the escalation)
  /approve N[,M]|all approve actions at the approval gate: they run through the runner (guards,
                     a fresh dry run, apply, verify, audit), once; a recorded incident's act on
                     an in-memory simulation of it, never on a cluster
  /report [--json]   the full investigation report (or its kafka-investigation/v1 JSON)
  /help, /quit       (also Ctrl-D, or Ctrl-C twice at an empty prompt)
Ctrl-C while an answer runs cancels that answer and returns to the prompt.

Options:
  --incident FILE    the recorded incident (kafka-incident/v1) to talk about
  --group G          live: the consumer group the conversation is about
  --topic T          live: the topic the conversation is about
  --thread ID        resume the conversation with this thread id (printed at start)
  --by NAME          who approves with /approve (default: the operating-system user)
  --policy FILE      the remediation policy (KAFKA_OPS_POLICY; default: every action needs a human)
  --llm-model M      the model to use (with OPENAI_API_KEY or OPENAI_BASE_URL)
  -h, --help         show this help

Model: OPENAI_API_KEY (or OPENAI_BASE_URL for an OpenAI-compatible server); without either,
answers come from the deterministic rules.
Colour: only when stdout is a terminal and NO_COLOR is unset; FORCE_COLOR=1 forces it.

${LIVE_HELP}

${EXIT_CODES_HELP}
`;

const OPTIONS = {
  ...LIVE_OPTIONS,
  incident: { type: "string" },
  group: { type: "string" },
  topic: { type: "string" },
  thread: { type: "string" },
  "llm-model": { type: "string" },
  by: { type: "string" },
  policy: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function run(args: string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs("chat", args, OPTIONS);
  if (values.help) {
    process.stdout.write(help);
    return EXIT.ok;
  }
  if (positionals.length) throw new UsageError(`chat: unexpected argument ${JSON.stringify(positionals[0])} (the incident file goes after --incident)`);
  const live = values.incident === undefined && wantsLive(values, process.env);
  if (values.incident === undefined && !live) throw new UsageError("chat: missing --incident FILE, or --bootstrap for a live cluster");
  if (values.incident !== undefined && values.bootstrap !== undefined) throw new UsageError("chat: give --incident or --bootstrap, not both");
  if (values.incident === "-") throw new UsageError("chat: --incident needs a file (stdin is where the chat reads your questions)");
  for (const [flag, value] of [["--thread", values.thread], ["--llm-model", values["llm-model"]], ["--by", values.by]] as const) {
    if (value !== undefined && !value.trim()) throw new UsageError(`chat: ${flag} needs a non-empty value`);
  }
  // Settings (the model's among them) are read here, once, for the engine: flags, env, --config.
  const settings = await liveSettings(values, process.env, { connects: live });
  const common: ChatEngineOptions = {
    settings,
    ...(values.thread !== undefined && { threadId: values.thread }),
    ...(values["llm-model"] !== undefined && { model: values["llm-model"] }),
  };

  if (!live) {
    const [{ parseIncidentText }, input] = await Promise.all([import("../../contract/parse.ts"), readInput(values.incident!)]);
    const incident = parseIncidentText(input.text, input.source);
    const gate = await chatGate({ kind: "replay", incident }, settings, values, incident.title);
    return converse({ ...common, incident, gate }, incident.title);
  }

  if (!settings.kafka) throw new UsageError("chat: no Kafka to connect to (--bootstrap, KAFKA_BOOTSTRAP_SERVERS or kafka.bootstrap in --config)");
  const { about, alert } = focus(values);
  const title = `live: ${about} on ${settings.kafka.bootstrap.join(",")}`;
  const { liveDescriptor } = await import("../../remediation/approvals/target.ts");
  const gate = await chatGate(liveDescriptor(settings, values.config ?? process.env.KAFKA_OPS_CONFIG), settings, values, title);
  try {
    const session = await openLiveSession(settings);
    try {
      return await converse({ ...common, ports: session.ports, policy: settings.policy, gate, ...(alert && { alert }) }, title);
    } finally {
      await session.close();
    }
  } finally {
    // converse closes the engine and with it the gate; this covers a session that failed to open.
    await gate.close();
  }
}

/** The approval gate /approve decides at (the state store opens here; nothing is recorded until /approve). */
async function chatGate(
  target: import("../../remediation/approvals/target.ts").TargetDescriptor,
  settings: import("../../config/settings.ts").Settings,
  values: { by?: string | undefined; policy?: string | undefined },
  title: string,
) {
  const { openChatGate, policyInForce } = await import("../gate.ts");
  const policy = await policyInForce(values.policy, settings, process.env);
  return openChatGate({ target, settings, policy, env: process.env, title, by: values.by?.trim() || osUser() });
}

function osUser(): string {
  try {
    return userInfo().username || process.env.USER || "unknown";
  } catch {
    return process.env.USER || "unknown";
  }
}

async function converse(request: ChatEngineOptions, title: string): Promise<ExitCode> {
  // The engine (and with it the graph and LangGraph) loads only here.
  const { createChatEngine } = await import("../../chat/graph-engine.ts");
  const [{ runRepl }, engine] = await Promise.all([import("../../chat/repl.ts"), withConsoleOnStderr(async () => createChatEngine(request))]);

  // Ctrl-C reaches the REPL as a key when stdin is a terminal (raw mode), else as SIGINT: both
  // cancel the running answer; twice at an empty prompt they end the chat.
  const interrupts = new EventEmitter();
  const onSigint = () => interrupts.emit("interrupt");
  process.on("SIGINT", onSigint);
  try {
    const redact = redactor(loadedSecrets());
    await withConsoleOnStderr(() => runRepl({ engine, input: process.stdin, output: process.stdout, interrupts, title, redact }));
  } finally {
    process.off("SIGINT", onSigint);
    await engine.close();
  }
  return EXIT.ok;
}

