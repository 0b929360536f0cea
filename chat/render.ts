/**
 * What `kafka-ops chat` prints, as pure functions of what the engine returns: tool lines,
 * evidence, the plan, approvals, help. Every string that came from the engine (answers quote
 * the incident and model output; tool inputs and summaries quote the cluster) goes through
 * `safe()`/`oneLine()` before styling, so no control sequence in the data reaches the terminal.
 */
import type { Action, Report } from "../contract/report.ts";
import { oneLine, safe, type Style } from "../cli/render/text.ts";

export const NO_MODEL_BANNER =
  "No model configured (set OPENAI_API_KEY, or OPENAI_BASE_URL for an OpenAI-compatible server): answering from the deterministic rules.";

export const NOTHING_APPLIED = "Nothing was applied: approval only records intent. kafka-ops chat never changes the cluster.";
/** After /approve through the approval gate: what ran is in the statuses above. */
export const DECIDED_AT_GATE = "Decided at the approval gate, once: approved actions ran through the runner (statuses above); kafka-ops audit has the record.";

export const REPL_HELP = `Ask about the incident in plain words, e.g. "why is payments lagging?".
Commands:
  /plan                the decision and the numbered actions (or the escalation)
  /approve N[,M...]    record approval of actions N, M (1-based, as /plan numbers them)
  /approve all         record approval of every proposed action
  /report              the full investigation report
  /report --json       the report as one kafka-investigation/v1 JSON document
  /help                this help
  /quit                leave (also Ctrl-D, or Ctrl-C twice at an empty prompt)
Ctrl-C while an answer runs cancels that answer only.`;

const INDENT = "  ";

/**
 * Streamed answer text made safe but keeping its line breaks: every control character except
 * `\n` is shown as an escape (a lone `\r` could otherwise rewrite the line above).
 */
export function safeText(text: string): string {
  return text.split("\n").map(safe).join("\n");
}

/**
 * JSON for the terminal: still valid JSON with the same value, but the characters JSON.stringify
 * leaves raw (DEL, C1 controls, bidi marks, line separators) written as \u escapes. They can
 * only occur inside strings, where an escape means the same character.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu,
    (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`,
  );
}

export function toolStartLine(tool: string, input: unknown, style: Style): string {
  const args = input === undefined ? "" : ` ${style.dim(oneLine(compactJson(input), 160))}`;
  return `${INDENT}${style.dim("⋯")} ${style.bold(oneLine(tool, 80))}${args}`;
}

export function toolEndLine(tool: string, ms: number, ok: boolean, summary: string, style: Style): string {
  const mark = ok ? style.green("✓") : style.red("✗");
  const text = summary.trim() ? ` — ${oneLine(summary, 200)}` : "";
  return `${INDENT}${mark} ${style.bold(oneLine(tool, 80))} ${style.dim(formatMs(ms))}${text}`;
}

export function noteLine(text: string, style: Style): string {
  return `${INDENT}${style.dim(`· ${oneLine(text, 300)}`)}`;
}

export function evidenceLines(evidence: readonly string[], style: Style): string[] {
  if (!evidence.length) return [];
  return [`${INDENT}${style.dim("evidence:")}`, ...evidence.map((e) => `${INDENT}  - ${safe(e)}`)];
}

export function planLines(plan: { decision: Report["decision"]; actions: readonly Action[]; escalation: Report["escalation"] }, style: Style): string[] {
  const out = [`decision ${decisionText(plan.decision, style)}`];
  const e = plan.escalation;
  if (e) {
    out.push(`${INDENT}${style.dim("escalate to")} ${safe(e.owner)} ${style.dim("·")} severity ${style.red(safe(e.severity))}`);
    out.push(`${INDENT}${style.dim("reason")}      ${safe(e.reason)}`);
    if (e.context?.length) {
      out.push(`${INDENT}${style.dim("context")}`);
      for (const c of e.context) out.push(`${INDENT}  - ${safe(c)}`);
    }
  }
  if (plan.actions.length) out.push(...actionLines(plan.actions, style));
  else if (!e) out.push(`${INDENT}${style.dim("(no actions proposed)")}`);
  return out;
}

export function actionLines(actions: readonly Action[], style: Style): string[] {
  const out: string[] = [];
  actions.forEach((a, i) => {
    const risk = a.risk === "high" ? style.red(a.risk) : a.risk === "medium" ? style.yellow(a.risk) : a.risk;
    const approval = a.requiresApproval ? style.yellow("requires approval") : "no approval needed";
    out.push(`${INDENT}${i + 1}. ${style.bold(safe(a.kind))}  risk ${risk}  ${approval}  status ${statusText(a.status, style)}`);
    const params = Object.entries(a.params).map(([k, v]) => `${safe(k)}=${safe(Array.isArray(v) ? v.join(",") : v)}`);
    if (params.length) out.push(`${INDENT}   ${style.dim("params".padEnd(9))} ${params.join(" ")}`);
    out.push(`${INDENT}   ${style.dim("rationale")} ${safe(a.rationale)}`);
  });
  return out;
}

function statusText(status: Action["status"], style: Style): string {
  const s = safe(status);
  if (status === "approved" || status === "applied") return style.green(s);
  if (status === "rejected" || status === "failed") return style.red(s);
  if (status === "proposed") return style.yellow(s);
  return s;
}

function decisionText(decision: Report["decision"], style: Style): string {
  const d = safe(decision);
  if (decision === "escalate") return style.bold(style.red(d));
  if (decision === "remediate") return style.bold(style.yellow(d));
  return style.bold(style.green(d));
}

function compactJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "? ms";
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
