/**
 * `kafka-ops plan reassign`: reads a live cluster's assignment (replicas, ISR, racks, sizes) and
 * prints the planner's reassignment plan (remediation/reassign/planner.ts): a summary, or with
 * --json the kafka-ops-reassign-plan/v1 document `kafka-ops reassign execute` takes. Reads only.
 */
import { writeFile } from "node:fs/promises";
import { parseCommandArgs, parseCountFlag } from "../args.ts";
import { UsageError } from "../errors.ts";
import { EXIT, type ExitCode } from "../exit-codes.ts";
import { LIVE_HELP, LIVE_OPTIONS, liveSettings } from "../live.ts";
import type { ProgressStream } from "../progress.ts";
import { formatDuration } from "../progress.ts";

export const help = `Usage: kafka-ops plan reassign (--add-broker IDS | --remove-broker IDS | --balance) [--topics REGEX]
                             [--throttle RATE] [--max-moves-per-broker N] [--json] [--out FILE]

Plans a partition reassignment from the cluster as it is now (reads only): the fewest replica
moves that bring every broker within one replica of the mean (bytes too, when log dir sizes are
readable), preferred leaders balanced, no two replicas of a partition on one rack where racks
allow, never fewer replicas than now during a move; batches with at most N moves per broker.

  --add-broker IDS     brokers that joined empty (comma-separated): they take their share
  --remove-broker IDS  brokers to empty: every replica leaves them
  --balance            even out the brokers as they are
  --topics REGEX       plan only the topics whose whole name matches
  --throttle RATE      only for the estimate: how long the plan takes at that rate (e.g. 50MB/s)
  --max-moves-per-broker N   replica copies one broker sends or receives per batch (default 5)
  --json               the plan (kafka-ops-reassign-plan/v1) on stdout
  --out FILE           also write the plan there (for kafka-ops reassign execute FILE)
  -h, --help           show this help

${LIVE_HELP}
`;

const OPTIONS = {
  ...LIVE_OPTIONS,
  "add-broker": { type: "string" },
  "remove-broker": { type: "string" },
  balance: { type: "boolean" },
  topics: { type: "string" },
  throttle: { type: "string" },
  "max-moves-per-broker": { type: "string" },
  json: { type: "boolean" },
  out: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function run(args: string[], io: { stdout?: ProgressStream } = {}): Promise<ExitCode> {
  const stdout = io.stdout ?? process.stdout;
  const { values, positionals } = parseCommandArgs("plan", args, OPTIONS);
  if (values.help) {
    stdout.write(help);
    return EXIT.ok;
  }
  const [what, ...extra] = positionals;
  if (what !== "reassign") throw new UsageError(what === undefined ? "plan: missing what to plan (reassign; see kafka-ops plan --help)" : `plan: unknown plan ${JSON.stringify(what)} (expected reassign)`);
  if (extra.length) throw new UsageError(`plan reassign: unexpected argument ${JSON.stringify(extra[0])}`);
  const goals = [values["add-broker"] !== undefined, values["remove-broker"] !== undefined, values.balance === true].filter(Boolean).length;
  if (goals !== 1) throw new UsageError("plan reassign: give exactly one of --add-broker IDS, --remove-broker IDS, --balance");
  const ids = (flag: string, text: string) => {
    const parts = text.split(/[\s,]+/).filter(Boolean);
    if (!parts.length || !parts.every((p) => /^\d{1,9}$/.test(p))) throw new UsageError(`--${flag}: expected broker ids such as 4 or 4,5, got ${JSON.stringify(text)}`);
    return [...new Set(parts.map(Number))];
  };
  const goal =
    values["add-broker"] !== undefined
      ? { kind: "add-broker" as const, brokers: ids("add-broker", values["add-broker"]) }
      : values["remove-broker"] !== undefined
        ? { kind: "remove-broker" as const, brokers: ids("remove-broker", values["remove-broker"]) }
        : { kind: "balance" as const };
  if (values.topics !== undefined) {
    try {
      new RegExp(`^(?:${values.topics})$`);
    } catch (error) {
      throw new UsageError(`--topics: not a regular expression: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const { parseRate } = await import("../../remediation/reassign/throttles.ts");
  const rate = values.throttle === undefined ? undefined : parseRate(values.throttle);
  if (rate === null) throw new UsageError(`--throttle: expected a rate such as 50MB/s, got ${JSON.stringify(values.throttle)}`);
  const maxMoves = values["max-moves-per-broker"] === undefined ? undefined : parseCountFlag("max-moves-per-broker", values["max-moves-per-broker"], 1, 1000);

  const settings = await liveSettings(values, process.env);
  const [{ liveWritePorts }, { readClusterState }, { planReassignment }] = await Promise.all([
    import("../../ports/write/live/index.ts"),
    import("../../remediation/reassign/cluster-state.ts"),
    import("../../remediation/reassign/planner.ts"),
  ]);
  const write = liveWritePorts(settings);
  let state;
  try {
    state = await readClusterState(write.topics);
  } finally {
    await write.close?.();
  }
  const known = new Set(state.brokers.map((b) => b.id));
  if (goal.kind !== "balance") {
    const missing = goal.brokers.filter((b) => !known.has(b));
    if (missing.length) throw new UsageError(`--${goal.kind}: broker${missing.length > 1 ? "s" : ""} ${missing.join(", ")} not in the cluster (brokers ${[...known].join(", ")}); start ${goal.kind === "add-broker" ? "it first: a reassignment can only move replicas onto a running broker" : "from the brokers the cluster has"}`);
  }
  const plan = planReassignment({
    partitions: state.partitions,
    brokers: state.brokers,
    goal,
    ...(values.topics !== undefined && { topics: values.topics }),
    source: write.describe(),
    ...(maxMoves !== undefined && { options: { maxMovesPerBrokerPerBatch: maxMoves } }),
  });
  const doc = `${JSON.stringify(plan, null, 2)}\n`;
  if (values.out !== undefined) await writeFile(values.out, doc);
  if (values.json) {
    stdout.write(doc);
    return EXIT.ok;
  }
  const { formatBytes } = await import("../../remediation/reassign/execute.ts");
  const s = plan.summary;
  const lines = [
    `reassignment plan (${plan.goal}) for ${plan.source}: ${s.partitions} partitions considered${state.skipped.length ? ` (internal topics left alone: ${state.skipped.length})` : ""}`,
    `  replica moves      ${s.replicaMoves} (the minimum any plan needs: ${s.minimumMoves})`,
    `  leader changes     ${s.leaderChanges}`,
    `  bytes to copy      ${s.bytes || s.replicaMoves === 0 ? formatBytes(s.bytes) : "unknown (log dir sizes not readable)"}`,
    `  replica spread     ${s.replicaSpreadBefore} -> ${s.replicaSpreadAfter}`,
    `  leader spread      ${s.leaderSpreadBefore} -> ${s.leaderSpreadAfter}`,
    `  rack violations    ${s.rackViolationsBefore} -> ${s.rackViolationsAfter}`,
    `  batches            ${plan.batches.length}`,
  ];
  if (rate !== undefined && s.bytes) lines.push(`  at ${values.throttle}       about ${formatDuration((s.bytes / rate) * 1000)} of copying (each batch waits for its slowest move)`);
  for (const [i, b] of plan.batches.slice(0, 10).entries()) lines.push(`  batch ${i + 1}: ${b.moves.length} moves, ${formatBytes(b.bytes)}, brokers ${b.brokers.join(",")}`);
  if (plan.batches.length > 10) lines.push(`  ... and ${plan.batches.length - 10} more batches`);
  lines.push(values.out !== undefined ? `written to ${values.out}: kafka-ops reassign execute ${values.out} --by NAME` : "write it with --out FILE (or --json > FILE), then: kafka-ops reassign execute FILE --by NAME");
  stdout.write(`${lines.join("\n")}\n`);
  return EXIT.ok;
}
