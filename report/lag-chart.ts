/**
 * The lag of a consumer group's partitions over the window as an inline SVG line chart: one
 * path per partition (a gap where a sample has no value), one point per known sample with its
 * value as a tooltip, time on x, lag on y from 0. Pure string building: no script, no font or
 * image to fetch, readable in any browser with JavaScript off.
 */
import type { GroupLagView } from "../contract/report.ts";
import { html, join, type Markup } from "./escape.ts";

export type LagUnit = "records" | "seconds";

const WIDTH = 720;
const HEIGHT = 260;
const PAD = { left: 64, right: 36, top: 16, bottom: 40 };

/** Distinct on white and for most colour blindness (Okabe-Ito, then Tableau's). */
export const PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#8c564b", "#7f7f7f", "#bcbd22", "#000000"];

export interface Series {
  label: string;
  colour: string;
  values: (number | null)[];
}

/** The partitions of one group as chart series in the unit asked; empty when the report has no per-sample values. */
export function lagSeries(group: GroupLagView, unit: LagUnit): Series[] {
  return group.partitions
    .map((p, i) => ({ label: `${p.topic}-${p.partition}`, colour: PALETTE[i % PALETTE.length]!, values: (unit === "records" ? p.lagBySample : p.lagSecondsBySample) ?? [] }))
    .filter((s) => s.values.some((v) => v !== null));
}

export function lagChart(args: { group: string; unit: LagUnit; samples: readonly string[]; series: readonly Series[] }): Markup {
  const { samples, series, unit } = args;
  const times = samples.map((s) => Date.parse(s));
  const t0 = times[0] ?? 0;
  const span = Math.max((times.at(-1) ?? t0) - t0, 1);
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const max = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null))));
  const x = (i: number) => round(PAD.left + (samples.length > 1 ? ((times[i]! - t0) / span) * innerW : innerW / 2));
  const y = (v: number) => round(PAD.top + innerH - (v / max) * innerH);

  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  const grid = yTicks.map((v) => html`<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(v)}" y2="${y(v)}"/><text class="tick" x="${PAD.left - 6}" y="${y(v) + 4}" text-anchor="end">${formatNumber(v)}</text>`);
  const every = Math.max(1, Math.ceil(samples.length / 6));
  const xTicks = samples.map((s, i) => (i % every === 0 || i === samples.length - 1 ? html`<text class="tick" x="${x(i)}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle">${clock(s)}</text>` : html``));

  const paths = series.map((s) => {
    let d = "";
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null) return void (pen = false);
      d += `${pen ? "L" : "M"}${x(i)} ${y(v)} `;
      pen = true;
    });
    const points = s.values.map((v, i) =>
      v === null ? html`` : html`<circle class="point" cx="${x(i)}" cy="${y(v)}" r="3" fill="${s.colour}"><title>${s.label} at ${clock(samples[i] ?? "")}: ${formatNumber(v)} ${unit}</title></circle>`,
    );
    return html`<g class="series" data-series="${s.label}"><path class="line" d="${d.trim()}" stroke="${s.colour}"/>${points}</g>`;
  });

  const label = unit === "records" ? "records behind the log end" : "seconds behind the log end";
  return html`<svg class="lag-chart" data-group="${args.group}" data-unit="${unit}" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-label="${`lag of ${args.group} per partition, ${label}`}" xmlns="http://www.w3.org/2000/svg">
<title>${`lag of ${args.group} per partition, ${label}`}</title>
${join(grid)}${join(xTicks)}
<line class="axis" x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${HEIGHT - PAD.bottom}"/>
<line class="axis" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${HEIGHT - PAD.bottom}" y2="${HEIGHT - PAD.bottom}"/>
<text class="axis-label" x="${PAD.left}" y="${HEIGHT - 6}">${`UTC, ${samples.length} samples`}</text>
<text class="axis-label" x="${WIDTH - PAD.right}" y="${HEIGHT - 6}" text-anchor="end">${label}</text>
${join(paths)}
</svg>`;
}

/** The top of the y axis: the smallest round number (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten) at or above the value; 1 for nothing. */
export function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  // toPrecision: 3 * 0.1 is 0.30000000000000004, and an axis label must read 0.3.
  for (const step of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8]) if (step * power >= value) return Number((step * power).toPrecision(12));
  return 10 * power;
}

export function formatNumber(value: number): string {
  const rounded = Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 10) / 10;
  return rounded.toLocaleString("en-US");
}

/** "03:04:00" of an ISO time (UTC); the text as given when it is not one. */
export function clock(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString().slice(11, 19);
}

const round = (n: number) => Math.round(n * 10) / 10;
