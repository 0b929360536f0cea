/**
 * `kafka-ops investigate <file | ->`: replay a recorded incident through the agents and print
 * the report. Heavy modules (the graph, LangGraph) load only once the input has parsed.
 */
import { parseCommandArgs } from "../args.ts";
import { UsageError } from "../errors.ts";
import { EXIT, EXIT_CODES_HELP, exitCodeForDecision, type ExitCode } from "../exit-codes.ts";
import { readInput } from "../input.ts";
import { focus, FOCUS_HELP, LIVE_HELP, LIVE_OPTIONS, liveSettings, openLiveSession, wantsLive } from "../live.ts";
import type { FocusValues } from "../live.ts";
import { withConsoleOnStderr } from "../stdout.ts";
import { replayThresholds, settingsThresholds } from "../thresholds-config.ts";
import { KafkaOpsError } from "../../errors.ts";
import type { Report } from "../../contract/report.ts";
import type { Specialist } from "../../contract/vocabulary.ts";
import type { Thresholds } from "../../config/thresholds/index.ts";
import { loadedSecrets } from "../../config/secret.ts";
import { MODE_HELP, parseMode, STATE_HELP, type GatedRun } from "../gate.ts";
import type { RemediationMode } from "../../graph/remediation.ts";

export const help = `Usage: kafka-ops investigate <incident.json | -> [options]
       kafka-ops investigate --bootstrap HOSTS [--schema-registry URL] [--alert KIND] [--group G] [--topic T] [options]

Replays a recorded incident (kafka-incident/v1) through the agents, or investigates a live
cluster (sampling it --samples times, --interval apart), and prints what the agents
conclude: a report for people, or with --json one kafka-investigation/v1 document.
Use - to read the incident from stdin. With --config FILE a replay applies the file's
threshold overrides too (kafka-ops thresholds lists them).

Options:
${FOCUS_HELP}
  --json          print exactly one kafka-investigation/v1 JSON document on stdout
  --html FILE     also write the report as one self-contained HTML page (lag charts, no
                  scripts, nothing fetched; docs/report-page.md)
  --agents LIST   run only these specialists (comma-separated: streaming,schema,quality)
                  instead of letting triage choose; incident-debugging always runs
  --llm           let a model take part (triage, tool loops, synthesis) within a budget
                  (6 calls, 30,000 tokens); the rules keep the decision and the actions.
                  Needs OPENAI_API_KEY and/or OPENAI_BASE_URL (model: KAFKA_OPS_LLM_MODEL,
                  default gpt-4o-mini); the report's "llm" field says what it did
${MODE_HELP}
  -h, --help      show this help

Colour: only when stdout is a terminal and NO_COLOR is unset; FORCE_COLOR=1 forces it,
FORCE_COLOR=0 turns it off.

${STATE_HELP}

${LIVE_HELP}

${EXIT_CODES_HELP}
`;

const OPTIONS = {
  ...LIVE_OPTIONS,
  alert: { type: "string" },
  group: { type: "string" },
  topic: { type: "string" },
  json: { type: "boolean" },
  html: { type: "string" },
  agents: { type: "string" },
  llm: { type: "boolean" },
  mode: { type: "string" },
  policy: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function run(args: string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs("investigate", args, OPTIONS);
  if (values.help) {
    process.stdout.write(help);
    return EXIT.ok;
  }
  const live = positionals.length === 0 && wantsLive(values, process.env);
  if (positionals.length === 0 && !live) throw new UsageError("investigate: missing incident file (a path, or - for stdin), or --bootstrap for a live cluster");
  if (positionals.length > 1) throw new UsageError(`investigate: expected one incident file, got ${positionals.length}`);
  if (values.html !== undefined && !values.html.trim()) throw new UsageError("--html: expected the path of the page to write");
  if (!live) {
    // A recorded incident carries its own alert; a flag that would be ignored is a mistake to say.
    const liveOnly = (["alert", "group", "topic"] as const).find((f) => values[f] !== undefined);
    if (liveOnly) throw new UsageError(`investigate: --${liveOnly} applies to a live investigation (--bootstrap); a recorded incident carries its own alert`);
  }

  const { SPECIALISTS } = await import("../../contract/vocabulary.ts");
  const agents = values.agents === undefined ? undefined : parseAgents(values.agents, SPECIALISTS);
  const llm = values.llm ? await llmOptions(values, live) : undefined;
  const mode = parseMode(values.mode);
  if (values.policy !== undefined && mode === "propose") throw new UsageError("--policy: applies with --mode dry-run, approve or auto (propose runs nothing)");
  const gate = { mode, policy: values.policy };
  const { report, title } = live ? await investigateLive(values, agents, llm, gate) : await investigateFile(positionals[0]!, agents, llm, await replayThresholds(values, process.env), gate, values);
  await checkReport(report);
  if (values.html !== undefined) await (await import("../../report/write.ts")).writeReportHtml(values.html, report, { title });
  if (report.llm) {
    const u = report.llm;
    process.stderr.write(`kafka-ops: LLM ${u.model}: ${u.calls} calls, ${u.totalTokens} tokens${u.notes.length ? `\n${u.notes.map((n) => `kafka-ops: llm note: ${n}`).join("\n")}` : ""}\n`);
  }

  if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    const [{ renderReport }, { createStyle, shouldColor }] = await Promise.all([import("../render/report.ts"), import("../render/text.ts")]);
    const style = createStyle(shouldColor(process.stdout, process.env));
    process.stdout.write(renderReport(report, { style, title }));
  }
  return exitCodeForDecision(report.decision);
}

type LlmOptions = NonNullable<import("../../investigate.ts").InvestigateOptions["llm"]>;

/** --llm: the model settings from the environment (or --config); a usage error when there are none. */
async function llmOptions(values: Parameters<typeof liveSettings>[0], live: boolean): Promise<LlmOptions> {
  const settings = await liveSettings(values, process.env, { connects: live });
  if (!settings.llm) throw new UsageError("--llm: no model configured (set OPENAI_API_KEY and/or OPENAI_BASE_URL, optionally KAFKA_OPS_LLM_MODEL)");
  return { settings: settings.llm };
}

interface GateFlags {
  mode: RemediationMode;
  policy: string | undefined;
}

/** Opens the write side and the state a mode needs; undefined for propose (nothing runs, nothing opened). */
async function openGate(
  gate: GateFlags,
  target: import("../../remediation/approvals/target.ts").TargetDescriptor,
  settings: import("../../config/settings.ts").Settings,
  title: string,
): Promise<GatedRun | undefined> {
  if (gate.mode === "propose") return undefined;
  const { openGatedRun, policyInForce } = await import("../gate.ts");
  const policy = await policyInForce(gate.policy, settings, process.env);
  return openGatedRun({ mode: gate.mode, target, settings, policy, env: process.env, title });
}

async function investigateFile(
  path: string,
  agents: Specialist[] | undefined,
  llm: LlmOptions | undefined,
  thresholds: Thresholds | undefined,
  gate: GateFlags,
  values: Parameters<typeof liveSettings>[0],
): Promise<{ report: Report; title: string }> {
  const [{ parseIncidentText }, input] = await Promise.all([import("../../contract/parse.ts"), readInput(path)]);
  const incident = parseIncidentText(input.text, input.source);
  const { investigate } = await import("../../investigate.ts");
  // A replay's actions act on a simulation of the recorded cluster: the state and the policy
  // still come from the settings (a replay connects to nothing).
  const gated = gate.mode === "propose" ? undefined : await openGate(gate, { kind: "replay", incident }, await liveSettings(values, process.env, { connects: false }), incident.title);
  try {
    const report = await withConsoleOnStderr(() =>
      investigate(incident, { ...(agents && { agents }), ...(llm && { llm }), ...(thresholds && { thresholds }), secrets: loadedSecrets(), ...(gated && { remediation: gated.remediation }) }),
    );
    await gated?.finish(report);
    return { report, title: incident.title };
  } finally {
    await gated?.close();
  }
}

async function investigateLive(
  values: Parameters<typeof liveSettings>[0] & FocusValues,
  agents: Specialist[] | undefined,
  llm: LlmOptions | undefined,
  gate: GateFlags,
): Promise<{ report: Report; title: string }> {
  const settings = await liveSettings(values, process.env);
  if (!settings.kafka) throw new UsageError("investigate: no Kafka to connect to (--bootstrap, KAFKA_BOOTSTRAP_SERVERS or kafka.bootstrap in --config)");
  const { about, alert } = focus(values);
  const { investigatePorts } = await import("../../investigate.ts");
  const thresholds = await settingsThresholds(settings);
  const { liveDescriptor } = await import("../../remediation/approvals/target.ts");
  const title = `live investigation of ${about} on ${settings.kafka.bootstrap.join(",")}`;
  const gated = await openGate(gate, liveDescriptor(settings, values.config ?? process.env.KAFKA_OPS_CONFIG), settings, title);
  try {
    const session = await openLiveSession(settings);
    try {
      const report = await withConsoleOnStderr(() =>
        investigatePorts(session.ports, {
          ...(agents && { agents }),
          ...(llm && { llm }),
          policy: settings.policy,
          thresholds,
          secrets: loadedSecrets(),
          ...(alert && { alert }),
          ...(gated && { remediation: gated.remediation }),
        }),
      );
      await gated?.finish(report);
      return { report, title };
    } finally {
      await session.close();
    }
  } finally {
    await gated?.close();
  }
}

/** `streaming,schema` -> the specialists, in the order given, without duplicates. */
export function parseAgents(list: string, known: readonly Specialist[]): Specialist[] {
  const names = list.split(",").map((s) => s.trim()).filter(Boolean);
  if (!names.length) throw new UsageError(`--agents: expected a comma-separated list of ${known.join(", ")}`);
  const unknown = names.filter((n) => !(known as readonly string[]).includes(n));
  if (unknown.length) {
    const quoted = unknown.map((n) => JSON.stringify(n)).join(", ");
    throw new UsageError(`--agents: unknown agent${unknown.length > 1 ? "s" : ""} ${quoted} (expected ${known.join(", ")})`);
  }
  return [...new Set(names as Specialist[])];
}

/** The report must keep the contract: if it does not, that is our bug (exit 1), not bad input. */
async function checkReport(report: Report): Promise<void> {
  const [{ Report }, { jsonPath }] = await Promise.all([import("../../contract/report.ts"), import("../../contract/parse.ts")]);
  const result = Report.safeParse(report);
  if (result.success) return;
  const issue = result.error.issues[0]!;
  throw new KafkaOpsError("INTERNAL", `the report breaks kafka-investigation/v1 at ${jsonPath("report", issue.path)}: ${issue.message}`);
}

