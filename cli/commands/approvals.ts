/**
 * `kafka-ops approvals list | show ID | approve ID | reject ID`: the investigations the approval
 * gate holds, from any process, any time after they stopped. Approve and reject go through
 * remediation/approvals/session.ts: claimed exactly once, then the graph resumes.
 */
import { parseCommandArgs } from "../args.ts";
import { UsageError } from "../errors.ts";
import { EXIT, type ExitCode } from "../exit-codes.ts";
import { liveSettings } from "../live.ts";
import { withConsoleOnStderr } from "../stdout.ts";
import { loadedSecrets, redactor } from "../../config/secret.ts";
import type { Report } from "../../contract/report.ts";
import type { InvestigationRecord } from "../../state/investigations.ts";
import type { DurableState } from "../../state/open.ts";

export const help = `Usage: kafka-ops approvals list [--json]
       kafka-ops approvals show ID [--json]
       kafka-ops approvals approve ID --by NAME [--only N,M] [--reason TEXT] [--json]
       kafka-ops approvals reject ID --by NAME --reason TEXT [--json]

Investigations that stopped at the approval gate (investigate --mode approve, or the actions
--mode auto left to a human). show prints the plan: each action's risk, what the policy said,
the dry run's exact effect, its rollback, the blast radius. approve resumes the investigation
from where it stopped, from any process, and applies the approved actions through the runner
(guards, limits, a fresh dry run, the precondition re-checked, apply, verify, audit); reject
records the decision and applies nothing. Each investigation is decided exactly once: a second
approve or reject, from this process or any other, is refused (exit 2).

Numbers are the actions' 1-based indexes, as show lists them. approve --only N,M approves those
and rejects the others the gate holds ("not selected"); reject decides every action it holds.

Options:
  --by NAME       who decides (recorded in the report, the state store and the audit log)
  --only N,M      approve only these actions (the others held are rejected)
  --reason TEXT   why (required to reject)
  --json          approve/reject: the resumed kafka-investigation/v1 report; list/show: JSON
  --config FILE   settings (state.dir / state.postgres.url, policy)        (KAFKA_OPS_CONFIG)
  -h, --help      show this help

State: KAFKA_OPS_STATE_DIR (default ~/.kafka-ops, state.sqlite) or KAFKA_OPS_POSTGRES_URL.
A live investigation resumes against the cluster it was started on, with the credentials of
this process's environment (KAFKA_SASL_PASSWORD...): none is stored with the investigation.

Exit codes: 0 decided (and every approved action applied and verified); 3 an approved action
failed or did not verify: a human must look; 2 refused (unknown id, already decided, an index
the gate does not hold) or bad input; 1 internal error (or a live cluster unreachable).
`;

const OPTIONS = {
  by: { type: "string" },
  only: { type: "string" },
  reason: { type: "string" },
  json: { type: "boolean" },
  config: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>["values"];

export async function run(args: string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs("approvals", args, OPTIONS);
  if (values.help) {
    process.stdout.write(help);
    return EXIT.ok;
  }
  const [sub, id, ...extra] = positionals;
  if (sub === undefined) throw new UsageError("approvals: missing subcommand (list, show, approve, reject; see kafka-ops approvals --help)");
  if (!["list", "show", "approve", "reject"].includes(sub)) throw new UsageError(`approvals: unknown subcommand ${JSON.stringify(sub)} (expected list, show, approve or reject)`);
  if (sub === "list" ? id !== undefined : id === undefined) throw new UsageError(sub === "list" ? "approvals list: takes no investigation id" : `approvals ${sub}: missing the investigation id (kafka-ops approvals list shows them)`);
  if (extra.length) throw new UsageError(`approvals ${sub}: unexpected argument ${JSON.stringify(extra[0])}`);
  const deciding = sub === "approve" || sub === "reject";
  if (!deciding) {
    const flag = (["by", "only", "reason"] as const).find((f) => values[f] !== undefined);
    if (flag) throw new UsageError(`approvals ${sub}: --${flag} applies to approve and reject`);
  } else {
    if (values.by === undefined || !values.by.trim()) throw new UsageError(`approvals ${sub}: --by NAME is required (who decides)`);
    if (sub === "reject" && (values.reason === undefined || !values.reason.trim())) throw new UsageError("approvals reject: --reason TEXT is required");
  }
  const only = values.only === undefined ? undefined : parseOnly(values.only);

  const settings = await liveSettings(values, process.env, { connects: false });
  const { openState } = await import("../../state/open.ts");
  const state = await openState(settings.state);
  try {
    if (sub === "list") return await list(state, values);
    if (sub === "show") return await show(state, id!, values);
    return await decide(state, id!, sub === "approve" ? "approved" : "rejected", { ...values, ...(only && { onlyList: only }) }, settings);
  } finally {
    await state.close();
  }
}

/** `1,3` or `1 3`: 1-based indexes, deduplicated. */
export function parseOnly(text: string): number[] {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (!parts.length || !parts.every((p) => /^[1-9]\d{0,5}$/.test(p))) throw new UsageError(`--only: expected action numbers such as 1,3, got ${JSON.stringify(text)}`);
  return [...new Set(parts.map(Number))];
}

function targetLabel(target: unknown): string {
  const t = target as { kind?: string; incident?: { id?: string }; bootstrap?: string[] };
  return t.kind === "replay" ? `simulation of recorded incident ${t.incident?.id ?? "?"}` : `live ${(t.bootstrap ?? []).join(",")}`;
}

function statusText(r: InvestigationRecord): string {
  if (r.status === "awaiting") return `awaiting ${r.awaiting.join(",")}`;
  if (r.status === "running") return "running, or stopped without finishing (show reads its checkpoint)";
  const d = r.decision;
  const who = d ? `${d.decision} by ${d.by}` : r.status;
  return r.status === "done" ? `${who}: ${r.outcome ?? "done"}` : `${who} (claimed, not finished)`;
}

async function list(state: DurableState, values: Values): Promise<ExitCode> {
  const records = await state.investigations.list();
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ state: state.describe, investigations: records.map((r) => ({ ...r, target: targetLabel(r.target) })) }, null, 2)}\n`);
    return EXIT.ok;
  }
  const { safe, oneLine } = await import("../render/text.ts");
  if (!records.length) {
    process.stdout.write(`no investigations at the approval gate (${state.describe})\n`);
    return EXIT.ok;
  }
  for (const r of records) {
    process.stdout.write(`${safe(r.id)}  ${r.createdAt}  ${r.mode.padEnd(7)}  ${oneLine(statusText(r), 80)}\n    ${oneLine(r.title, 100)}  (${oneLine(targetLabel(r.target), 80)})\n`);
  }
  return EXIT.ok;
}

/** The checkpointed state and the gate's question. Only the checkpoint is read: no port is opened, nothing runs. */
async function gateView(state: DurableState, record: InvestigationRecord) {
  const { pendingGate } = await import("../../investigate.ts");
  const { NO_PORTS } = await import("../../remediation/approvals/session.ts");
  return pendingGate(record.id, { checkpointer: state.checkpointer, deps: NO_PORTS, ports: {} as import("../../ports/ports.ts").Ports });
}

async function show(state: DurableState, id: string, values: Values): Promise<ExitCode> {
  const record = await state.investigations.get(id);
  if (!record) throw new UsageError(`approvals show: no investigation ${JSON.stringify(id)} in the state store (${state.describe}); kafka-ops approvals list shows them`);
  const { state: graphState, request } = await gateView(state, record);
  const classes = new Map(graphState.classification.map((c) => [c.index, c]));
  if (values.json) {
    const actions = graphState.actions.map((a, i) => ({ index: i + 1, ...a, classification: classes.get(i + 1) ?? null }));
    const doc = {
      ...record,
      target: targetLabel(record.target),
      waiting: request?.awaiting ?? [],
      rootCause: graphState.correlation?.rootCause ?? null,
      blastRadius: graphState.correlation?.blastRadius ?? null,
      actions,
    };
    process.stdout.write(`${JSON.stringify(loadedRedactor().deep(doc), null, 2)}\n`);
    return EXIT.ok;
  }
  const [{ renderAction }, { createStyle, shouldColor, safe, oneLine }] = await Promise.all([import("../render/report.ts"), import("../render/text.ts")]);
  const style = createStyle(shouldColor(process.stdout, process.env));
  const out: string[] = [];
  const field = (label: string, value: string) => out.push(`  ${style.dim(label.padEnd(12))} ${value}`);
  out.push(`${style.bold("investigation")} ${safe(record.id)} ${style.dim("·")} ${oneLine(record.title)}`);
  field("status", statusText(record));
  field("mode", record.mode);
  field("acts on", targetLabel(record.target));
  field("stopped at", record.createdAt);
  if (record.policy) field("policy", safe(record.policy));
  const c = graphState.correlation;
  if (c?.rootCause) field("root cause", oneLine(c.rootCause, 200));
  if (c?.blastRadius) {
    const b = c.blastRadius;
    field("blast radius", [b.groups.length && `groups ${b.groups.join(",")}`, b.topics.length && `topics ${b.topics.join(",")}`, b.subjects.length && `subjects ${b.subjects.join(",")}`, b.brokers.length && `brokers ${b.brokers.join(",")}`].filter(Boolean).map(safe).join("; ") || "-");
  }
  if (request) field("gate holds", request.awaiting.join(","));
  out.push("");
  graphState.actions.forEach((a, i) => {
    renderAction(out, a, i, style);
    const cl = classes.get(i + 1);
    if (cl) out.push(`     ${style.dim("policy".padEnd(9))} ${cl.verdict}: ${cl.why.map(safe).join("; ")}`);
  });
  process.stdout.write(`${loadedRedactor()(out.join("\n"))}\n`);
  return EXIT.ok;
}

/** Whatever a server echoed into the checkpoint (reasons, evidence) is scrubbed of the loaded secrets. */
const loadedRedactor = () => redactor(loadedSecrets());

async function decide(
  state: DurableState,
  id: string,
  decision: "approved" | "rejected",
  values: Values & { onlyList?: number[] },
  settings: import("../../config/settings.ts").Settings,
): Promise<ExitCode> {
  const [{ decideAt }, { resolvePolicy }] = await Promise.all([import("../../remediation/approvals/session.ts"), import("../../remediation/policy.ts")]);
  const { report, target } = await withConsoleOnStderr(() =>
    decideAt(
      state,
      id,
      { decision, by: values.by!, ...(values.onlyList && { only: values.onlyList }), ...(values.reason !== undefined && { reason: values.reason }) },
      {
        env: process.env,
        settings,
        secrets: loadedSecrets(),
        policyFor: (record) => resolvePolicy({ file: record.policy, settings: settings.policy, env: process.env }),
      },
    ),
  );
  process.stderr.write(`kafka-ops: investigation ${id} ${decision} by ${values.by!.trim()}; actions acted on: ${target}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(await summary(report));
  return report.actions.some((a) => a.status === "failed" || a.verification?.ok === false) ? EXIT.escalate : EXIT.ok;
}

async function summary(report: Report): Promise<string> {
  const [{ renderAction }, { createStyle, shouldColor, safe }] = await Promise.all([import("../render/report.ts"), import("../render/text.ts")]);
  const style = createStyle(shouldColor(process.stdout, process.env));
  const out = [`${style.bold("investigation")} ${safe(report.remediation?.investigationId ?? "")} ${style.dim("·")} incident ${safe(report.incidentId)}`];
  if (report.remediation?.target) out.push(`  ${style.dim("acts on".padEnd(10))} ${safe(report.remediation.target)}`);
  report.actions.forEach((a, i) => renderAction(out, a, i, style));
  return `${out.join("\n")}\n`;
}
