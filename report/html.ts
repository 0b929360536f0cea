/**
 * One kafka-investigation/v1 report as one self-contained HTML page: the verdict, the root cause
 * with its evidence, the lag of each partition over the window (records and seconds, inline
 * SVG), the timeline, the actions with their status, the blast radius, what could not be read.
 * Inline CSS, no script, no request to anywhere (a Content-Security-Policy says so to the
 * browser too); every string of the report is escaped as text (report/escape.ts).
 *
 * Used by `kafka-ops investigate --html FILE`, the MCP resource kafka-ops://reports/{id}/html and
 * the HTTP API's page for a browser.
 */
import type { Action, Diagnosis, GroupLagView, PartitionLagView, Report } from "../contract/report.ts";
import { constant, html, join, type Markup } from "./escape.ts";
import { clock, formatNumber, lagChart, lagSeries, type LagUnit } from "./lag-chart.ts";
import { STYLE } from "./style.ts";

export interface ReportHtmlOptions {
  /** The incident's title (a recorded incident's `title`, or what a live investigation was about). */
  title?: string;
  /** When the page was made (ISO 8601); absent: not shown, so the same report gives the same page. */
  generatedAt?: string;
}

/** No script, no fetch; inline styles and SVG only. A forgotten escape still could not run anything. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function renderReportHtml(report: Report, options: ReportHtmlOptions = {}): string {
  const heading = options.title ?? report.incidentId;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${`${heading} · ${report.decision} · kafka-ops`}</title>
<style>${constant(STYLE)}</style>
</head>
<body>
<header>
<h1>${heading}</h1>
<div class="muted">incident <code>${report.incidentId}</code> · agents ${report.agents.join(", ")} · ${formatNumber(report.timings.totalMs)} ms</div>
</header>
${verdict(report)}
${rootCause(report)}
${lagSection(report)}
${timeline(report)}
${actions(report)}
${blastRadius(report)}
${notSeen(report)}
${toolCalls(report)}
<footer>${report.format}${options.generatedAt ? ` · generated ${options.generatedAt}` : ""} · kafka-ops</footer>
</body>
</html>
`;
  return page.text;
}

function verdict(report: Report): Markup {
  const e = report.escalation;
  const primary = report.diagnoses[0];
  return html`<section id="verdict" class="verdict">
<span class="badge ${report.decision}">${report.decision}</span>
<span>primary <code>${report.primary}</code>${primary ? html` <span class="muted">(confidence ${primary.confidence}, ${primary.agent})</span>` : ""}</span>
${e ? html`<span>escalate <strong>${e.severity}</strong> to <strong>${e.owner}</strong>: ${e.reason}</span>` : ""}
${report.remediation ? html`<span class="muted">mode ${report.remediation.mode}${report.remediation.investigationId ? html` · investigation <code>${report.remediation.investigationId}</code>` : ""}${report.remediation.awaitingApproval?.length ? ` · the approval gate holds action ${report.remediation.awaitingApproval.join(", ")}` : ""}</span>` : ""}
</section>`;
}

function rootCause(report: Report): Markup {
  const findings = report.diagnoses.map((d, i) => finding(d, i === 0));
  return html`<section id="root-cause">
<h2>Root cause</h2>
${report.rootCause ? html`<p class="quoted">${report.rootCause}</p>` : html`<p class="muted">No correlated root cause in this report.</p>`}
${report.llm?.narrative ? html`<p class="quoted"><span class="muted">Model's account (${report.llm.model}):</span> ${report.llm.narrative}</p>` : ""}
<h3>Findings (${report.diagnoses.length})</h3>
${findings.length ? join(findings) : html`<p class="muted">No finding.</p>`}
</section>`;
}

function finding(d: Diagnosis, primary: boolean): Markup {
  const entities = Object.entries(d.entities).map(([k, v]) => html`<code>${k}=${String(v)}</code> `);
  return html`<div class="finding${primary ? " primary" : ""}" data-code="${d.code}">
<div><code>${d.code}</code> <span class="muted">${d.agent} · confidence ${d.confidence}${d.origin === "model" ? " · proposed by the model" : ""}${d.explains?.length ? ` · explains ${d.explains.join(", ")}` : ""}</span></div>
<div class="quoted">${d.summary}</div>
${entities.length ? html`<div>${entities}</div>` : ""}
${d.evidence.length ? html`<ul class="evidence">${d.evidence.map((e) => html`<li><code>${e.tool}</code> <span class="quoted">${e.detail}</span></li>`)}</ul>` : ""}
</div>`;
}

function lagSection(report: Report): Markup {
  const groups = report.lag ?? [];
  if (!groups.length) return html`<section id="lag"><h2>Lag</h2><p class="muted">No consumer group lag in this report.</p></section>`;
  const reached = new Set(report.blastRadius?.groups ?? []);
  // The groups the root cause reaches first, open; the others folded (still on the page, no script needed).
  const ordered = [...groups].sort((a, b) => Number(reached.has(b.group)) - Number(reached.has(a.group)));
  return html`<section id="lag">
<h2>Lag per partition over the window</h2>
${ordered.map((g) => groupLag(g, reached.size === 0 || reached.has(g.group)))}
</section>`;
}

function groupLag(group: GroupLagView, open: boolean): Markup {
  const counts = new Map<string, number>();
  for (const p of group.partitions) counts.set(p.status, (counts.get(p.status) ?? 0) + 1);
  const summary = [...counts].map(([s, n]) => `${n} ${s}`).join(", ");
  const charts = (["records", "seconds"] as LagUnit[]).map((unit) => chartOf(group, unit));
  return html`<details class="group-lag" data-group="${group.group}"${open ? html` open` : ""}>
<summary>${group.group} <span class="muted">(${group.partitions.length} partition${group.partitions.length === 1 ? "" : "s"}: ${summary})</span></summary>
${charts}
${partitionTable(group.partitions)}
</details>`;
}

function chartOf(group: GroupLagView, unit: LagUnit): Markup {
  const samples = group.samples ?? [];
  const series = samples.length ? lagSeries(group, unit) : [];
  if (!series.length) {
    return unit === "records" ? html`<p class="muted">No per-sample lag in this report: the table gives the latest sample.</p>` : html``;
  }
  return html`<h3>${unit === "records" ? "Lag in records" : "Lag in time (seconds behind the log end)"}</h3>
${lagChart({ group: group.group, unit, samples, series })}
<ul class="legend">${series.map((s) => html`<li><span class="swatch" style="background:${s.colour}"></span>${s.label}</li>`)}</ul>`;
}

function partitionTable(partitions: readonly PartitionLagView[]): Markup {
  const rows = partitions.map(
    (p) => html`<tr><td class="mono">${p.topic}-${p.partition}</td><td class="status ${p.status}">${p.status}</td>
<td class="num">${p.lag === null ? "-" : formatNumber(p.lag)}</td>
<td class="num">${p.lagSeconds === null ? "-" : `${p.lagSecondsExtrapolated ? "~" : ""}${formatNumber(p.lagSeconds)} s`}</td>
<td class="num">${p.timeToCatchUpSec === null ? "-" : `${formatNumber(p.timeToCatchUpSec)} s`}</td>
<td class="mono">${p.owner ?? "unassigned"}</td></tr>`,
  );
  return html`<table class="partitions"><thead><tr><th>partition</th><th>status</th><th>lag</th><th>behind</th><th>catch-up</th><th>owner</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

function timeline(report: Report): Markup {
  const entries = report.timeline ?? [];
  return html`<section id="timeline">
<h2>Timeline</h2>
${entries.length
    ? html`<table><thead><tr><th>at (UTC)</th><th>event</th><th>source</th></tr></thead><tbody>${entries.map(
        (t) => html`<tr><td class="mono" title="${t.at}">${clock(t.at)}</td><td class="quoted">${t.event}</td><td class="mono">${t.source}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="muted">No timeline in this report.</p>`}
</section>`;
}

function actions(report: Report): Markup {
  return html`<section id="actions">
<h2>Actions (${report.actions.length})</h2>
${report.actions.length ? report.actions.map((a, i) => action(a, i + 1)) : html`<p class="muted">No action proposed.</p>`}
</section>`;
}

function action(a: Action, index: number): Markup {
  const params = Object.entries(a.params).map(([k, v]) => html`<code>${k}=${Array.isArray(v) ? v.join(",") : String(v)}</code> `);
  const rows: Markup[] = [html`<dt>rationale</dt><dd class="quoted">${a.rationale}</dd>`];
  if (params.length) rows.push(html`<dt>params</dt><dd>${params}</dd>`);
  if (a.verify) rows.push(html`<dt>verify</dt><dd>${a.verify}</dd>`);
  if (a.dryRun) {
    rows.push(html`<dt>dry run</dt><dd>${a.dryRun.effect.length ? html`<ul class="evidence">${a.dryRun.effect.map((e) => html`<li class="quoted">${e}</li>`)}</ul>` : "no change"}</dd>`);
    if (a.dryRun.warnings.length) rows.push(html`<dt>warnings</dt><dd><ul class="evidence">${a.dryRun.warnings.map((w) => html`<li class="quoted">${w}</li>`)}</ul></dd>`);
    if (a.dryRun.refusal) rows.push(html`<dt>refused</dt><dd class="quoted">${a.dryRun.refusal}</dd>`);
  }
  if (a.approval) rows.push(html`<dt>${a.approval.decision}</dt><dd>by ${a.approval.by} at ${a.approval.at}${a.approval.via === "policy" ? " (policy)" : ""}${a.approval.reason ? `: ${a.approval.reason}` : ""}</dd>`);
  if (a.appliedAt) rows.push(html`<dt>applied</dt><dd>${a.appliedAt}</dd>`);
  if (a.output?.length) rows.push(html`<dt>output</dt><dd><ul class="evidence">${a.output.map((o) => html`<li class="quoted">${o}</li>`)}</ul></dd>`);
  if (a.verification) rows.push(html`<dt>verified</dt><dd>${a.verification.ok ? "yes" : "no"}: ${a.verification.detail}</dd>`);
  if (a.rollback) rows.push(html`<dt>rollback</dt><dd class="quoted">${a.rollback}</dd>`);
  return html`<div class="action" data-kind="${a.kind}">
<div><strong>${index}. <code>${a.kind}</code></strong> · risk ${a.risk} · <span class="status ${a.status}">${a.status}</span>${a.requiresApproval ? html` <span class="muted">· requires approval</span>` : ""}</div>
<dl class="kv">${rows}</dl>
</div>`;
}

function blastRadius(report: Report): Markup {
  const b = report.blastRadius;
  if (!b) return html`<section id="blast-radius"><h2>Blast radius</h2><p class="muted">Not in this report.</p></section>`;
  const line = (label: string, items: readonly (string | number)[]) => html`<dt>${label}</dt><dd>${items.length ? items.map((i, n) => html`${n ? ", " : ""}<code>${String(i)}</code>`) : html`<span class="muted">none</span>`}</dd>`;
  return html`<section id="blast-radius">
<h2>Blast radius</h2>
<dl class="kv">${line("groups", b.groups)}${line("topics", b.topics)}${line("subjects", b.subjects)}${line("brokers", b.brokers)}</dl>
</section>`;
}

function notSeen(report: Report): Markup {
  const missing = report.missingEvidence ?? [];
  const context = report.escalation?.context ?? [];
  if (!missing.length && !context.length) return html``;
  return html`<section id="missing">
<h2>What could not be read</h2>
${missing.length ? html`<ul>${missing.map((m) => html`<li class="quoted">${m}</li>`)}</ul>` : html`<p class="muted">Nothing missing.</p>`}
</section>`;
}

function toolCalls(report: Report): Markup {
  const failed = report.toolCalls.filter((c) => !c.ok);
  return html`<section id="tool-calls">
<h2>Tool calls (${report.toolCalls.length}${failed.length ? `, ${failed.length} without data` : ""})</h2>
<details><summary>every call</summary>
<table><thead><tr><th>agent</th><th>tool</th><th>ms</th><th>outcome</th></tr></thead><tbody>${report.toolCalls.map(
    (c) => html`<tr><td>${c.agent}</td><td class="mono">${c.tool}</td><td class="num">${formatNumber(c.ms)}</td><td class="quoted">${c.outcome ?? (c.ok ? "ok" : "error")}${c.note ? `: ${c.note}` : ""}</td></tr>`,
  )}</tbody></table>
</details>
</section>`;
}
