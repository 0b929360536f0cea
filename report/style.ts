/** The report page's one stylesheet, inlined: the page fetches nothing. Light and dark follow the reader's setting. */
export const STYLE = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #ffffff; --panel: #f6f8fa; --line: #d0d7de;
  --remediate: #1a7f37; --escalate: #cf222e; --none: #57606a; --warn: #9a6700; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #8d96a0; --bg: #0d1117; --panel: #161b22; --line: #30363d; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 64rem; padding: 1.5rem; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1rem; margin: 1.25rem 0 .25rem; }
.muted { color: var(--muted); } code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
.verdict { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: baseline; padding: .75rem 1rem; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; }
.badge { display: inline-block; padding: .1rem .6rem; border-radius: 1rem; color: #fff; font-weight: 600; text-transform: uppercase; font-size: .85rem; }
.badge.remediate { background: var(--remediate); } .badge.escalate { background: var(--escalate); } .badge.none { background: var(--none); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; } th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid var(--line); }
th { font-weight: 600; color: var(--muted); font-size: .85rem; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.finding { padding: .5rem .75rem; margin: .5rem 0; border-left: 4px solid var(--line); background: var(--panel); }
.finding.primary { border-left-color: var(--escalate); }
.evidence { margin: .25rem 0 0; padding-left: 1.25rem; } .evidence li { margin: .15rem 0; }
.quoted { white-space: pre-wrap; overflow-wrap: anywhere; }
.status { font-weight: 600; } .status.stalled, .status.stopped, .status.growing, .status.failed, .status.rejected { color: var(--escalate); }
.status.catching_up, .status.rewind, .status.dry-run, .status.proposed { color: var(--warn); } .status.applied, .status.ok, .status.approved { color: var(--remediate); }
.legend { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; padding: 0; margin: .25rem 0; font-size: .85rem; }
.swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .3rem; vertical-align: -1px; }
svg.lag-chart { display: block; max-width: 100%; height: auto; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; margin: .5rem 0; }
svg .grid { stroke: var(--line); stroke-width: 1; } svg .axis { stroke: var(--muted); stroke-width: 1; }
svg .tick, svg .axis-label { fill: var(--muted); font-size: 11px; font-family: system-ui, sans-serif; }
svg .line { fill: none; stroke-width: 2; }
details > summary { cursor: pointer; font-weight: 600; margin: .75rem 0 .25rem; }
.action { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; margin: .5rem 0; }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .25rem 0; } .kv dt { color: var(--muted); } .kv dd { margin: 0; }
footer { margin-top: 2.5rem; font-size: .85rem; color: var(--muted); }
`;
