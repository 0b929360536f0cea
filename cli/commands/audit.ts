/**
 * `kafka-ops audit`: who approved or rejected what, what ran, what it did, what the
 * verification said; `--verify` checks the hash chain (remediation/audit.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { parseCommandArgs } from "../args.ts";
import { UsageError } from "../errors.ts";
import { EXIT, EXIT_CODES_HELP, type ExitCode } from "../exit-codes.ts";

export const help = `Usage: kafka-ops audit [--since 24h] [--json] [--verify] [--file PATH | --config FILE]

Prints the audit log: every approval and rejection (who, when, why), every action the runner
applied or refused (plan hash, output, where it ran: a live cluster or a simulation) and every
verification. Entries are append-only JSON lines, each carrying the hash of the one before it;
secrets are redacted before anything is written.

Options:
  --since WHEN    only entries at or after WHEN: a span back from now ("30m", "24h", "7d")
                  or an ISO 8601 time ("2026-12-01T09:00:00Z"); default: every entry
  --json          print one JSON document: { file, exists, entries: [...] } (with --verify:
                  verification: { ok, entries, head, problem? }, and entries only with --since)
  --verify        check the whole hash chain: every line valid, in order, none edited,
                  removed, inserted or reordered; prints the head hash (keep it elsewhere: a
                  log cut short at a line end still verifies, a head no longer there shows it).
                  Exit 3 when the chain is broken: a human must look. With --since, also
                  lists the entries since then.
  --file PATH     the audit log (KAFKA_OPS_AUDIT_LOG; default audit.jsonl in the state
                  directory: settings state.dir, KAFKA_OPS_STATE_DIR or ~/.kafka-ops)
  --config FILE   JSON settings whose state.dir holds the log                 (KAFKA_OPS_CONFIG)
  -h, --help      show this help

${EXIT_CODES_HELP}
`;

const OPTIONS = {
  since: { type: "string" },
  json: { type: "boolean" },
  verify: { type: "boolean" },
  file: { type: "string" },
  config: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const SPAN = /^(\d+(?:\.\d+)?)(m|h|d)$/;
const SPAN_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The time `--since` names, from a span back from `now` or an ISO 8601 time. */
export function sinceTime(text: string, now: Date): Date {
  const span = SPAN.exec(text.trim());
  if (span) return new Date(now.getTime() - Number(span[1]) * SPAN_MS[span[2] as keyof typeof SPAN_MS]);
  const at = /^\d{4}-\d{2}-\d{2}(T|$)/.test(text.trim()) ? Date.parse(text.trim()) : NaN;
  if (Number.isNaN(at)) throw new UsageError(`--since: expected a span such as "30m", "24h" or "7d", or an ISO 8601 time, got ${JSON.stringify(text)}`);
  return new Date(at);
}

/** settings.state.dir when a settings file is given (flag or KAFKA_OPS_CONFIG). */
async function stateDir(config: string | undefined): Promise<string | undefined> {
  if (config === undefined && !process.env.KAFKA_OPS_CONFIG) return undefined;
  const { loadSettings } = await import("../../config/load.ts");
  return loadSettings({ ...(config !== undefined && { config }) }, process.env, { connects: false }).state.dir;
}

export async function run(args: string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs("audit", args, OPTIONS);
  if (values.help) {
    process.stdout.write(help);
    return EXIT.ok;
  }
  if (positionals.length) throw new UsageError(`audit: unexpected argument ${JSON.stringify(positionals[0])}`);
  const since = values.since === undefined ? undefined : sinceTime(values.since, new Date());
  const { auditPath, parseEntries, verifyAudit } = await import("../../remediation/audit.ts");
  const file = values.file ?? auditPath(process.env, await stateDir(values.config));
  const text = existsSync(file) ? readFileSync(file, "utf8") : undefined;

  // The chain is always checked whole (each line needs the one before it); --since only narrows what is listed.
  const check = values.verify ? verifyAudit(text ?? "") : undefined;
  const entries = (text === undefined || (check && !check.ok) ? [] : parseEntries(text, file)).filter((e) => !since || Date.parse(e.at) >= since.getTime());
  const code = check && !check.ok ? EXIT.escalate : EXIT.ok;
  if (values.json) {
    const listed = check && values.since === undefined ? {} : { entries };
    process.stdout.write(`${JSON.stringify({ file, exists: text !== undefined, ...(since && { since: since.toISOString() }), ...(check && { verification: check }), ...listed }, null, 2)}\n`);
    return code;
  }
  if (text === undefined) {
    process.stdout.write(`no audit log at ${file}: nothing has been approved or applied yet\n`);
    return code;
  }
  const { renderAudit } = await import("../render/audit.ts");
  if (!check || values.since !== undefined) process.stdout.write(renderAudit(entries, { file, ...(since && { since }) }));
  if (check) {
    const n = (k: number) => `${k} entr${k === 1 ? "y" : "ies"}`;
    process.stdout.write(
      check.ok
        ? `${file}: ${n(check.entries)}, chain intact; head ${check.head}\n`
        : `${file}: chain broken at line ${check.problem!.line}: ${check.problem!.why} (${n(check.entries)} verified before it)\n`,
    );
  }
  return code;
}
