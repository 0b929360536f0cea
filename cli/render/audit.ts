/** The audit log as text: one line per entry, then its output and verification indented. */
import type { AuditEntry } from "../../remediation/audit.ts";
import { oneLine } from "./text.ts";

function who(e: AuditEntry): string {
  if (e.by === undefined) return "";
  return e.via === "policy" ? " by policy" : ` by ${oneLine(e.by, 80)}`;
}

export function renderAudit(entries: readonly AuditEntry[], options: { file: string; since?: Date }): string {
  const head = `${options.file}: ${entries.length} entr${entries.length === 1 ? "y" : "ies"}${options.since ? ` since ${options.since.toISOString()}` : ""}\n`;
  const lines = entries.flatMap((e) => {
    const what = [e.index !== undefined ? `#${e.index}` : "", e.kind ?? ""].filter(Boolean).join(" ");
    const first = `${e.at}  ${String(e.seq).padStart(4)}  ${e.event.padEnd(8)} ${what}${who(e)}${e.stage && e.event === "refused" ? ` (at ${e.stage})` : ""}${e.investigationId ? `  [${oneLine(e.investigationId, 80)}]` : ""}`;
    const more: string[] = [];
    // What was decided about, and where, once per decision; applies and verifications name the same.
    const decision = e.event === "approved" || e.event === "rejected" || e.event === "refused";
    if (decision && e.params && Object.keys(e.params).length) more.push(`params ${oneLine(JSON.stringify(e.params), 300)}`);
    if (decision && e.target) more.push(`on ${oneLine(e.target, 200)}`);
    if (decision && e.planHash) more.push(`plan ${e.planHash.slice(0, 16)}`);
    if (e.reason) more.push(oneLine(e.reason, 400));
    for (const o of e.output ?? []) more.push(oneLine(o, 400));
    if (e.verification) more.push(`verification ${e.verification.ok ? "ok" : "FAILED"}: ${oneLine(e.verification.detail, 300)}`);
    return [first, ...more.map((m) => `        ${m}`)];
  });
  return `${head}${lines.join("\n")}${lines.length ? "\n" : ""}`;
}
