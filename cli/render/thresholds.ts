/**
 * The threshold catalog for people: the `kafka-ops thresholds` listing (defaults, or the values
 * in force for a scope) and docs/thresholds.md, both generated from config/thresholds/ so the
 * documentation cannot drift from what the rules read.
 */
import { CONSUMER_DEFAULTS } from "../../config/consumer-defaults.ts";
import { DEFAULT_THRESHOLDS, THRESHOLD_KEYS, THRESHOLDS, type ThresholdKey, type ThresholdScope, type ThresholdValues } from "../../config/thresholds/index.ts";
import { createStyle, safe, type Style } from "./text.ts";

export interface ThresholdRow {
  key: ThresholdKey;
  default: number;
  unit: string;
  doc: string;
  /** The value in force for the scope asked about. */
  value: number;
  overridden: boolean;
}

/** Every key, areas together (in the catalog's order of first appearance), keys in catalog order within one. */
export function thresholdRows(values: ThresholdValues = DEFAULT_THRESHOLDS): ThresholdRow[] {
  const areas = [...new Set(THRESHOLD_KEYS.map(area))];
  const keys = [...THRESHOLD_KEYS].sort((a, b) => areas.indexOf(area(a)) - areas.indexOf(area(b)));
  return keys.map((key) => {
    const spec = THRESHOLDS[key];
    return { key, default: spec.default, unit: spec.unit, doc: spec.doc, value: values[key], overridden: values[key] !== spec.default };
  });
}

function area(key: string): string {
  return key.slice(0, key.indexOf("."));
}

export interface ListingOptions {
  style?: Style;
  /** The config file the values come from; absent: defaults only. */
  config?: string | undefined;
  scope?: ThresholdScope;
}

/** The listing of `kafka-ops thresholds`: one line per key, grouped by area. */
export function renderThresholds(rows: readonly ThresholdRow[], options: ListingOptions = {}): string {
  const style = options.style ?? createStyle(false);
  const { group, topic } = options.scope ?? {};
  const where = [group !== undefined && `group ${safe(group)}`, topic !== undefined && `topic ${safe(topic)}`].filter(Boolean).join(" on ");
  const source = options.config === undefined ? "defaults; --config FILE shows the values in force" : `config ${safe(options.config)}`;
  const out = [`${style.bold("Thresholds")}${where ? ` for ${where}` : ""} ${style.dim(`(${source})`)}`];
  const keyWidth = Math.max(...rows.map((r) => r.key.length));
  const valueText = (r: ThresholdRow) => `${r.value} ${r.unit}`;
  const valueWidth = Math.max(...rows.map((r) => valueText(r).length));
  let last = "";
  for (const r of rows) {
    if (area(r.key) !== last) out.push("", style.cyan(style.bold(area(r.key))));
    last = area(r.key);
    const value = valueText(r).padEnd(valueWidth);
    const doc = r.overridden ? `${style.yellow(`(default ${r.default})`)} ${r.doc}` : r.doc;
    out.push(`  ${r.key.padEnd(keyWidth)}  ${r.overridden ? style.bold(value) : value}  ${doc}`);
  }
  const tuned = rows.filter((r) => r.overridden).length;
  out.push("", style.dim(`${rows.length} thresholds, ${tuned} not at the default${where ? ` for ${where}` : ""}.`));
  return `${out.join("\n")}\n`;
}

/** docs/thresholds.md. */
export function renderThresholdsMarkdown(): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const out = [
    "# Thresholds",
    "",
    "<!-- Generated from config/thresholds/ by `kafka-ops thresholds --markdown > docs/thresholds.md`; a test checks it is up to date. -->",
    "",
    "Every tunable of every diagnosis rule is a documented key with a default, the way Cruise",
    "Control keeps its `AnalyzerConfig`. Rules read the values resolved for what they judge (a",
    "group, a topic), never literals. `kafka-ops thresholds` lists them; with `--config FILE`",
    "(and `--group` / `--topic`) it shows the values in force there.",
    "",
    "## Overrides",
    "",
    "In the JSON settings file (`--config FILE` or `KAFKA_OPS_CONFIG`):",
    "",
    "```json",
    "{",
    '  "thresholds": [',
    '    { "set": { "rebalance.minSignals": 3 } },',
    '    { "topic": "orders.*", "set": { "lag.noiseFloorRecords": 100 } },',
    '    { "group": "/^billing-/", "topic": "invoices", "set": { "stall.minSeconds": 60 } }',
    "  ]",
    "}",
    "```",
    "",
    "- `topic` and `group` select by name: a glob (`*` any run of characters, `?` one, the rest",
    "  literal, matching the whole name) or a regular expression between slashes (`/^orders\\./`,",
    "  flags `i`, `m`, `s`, `u`). An entry with neither applies everywhere.",
    "- The most specific entry wins: group and topic, then group, then topic, then everywhere;",
    "  among equally specific entries, the later one in the file wins.",
    "- An unknown key, a value of the wrong type or outside its unit's range (ratios 0 to 1; records,",
    "  counts and samples whole), or a bad regex is bad input: the message names the JSON path and",
    "  the command exits 2.",
    "- A report lists every configured value that differs from its default in its `thresholds`",
    "  field, with the selectors it was set for.",
  ];
  let last = "";
  for (const r of thresholdRows()) {
    if (area(r.key) !== last) out.push("", `## ${area(r.key)}`, "", "| key | default | unit | meaning |", "|---|---|---|---|");
    last = area(r.key);
    out.push(`| \`${r.key}\` | ${r.default} | ${r.unit} | ${cell(r.doc)} |`);
  }
  out.push(
    "",
    "## Kafka's consumer defaults",
    "",
    "Brokers cannot report a client's settings. Where a group's setting is not known (not in the",
    "incident's `clientConfigs`, not in the settings file's), rules, tools and remediations use the",
    "value Kafka would (`config/consumer-defaults.ts`):",
    "",
    "| setting | default |",
    "|---|---|",
    ...Object.entries(CONSUMER_DEFAULTS).map(([k, v]) => `| \`${k}\` | \`${v}\` |`),
  );
  return `${out.join("\n")}\n`;
}
