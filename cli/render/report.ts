/**
 * The human report of `kafka-ops investigate`: what the on-call engineer reads first.
 *
 * Every string taken from the report goes through `safe()`/`oneLine()` before styling: report
 * text quotes the incident (log lines, record values, names), which is untrusted.
 */
import { formatMs, formatNumber } from "../../contract/numbers.ts";
import type { Action, Diagnosis, Report } from "../../contract/report.ts";
import { createStyle, oneLine, safe, type Style } from "./text.ts";

export interface RenderOptions {
  style?: Style;
  /** The incident's title, shown next to its id. */
  title?: string;
  /** How many of the slowest tool calls to list. */
  slowest?: number;
}

/** Headings in the order they are printed; tests check for them. */
export const SECTIONS = [
  "Verdict",
  "Root cause",
  "Blast radius",
  "Lag",
  "Actions",
  "Other findings",
  "Timeline",
  "Missing evidence",
  "Timings",
] as const;

const INDENT = "  ";

export function renderReport(report: Report, options: RenderOptions = {}): string {
  const style = options.style ?? createStyle(false);
  const out: string[] = [];
  const heading = (name: (typeof SECTIONS)[number]) => {
    out.push("", style.bold(style.cyan(name)));
  };
  const field = (label: string, value: string, width = 10) => out.push(`${INDENT}${style.dim(label.padEnd(width))} ${value}`);
  const none = () => out.push(`${INDENT}${style.dim("(none)")}`);

  const primary = primaryDiagnosis(report);
  const header = `${style.bold("kafka-ops investigation")} ${safe(report.incidentId)}`;
  out.push(options.title ? `${header} ${style.dim("·")} ${oneLine(options.title)}` : header);

  heading("Verdict");
  field("decision", decisionText(report.decision, style));
  field("primary", style.bold(safe(report.primary)));
  if (report.escalation) {
    field("severity", style.red(safe(report.escalation.severity)));
    field("owner", safe(report.escalation.owner));
    field("reason", oneLine(report.escalation.reason, 160));
  }
  const rootCauseLine = report.rootCause ?? primary?.summary;
  field("root cause", rootCauseLine ? oneLine(firstSentence(rootCauseLine), 160) : style.dim("(not determined)"));
  if (report.thresholds?.length) field("thresholds", oneLine(report.thresholds.map(thresholdText).join("; "), 300));

  heading("Root cause");
  if (primary) {
    // The root-cause paragraph usually starts with the primary finding's summary: print it once.
    const paragraph = report.rootCause?.trim();
    if (!paragraph || !same(paragraph).startsWith(same(primary.summary))) out.push(`${INDENT}${safe(primary.summary)}`);
    if (paragraph) out.push(`${INDENT}${safe(paragraph)}`);
    out.push(`${INDENT}${style.dim(`${safe(primary.code)} · ${safe(primary.agent)} · confidence ${confidence(primary.confidence)}`)}`);
    if (primary.evidence.length) {
      out.push(`${INDENT}${style.dim("evidence:")}`);
      for (const e of primary.evidence) out.push(`${INDENT}  - ${style.bold(safe(e.tool))}: ${safe(e.detail)}`);
    } else {
      out.push(`${INDENT}${style.dim("evidence: (none recorded)")}`);
    }
  } else if (report.rootCause) {
    out.push(`${INDENT}${safe(report.rootCause)}`);
  } else {
    out.push(`${INDENT}${style.dim(`no finding explains the evidence (primary: ${safe(report.primary)})`)}`);
  }
  // The model's narrative, checked against the findings (agents/llm/synthesis.ts): an account, not a verdict.
  if (report.llm?.narrative) {
    out.push(`${INDENT}${style.dim(`narrative (${safe(report.llm.model)}; the decision and actions are the rules'):`)}`);
    for (const line of report.llm.narrative.split("\n")) out.push(`${INDENT}  ${safe(line)}`);
  }

  heading("Blast radius");
  const radius = report.blastRadius;
  if (!radius) none();
  else {
    const list = (xs: readonly (string | number)[]) => (xs.length ? xs.map(safe).join(", ") : style.dim("-"));
    field("groups", list(radius.groups));
    field("topics", list(radius.topics));
    field("subjects", list(radius.subjects));
    field("brokers", list(radius.brokers));
    if (radius.readers?.length) {
      const seen = (r: NonNullable<typeof radius.readers>[number]) => (r.lastSeenVersion === undefined ? "" : ` (last seen with version ${r.lastSeenVersion}, ${r.lastSeenIn})`);
      field("readers", radius.readers.map((r) => `${safe(r.group)} on ${safe(r.topic)}${safe(seen(r))}`).join(", "));
    }
  }

  heading("Lag");
  const lagged = lagShown(report);
  if (!lagged.length) none();
  for (const g of lagged) renderGroupLag(out, g, style);

  heading("Actions");
  if (report.remediation) renderRemediation(out, report.remediation, style);
  if (!report.actions.length) none();
  report.actions.forEach((a, i) => renderAction(out, a, i, style));

  heading("Other findings");
  const others = report.diagnoses.filter((d) => d !== primary);
  if (!others.length) none();
  for (const d of others) {
    out.push(`${INDENT}- ${style.bold(safe(d.code))} ${style.dim(`(${safe(d.agent)}, confidence ${confidence(d.confidence)})`)}: ${safe(d.summary)}`);
    if (d.explains?.length) out.push(`${INDENT}  ${style.dim(`explains: ${d.explains.map(safe).join(", ")}`)}`);
  }

  heading("Timeline");
  if (!report.timeline?.length) none();
  for (const t of report.timeline ?? []) out.push(`${INDENT}${style.dim(safe(t.at))}  ${safe(t.event)} ${style.dim(`(${safe(t.source)})`)}`);

  heading("Missing evidence");
  if (!report.missingEvidence?.length) none();
  for (const m of report.missingEvidence ?? []) out.push(`${INDENT}- ${safe(m)}`);

  heading("Timings");
  const calls = report.toolCalls;
  const failed = calls.filter((c) => !c.ok).length;
  field("total", `${ms(report.timings.totalMs)}; ${calls.length} tool call${calls.length === 1 ? "" : "s"}${failed ? ` (${failed} without data)` : ""}`);
  const nodes = Object.entries(report.timings.nodes ?? {});
  if (nodes.length) field("nodes", nodes.map(([name, t]) => `${safe(name)} ${ms(t)}`).join(", "));
  const slowest = [...calls].sort((a, b) => b.ms - a.ms).slice(0, options.slowest ?? 5);
  if (slowest.length) {
    out.push(`${INDENT}${style.dim("slowest tool calls:")}`);
    for (const c of slowest) {
      const note = c.ok ? "" : ` ${style.yellow(safe(c.outcome ?? "failed"))}`;
      out.push(`${INDENT}  ${ms(c.ms).padStart(9)}  ${safe(c.agent)}/${safe(c.tool)}${note}`);
    }
  }
  return `${out.join("\n")}\n`;
}

export function renderAction(out: string[], a: Action, i: number, style: Style): void {
  // Once decided, say who decided; before, whether a human must.
  const approval =
    a.approval?.via === "policy" ? "approved by policy" : a.approval ? `${a.approval.decision} by ${safe(a.approval.by)}` : a.requiresApproval ? style.yellow("requires approval") : "no approval needed";
  const risk = a.risk === "high" ? style.red(a.risk) : a.risk === "medium" ? style.yellow(a.risk) : a.risk;
  out.push(`${INDENT}${i + 1}. ${style.bold(safe(a.kind))}  risk ${risk}  ${approval}  status ${safe(a.status)}`);
  const params = Object.entries(a.params).map(([k, v]) => `${safe(k)}=${safe(Array.isArray(v) ? v.join(",") : v)}`);
  const sub = (label: string, value: string) => out.push(`${INDENT}   ${style.dim(label.padEnd(9))} ${value}`);
  sub("params", params.length ? params.join(" ") : style.dim("-"));
  sub("rationale", safe(a.rationale));
  if (a.verify) sub("verify", safe(a.verify));
  renderExecution(a, sub, style);
}

/** mode, where the actions act (a simulation says so), and the gate: what a reader must know first. */
function renderRemediation(out: string[], r: NonNullable<Report["remediation"]>, style: Style): void {
  const line = (label: string, value: string) => out.push(`${INDENT}${style.dim(label.padEnd(10))} ${value}`);
  line("mode", safe(r.mode));
  if (r.target) line("acts on", r.target.startsWith("simulation") ? style.yellow(safe(r.target)) : safe(r.target));
  if (r.policy) line("policy", safe(r.policy));
  if (r.investigationId) line("id", safe(r.investigationId));
  if (r.awaitingApproval?.length) line("gate", style.yellow(`waiting for approval of ${r.awaitingApproval.join(",")}: kafka-ops approvals show ${safe(r.investigationId ?? "")}`));
}

/** The dry run, the approval, what applying printed, the verification and the rollback, when present. */
function renderExecution(a: Action, sub: (label: string, value: string) => void, style: Style): void {
  const d = a.dryRun;
  if (d?.refusal) sub("refused", style.yellow(safe(d.refusal)));
  for (const e of d?.effect ?? []) sub("effect", safe(e));
  for (const w of d?.warnings ?? []) sub("warning", style.yellow(safe(w)));
  if (a.approval) {
    const who = `${a.approval.decision} by ${safe(a.approval.by)}${a.approval.via === "policy" ? " (policy)" : ""} at ${safe(a.approval.at)}`;
    sub("approval", a.approval.reason ? `${who}: ${safe(a.approval.reason)}` : who);
  }
  if (a.appliedAt) sub("applied", safe(a.appliedAt));
  for (const o of a.output ?? []) sub("output", safe(o));
  if (a.verification) sub("verified", `${a.verification.ok ? style.green("ok") : style.red("not ok")}: ${safe(a.verification.detail)}`);
  if (a.rollback) sub("rollback", safe(a.rollback));
}

/** `lag.noiseFloorRecords=100 (default 20) for topic orders.*`: one tuned threshold. */
/** Partitions listed per group before "and N more". */
const LAG_ROWS = 8;

/** The groups the root cause reaches (every observed group when it names none). */
function lagShown(report: Report): NonNullable<Report["lag"]> {
  const groups = report.lag ?? [];
  const reached = new Set(report.blastRadius?.groups ?? []);
  return reached.size ? groups.filter((g) => reached.has(g.group)) : groups;
}

/** One line per group (statuses, how far behind at worst), then its partitions that are not fine. */
function renderGroupLag(out: string[], g: NonNullable<Report["lag"]>[number], style: Style): void {
  const counts = new Map<string, number>();
  for (const p of g.partitions) counts.set(p.status, (counts.get(p.status) ?? 0) + 1);
  const behind = g.partitions.map((p) => p.lagSeconds).filter((s): s is number => s !== null);
  const worst = behind.length ? `; at most ${formatNumber(Math.max(...behind), 1)} s behind` : "";
  out.push(`${INDENT}${style.bold(safe(g.group))}: ${g.partitions.length} partitions (${[...counts].map(([s, n]) => `${n} ${s}`).join(", ")})${worst}`);
  const notFine = g.partitions.filter((p) => p.status !== "ok" && p.status !== "idle");
  for (const p of notFine.slice(0, LAG_ROWS)) {
    const seconds = p.lagSeconds === null ? "" : `, ${p.lagSecondsExtrapolated ? "~" : ""}${formatNumber(p.lagSeconds, 1)} s behind`;
    const eta = p.timeToCatchUpSec === null ? "" : `, catches up in ${formatNumber(p.timeToCatchUpSec, 0)} s`;
    out.push(`${INDENT}  ${safe(`${p.topic}-${p.partition}`)} ${style.yellow(p.status)}: lag ${p.lag === null ? "-" : formatNumber(p.lag)}${seconds}${eta}${p.owner ? style.dim(` (${safe(p.owner)})`) : ""}`);
  }
  if (notFine.length > LAG_ROWS) out.push(`${INDENT}  ${style.dim(`and ${notFine.length - LAG_ROWS} more`)}`);
}

function thresholdText(t: NonNullable<Report["thresholds"]>[number]): string {
  const where = [t.scope.group !== undefined && `group ${t.scope.group}`, t.scope.topic !== undefined && `topic ${t.scope.topic}`].filter(Boolean).join(" on ");
  return `${safe(t.key)}=${formatNumber(t.value, 4)} (default ${formatNumber(t.default, 4)})${where ? ` for ${safe(where)}` : ""}`;
}

/** The diagnosis the report names as primary (listed first by the library), if any. */
export function primaryDiagnosis(report: Report): Diagnosis | undefined {
  return report.diagnoses.find((d) => d.code === report.primary);
}

function decisionText(decision: Report["decision"], style: Style): string {
  if (decision === "escalate") return style.bold(style.red("escalate"));
  if (decision === "remediate") return style.bold(style.yellow("remediate"));
  return style.bold(style.green("none"));
}

function firstSentence(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  const end = line.search(/\.(\s|$)/);
  return end > 0 ? line.slice(0, end + 1) : line;
}

/** Text compared without surrounding space and final period. */
const same = (s: string) => s.trim().replace(/\.$/, "");
const confidence = (c: number) => (Number.isFinite(c) ? c.toFixed(2) : formatNumber(c));
const ms = formatMs;
