/**
 * `kafka-ops reassign execute <plan.json> | status | cancel`: carries out a reassignment plan
 * (`kafka-ops plan reassign --json`) on a live cluster through the runner (guards, policy, a fresh
 * dry run, the precondition re-checked, apply, verify, audit) and the reassign_partitions
 * executor; reports and cleans up what runs.
 *
 * The gate: without --by, execute is the dry run only (what would move, the throttle) and nothing
 * changes; with --by NAME, that person's approval is recorded (audit log) and the plan runs. A
 * policy that forbids reassign_partitions still forbids it.
 *
 * Every reassign command first removes the throttles a killed run left behind once its partitions
 * no longer move (the ledger in the state dir).
 */
import { readFile } from "node:fs/promises";
import { parseCommandArgs } from "../args.ts";
import { InputFileError, UsageError } from "../errors.ts";
import { EXIT, type ExitCode } from "../exit-codes.ts";
import { LIVE_HELP, LIVE_OPTIONS, liveSettings } from "../live.ts";
import type { ProgressStream } from "../progress.ts";
import { formatDuration } from "../progress.ts";
import type { Action } from "../../contract/report.ts";
import type { Progress, ReassignDeps } from "../../remediation/reassign/execute.ts";

export const help = `Usage: kafka-ops reassign execute PLAN.json [--throttle auto|RATE|none] [--by NAME] [--json]
       kafka-ops reassign status [--json]
       kafka-ops reassign cancel [--all] [--json]

execute carries out a plan from kafka-ops plan reassign --json, batch by batch: replication
throttles on the brokers and replicas each batch involves only (incremental config changes),
AlterPartitionReassignments, progress on stderr (partitions, bytes, ETA), placement and ISR
verified after each batch, the throttles removed after each batch whatever happens (done,
failed, cancelled with Ctrl-C or SIGTERM). Without --by it is a dry run: what would move, and
nothing changes. With --by NAME it runs as approved by NAME (recorded in the audit log), through
the runner: guards, the policy (a policy that forbids reassign_partitions wins), a fresh dry run
compared with the plan, apply, verify. Running a plan again after a crash finishes it: moves done
are skipped, moves in flight are waited for.

status lists the reassignments in flight and the throttles this project has set; cancel stops
this project's reassignments in flight (--all: every one) and removes the throttles. Both, and
execute, first remove throttles that a killed run left behind once nothing of it still moves.

Options:
  --throttle T    auto (sized per batch from measured bytes in: see docs/reassign.md), a rate
                  such as 50MB/s or 500kB/s, or none; default auto
  --broker-capacity RATE   what one broker can take in, for --throttle auto (default 125MB/s)
  --by NAME       approve and run (who approves: the audit log records it)
  --policy FILE   the remediation policy (KAFKA_OPS_POLICY)
  --all           cancel: every reassignment in flight, not only this project's
  --json          one JSON document on stdout
  -h, --help      show this help

${LIVE_HELP}

State: throttles are recorded in KAFKA_OPS_STATE_DIR (default ~/.kafka-ops, reassign-throttles.json).

Exit codes: 0 done (execute: every batch moved, verified, throttles removed; a dry run shown);
3 a batch failed or was cancelled, or did not verify: a human must look; 2 bad input (plan file,
flags) or refused by the guards or the policy; 1 the cluster unreachable, or an internal error.
`;

const OPTIONS = {
  ...LIVE_OPTIONS,
  throttle: { type: "string" },
  "broker-capacity": { type: "string" },
  by: { type: "string" },
  policy: { type: "string" },
  all: { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>["values"];

export async function run(args: string[], io: { stdout?: ProgressStream; stderr?: ProgressStream } = {}): Promise<ExitCode> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const { values, positionals } = parseCommandArgs("reassign", args, OPTIONS);
  if (values.help) {
    stdout.write(help);
    return EXIT.ok;
  }
  const [sub, file, ...extra] = positionals;
  if (sub === undefined) throw new UsageError("reassign: missing subcommand (execute, status, cancel; see kafka-ops reassign --help)");
  if (!["execute", "status", "cancel"].includes(sub)) throw new UsageError(`reassign: unknown subcommand ${JSON.stringify(sub)} (expected execute, status or cancel)`);
  if (sub === "execute" && file === undefined) throw new UsageError("reassign execute: missing the plan file (kafka-ops plan reassign --json > plan.json)");
  const unexpected = sub === "execute" ? extra[0] : file;
  if (unexpected !== undefined) throw new UsageError(`reassign ${sub}: unexpected argument ${JSON.stringify(unexpected)}`);
  if (sub !== "execute") {
    const flag = (["throttle", "broker-capacity", "by", "policy"] as const).find((f) => values[f] !== undefined);
    if (flag) throw new UsageError(`reassign ${sub}: --${flag} applies to execute`);
  }
  if (sub !== "cancel" && values.all) throw new UsageError(`reassign ${sub}: --all applies to cancel`);
  if (values.by !== undefined && !values.by.trim()) throw new UsageError("reassign execute: --by needs a name (who approves)");

  const { parseThrottle } = await import("../../remediation/reassign/execute.ts");
  const { parseRate } = await import("../../remediation/reassign/throttles.ts");
  const throttle = values.throttle === undefined ? { kind: "auto" as const } : parseThrottle(values.throttle);
  if (!throttle) throw new UsageError(`--throttle: expected auto, none or a rate such as 50MB/s, got ${JSON.stringify(values.throttle)}`);
  const capacity = values["broker-capacity"] === undefined ? undefined : parseRate(values["broker-capacity"]);
  if (capacity === null) throw new UsageError(`--broker-capacity: expected a rate such as 125MB/s, got ${JSON.stringify(values["broker-capacity"])}`);
  if (capacity !== undefined && throttle.kind !== "auto") throw new UsageError("--broker-capacity applies to --throttle auto");
  const plan = sub === "execute" ? await readPlan(file!) : undefined;

  const settings = await liveSettings(values, process.env);
  const [{ liveWritePorts }, { stateLedger }, { redactor, loadedSecrets }] = await Promise.all([
    import("../../ports/write/live/index.ts"),
    import("../../remediation/reassign/throttles.ts"),
    import("../../config/secret.ts"),
  ]);
  const redact = redactor(loadedSecrets());
  const write = liveWritePorts(settings);
  const ledger = stateLedger(process.env, settings.state.dir);
  const { abortableSleep } = await import("../../remediation/reassign/execute.ts");
  const deps: ReassignDeps = { topics: write.topics, ledger, target: write.describe(), now: () => new Date(), sleep: abortableSleep, redact };
  try {
    if (sub === "status") return await status(deps, values, stdout);
    if (sub === "cancel") return await cancel(deps, values, stdout);
    const t = throttle.kind === "auto" && capacity !== undefined ? { ...throttle, brokerCapacityBytesPerSec: capacity } : throttle;
    return await execute(plan!, t, { deps, write, settings, values, stdout, stderr });
  } finally {
    await write.close?.();
  }
}

async function readPlan(file: string) {
  let text: string;
  try {
    text = file === "-" ? await new Response(process.stdin as unknown as ReadableStream).text() : await readFile(file, "utf8");
  } catch (error) {
    throw new InputFileError(`reassign execute: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, error);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`reassign execute: ${file} is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const { ReassignPlan } = await import("../../remediation/reassign/plan-format.ts");
  const parsed = ReassignPlan.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`reassign execute: ${file}: ${issue.path.join(".") || "(root)"}: ${issue.message} (expected a kafka-ops-reassign-plan/v1 from kafka-ops plan reassign --json)`);
  }
  return parsed.data;
}

async function status(deps: ReassignDeps, values: Values, stdout: ProgressStream): Promise<ExitCode> {
  const { reassignmentStatus } = await import("../../remediation/reassign/execute.ts");
  const s = await reassignmentStatus(deps);
  if (values.json) stdout.write(`${JSON.stringify({ target: deps.target, ledger: deps.ledger.describe, ongoing: s.ongoing, throttles: s.records, lines: s.lines }, null, 2)}\n`);
  else stdout.write(`${s.lines.map((l) => `${l}\n`).join("")}`);
  return EXIT.ok;
}

async function cancel(deps: ReassignDeps, values: Values, stdout: ProgressStream): Promise<ExitCode> {
  const { cancelReassignment } = await import("../../remediation/reassign/execute.ts");
  const c = await cancelReassignment(deps, { all: values.all === true });
  if (values.json) stdout.write(`${JSON.stringify({ target: deps.target, cancelled: c.cancelled, lines: c.lines }, null, 2)}\n`);
  else stdout.write(`${c.lines.map((l) => `${l}\n`).join("")}`);
  return EXIT.ok;
}

async function execute(
  plan: import("../../remediation/reassign/plan-format.ts").ReassignPlan,
  throttle: import("../../remediation/reassign/execute.ts").ThrottleChoice,
  io: { deps: ReassignDeps; write: import("../../ports/write/ports.ts").WritePorts; settings: import("../../config/settings.ts").Settings; values: Values; stdout: ProgressStream; stderr: ProgressStream },
): Promise<ExitCode> {
  const { deps, write, settings, values, stdout, stderr } = io;
  const [{ dryRunActions, applyActions }, { policyInForce }, { openAuditLog }] = await Promise.all([
    import("../../remediation/runner.ts"),
    import("../gate.ts"),
    import("../../remediation/audit.ts"),
  ]);
  const policy = await policyInForce(values.policy, settings, process.env);
  const action: Action = {
    kind: "reassign_partitions",
    risk: "high",
    requiresApproval: true,
    status: "proposed",
    params: { plan: JSON.stringify(plan), throttle: throttle.kind === "rate" ? throttle.bytesPerSec : throttle.kind, ...(throttle.kind === "auto" && throttle.brokerCapacityBytesPerSec && { brokerCapacity: throttle.brokerCapacityBytesPerSec }) },
    rationale: `reassignment plan (${plan.goal}, ${plan.summary.replicaMoves} replica moves in ${plan.batches.length} batches) from ${plan.source}`,
  };
  const abort = new AbortController();
  const { formatBytes } = await import("../../remediation/reassign/execute.ts");
  const progress = progressLine(stderr, formatBytes);
  const ctx = {
    write,
    now: () => new Date(),
    settle: async () => {},
    redact: deps.redact,
    signal: abort.signal,
    reassign: { ledger: deps.ledger, onProgress: progress.update },
  };
  const runnerDeps = { ctx, policy, findings: [], audit: openAuditLog({ env: process.env, stateDir: settings.state.dir, redact: deps.redact, now: ctx.now }) };
  const [dry] = await dryRunActions([action], runnerDeps);
  const shown = dry!;
  if (!values.by) {
    if (values.json) stdout.write(`${JSON.stringify({ target: deps.target, applied: false, action: withoutPlan(shown) }, null, 2)}\n`);
    else {
      stdout.write(renderDryRun(shown, deps.target));
      stdout.write(shown.dryRun?.refusal ? "" : `not applied: approve and run with --by NAME\n`);
    }
    return shown.dryRun?.refusal ? EXIT.badInput : EXIT.ok;
  }
  if (!values.json) stdout.write(renderDryRun(shown, deps.target));
  // Ctrl-C or SIGTERM cancels the batch in flight; its throttles are removed before the process ends.
  const onSignal = () => {
    progress.interrupt();
    stderr.write("kafka-ops: cancelling the batch in flight and removing its throttles...\n");
    abort.abort();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let result;
  try {
    const approved: Action = { ...shown, approval: { decision: "approved", by: values.by.trim(), at: new Date().toISOString(), via: "human" } };
    result = await applyActions([approved], [1], runnerDeps, "approve");
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    progress.interrupt();
  }
  const done = result.actions[0]!;
  if (values.json) stdout.write(`${JSON.stringify({ target: deps.target, applied: result.applied.includes(1), skipped: result.skipped, action: withoutPlan(done) }, null, 2)}\n`);
  else {
    for (const l of done.output ?? []) stdout.write(`${l}\n`);
    if (done.verification) stdout.write(`verified: ${done.verification.ok ? "ok" : "NOT OK"}: ${done.verification.detail}\n`);
  }
  if (result.applied.includes(1)) return EXIT.ok;
  // Ran and failed, was cancelled or did not verify: a human must look. Refused before anything ran (guards, policy, a changed cluster): 2.
  return done.appliedAt !== undefined ? EXIT.escalate : EXIT.badInput;
}

/** The action without its plan (already in the file) and its precondition: what a reader needs. */
function withoutPlan(a: Action): Action {
  const { plan: _plan, ...params } = a.params;
  const dryRun = a.dryRun && (({ precondition: _p, ...rest }) => rest)(a.dryRun);
  return { ...a, params, ...(dryRun && { dryRun }) };
}

function renderDryRun(a: Action, target: string): string {
  const d = a.dryRun;
  const out = [`reassign_partitions on ${target}`];
  if (d?.refusal) out.push(`  refused   ${d.refusal}`);
  for (const e of d?.effect ?? []) out.push(`  effect    ${e}`);
  for (const w of d?.warnings ?? []) out.push(`  warning   ${w}`);
  return `${out.join("\n")}\n`;
}

/** Progress on stderr: one line rewritten in place on a terminal, a line per batch otherwise. */
function progressLine(out: ProgressStream, formatBytes: (n: number) => string) {
  const tty = out.isTTY === true;
  let open = false;
  let lastBatch = 0;
  return {
    update(p: Progress) {
      const eta = p.etaSec === null ? "ETA -" : `ETA ${formatDuration(p.etaSec * 1000)}`;
      const line = `kafka-ops: batch ${p.batch}/${p.batches} · ${p.partitionsDone}/${p.partitions} partitions · ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytes)} · ${eta}`;
      if (tty) {
        out.write(`\r\x1b[2K${line}`);
        open = true;
      } else if (p.batch !== lastBatch || p.partitionsDone === p.partitions) {
        out.write(`${line}\n`);
      }
      lastBatch = p.batch;
    },
    interrupt() {
      if (open) out.write("\n");
      open = false;
    },
  };
}
