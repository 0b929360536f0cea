/**
 * Overrides from the config file (`thresholds:`), validated by the settings schema, and the
 * `Thresholds` they make: per scope, the defaults with every matching override applied, the
 * most specific last (group + topic over group over topic over everywhere); among equally
 * specific ones, later entries in the file win.
 */
import { z } from "zod";
import { DEFAULT_THRESHOLDS, THRESHOLDS, type ThresholdInForce, type ThresholdKey, type ThresholdScope, type Thresholds, type ThresholdSpec, type ThresholdValues } from "./index.ts";
import { selector, selectorProblem, type Selector } from "./selector.ts";

const SelectorText = z.string().superRefine((text, ctx) => {
  const problem = selectorProblem(text);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const WHOLE: ReadonlySet<ThresholdSpec["unit"]> = new Set(["records", "count", "samples"]);

/** The values a unit allows: ratios 0..1, counts whole, everything finite and not negative. */
export function valueSchema(spec: ThresholdSpec): z.ZodNumber {
  if (spec.unit === "ratio") return z.number().min(0).max(1);
  if (WHOLE.has(spec.unit)) return z.number().int().min(0);
  return z.number().min(0);
}

const Values = z.record(z.string(), z.unknown()).transform((set, ctx) => {
  const out: Partial<Record<ThresholdKey, number>> = {};
  for (const [key, value] of Object.entries(set)) {
    if (!Object.hasOwn(THRESHOLDS, key)) {
      const near = nearestKey(key);
      ctx.addIssue({ code: "custom", path: [key], message: `unknown threshold "${key}"${near ? ` (did you mean "${near}"?)` : ""}; kafka-ops thresholds lists them` });
      continue;
    }
    const spec = THRESHOLDS[key as ThresholdKey];
    const parsed = valueSchema(spec).safeParse(value);
    if (!parsed.success) {
      const got = typeof value === "number" ? String(value) : value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
      ctx.addIssue({ code: "custom", path: [key], message: `expected ${expectation(spec)} (${spec.unit}), got ${got}` });
      continue;
    }
    out[key as ThresholdKey] = parsed.data;
  }
  return out;
});

/** The catalog key a typo most likely meant: within a third of its length in edits. */
function nearestKey(typo: string): ThresholdKey | undefined {
  let best: { key: ThresholdKey; d: number } | undefined;
  for (const key of Object.keys(THRESHOLDS) as ThresholdKey[]) {
    const d = editDistance(typo.toLowerCase(), key.toLowerCase());
    if (d <= key.length / 3 && (!best || d < best.d)) best = { key, d };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

function expectation(spec: ThresholdSpec): string {
  if (spec.unit === "ratio") return "a number from 0 to 1";
  if (WHOLE.has(spec.unit)) return "a whole number, 0 or more";
  return "a number, 0 or more";
}

export const ThresholdOverride = z.strictObject({
  topic: SelectorText.optional().describe('topics this applies to: a glob ("orders.*") or a /regex/'),
  group: SelectorText.optional().describe("consumer groups this applies to: a glob or a /regex/"),
  set: Values.describe('threshold values by key, e.g. { "lag.noiseFloorRecords": 100 }'),
});
export type ThresholdOverride = z.infer<typeof ThresholdOverride>;
export type ThresholdOverrideInput = z.input<typeof ThresholdOverride>;

interface Compiled {
  topic: Selector | undefined;
  group: Selector | undefined;
  set: Partial<Record<ThresholdKey, number>>;
  /** group + topic 3, group 2, topic 1, everywhere 0. */
  rank: number;
}

/** The thresholds of an investigation with these overrides (validated by the settings schema). */
export function thresholdsFrom(overrides: readonly ThresholdOverride[]): Thresholds {
  const compiled: Compiled[] = overrides.map((o) => {
    const topic = o.topic === undefined ? undefined : selector(o.topic);
    const group = o.group === undefined ? undefined : selector(o.group);
    return { topic, group, set: o.set, rank: (group ? 2 : 0) + (topic ? 1 : 0) };
  });
  // Stable sort: the file's order decides among equally specific entries, the later applied last.
  const byRank = [...compiled].sort((a, b) => a.rank - b.rank);
  const resolved = new Map<string, ThresholdValues>();
  return {
    for(scope: ThresholdScope = {}) {
      const id = `${scope.group ?? ""}\u0000${scope.topic ?? ""}`;
      let values = resolved.get(id);
      if (!values) {
        const applies = (c: Compiled) =>
          (!c.topic || (scope.topic !== undefined && c.topic.matches(scope.topic))) && (!c.group || (scope.group !== undefined && c.group.matches(scope.group)));
        values = Object.freeze(Object.assign({}, DEFAULT_THRESHOLDS, ...byRank.filter(applies).map((c) => c.set))) as ThresholdValues;
        resolved.set(id, values);
      }
      return values;
    },
    inForce() {
      const last = new Map<string, ThresholdInForce>();
      for (const c of compiled) {
        const scope: ThresholdScope = { ...(c.topic && { topic: c.topic.text }), ...(c.group && { group: c.group.text }) };
        for (const [key, value] of Object.entries(c.set) as [ThresholdKey, number][]) {
          const id = `${key}\u0000${scope.group ?? ""}\u0000${scope.topic ?? ""}`;
          last.delete(id); // re-inserted: listed where it was last set
          last.set(id, { key, value, default: THRESHOLDS[key].default, scope });
        }
      }
      return [...last.values()].filter((e) => e.value !== e.default);
    },
  };
}
