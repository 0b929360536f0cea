/**
 * Test support for cli/fuzz.test.ts: mutations of fixture JSON described by small, replayable
 * values (`Case`: a fixture index and a list of where/what), so fast-check prints a
 * counterexample that `mutate()` turns back into the exact document.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { fixtureFiles, ROOT } from "./testing.ts";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Key = string | number;

export const FIXTURES: Json[] = fixtureFiles().map((f) => JSON.parse(readFileSync(join(ROOT, f), "utf8")) as Json);

// ---- where to mutate --------------------------------------------------------------------

/** Every path in the document (the root excluded), depth first. */
function paths(value: Json, prefix: Key[] = [], out: Key[][] = []): Key[][] {
  if (Array.isArray(value)) value.forEach((v, i) => (out.push([...prefix, i]), paths(v, [...prefix, i], out)));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) out.push([...prefix, k]), paths(v, [...prefix, k], out);
  }
  return out;
}

function parentOf(doc: Json, path: Key[]): { parent: Json[] | Record<string, Json>; key: Key } | undefined {
  let node: Json = doc;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<Key, Json>)[key] ?? null;
  }
  if (node === null || typeof node !== "object") return undefined;
  return { parent: node, key: path[path.length - 1]! };
}

// ---- how to mutate ----------------------------------------------------------------------

const deep = (depth: number): Json => (depth === 0 ? "bottom" : { junk: [deep(depth - 1)] });

/** Values that break or stretch the contract. */
const junk: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    null,
    1e308,
    -1e308,
    -1,
    -0.5,
    0,
    2 ** 53 + 1,
    "99999999999999999999999",
    "9223372036854775807",
    "9223372036854775808",
    "-1",
    "",
    [],
    {},
    [[]],
    true,
    "\u001b[2J\u0007",
    "2026-11-02T03:00:00Z",
    deep(200),
  ),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
);

/** Same type, odd value: these pass validation more often and reach the agents. */
function plausible(value: Json, seed: number): Json {
  const pick = <T,>(xs: readonly T[]): T => xs[seed % xs.length]!;
  if (typeof value === "number") {
    if (Number.isInteger(value)) return pick([0, 1, value + 1, value * 1000, 65535, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1, 1e308, -1]);
    return pick([0, 1, 0.999, 1e-300, value / 10, value * 10, 1e308]);
  }
  if (typeof value === "boolean") return !value;
  if (typeof value === "string") {
    if (/^\d+$/.test(value)) return pick(["0", "1", "9223372036854775807", "99999999999999999999999", `${value}0`, "01"]);
    if (/^\d{4}-\d\d-\d\dT/.test(value)) return pick(["1970-01-01T00:00:00Z", "2099-12-31T23:59:59Z", "2026-11-02T03:00:00.123Z", "2026-02-30T00:00:00Z"]);
    return pick(["", "x", value + value, "a".repeat(5000), "null", "orders", "\u202e\u001b[31m", "__consumer_offsets"]);
  }
  if (Array.isArray(value)) return pick([[], [...value, ...value], [...value].reverse(), value.slice(1), [value[0] ?? null]]);
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    const drop = keys[seed % Math.max(1, keys.length)];
    return pick([{}, Object.fromEntries(Object.entries(value).filter(([k]) => k !== drop)), { ...value, [`k${seed}`]: value }]);
  }
  return pick(["", 0, [], {}]);
}

/** A value of another JSON type carrying the same information where it can. */
function swapType(value: Json): Json {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : [value];
  if (typeof value === "boolean") return value ? 1 : 0;
  if (Array.isArray(value)) return Object.fromEntries(value.map((v, i) => [String(i), v]));
  if (value !== null && typeof value === "object") return Object.values(value);
  return false;
}

type Op = { kind: "delete" } | { kind: "set"; value: Json } | { kind: "swap" } | { kind: "plausible"; seed: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ kind: "delete" as const }) },
  { weight: 2, arbitrary: junk.map((value) => ({ kind: "set" as const, value })) },
  { weight: 1, arbitrary: fc.constant({ kind: "swap" as const }) },
  { weight: 8, arbitrary: fc.nat().map((seed) => ({ kind: "plausible" as const, seed })) },
);

export interface Case {
  fixture: number;
  mutations: { at: number; op: Op }[];
}
export const caseArb: fc.Arbitrary<Case> = fc.record({
  fixture: fc.nat({ max: FIXTURES.length - 1 }),
  mutations: fc.array(fc.record({ at: fc.nat(), op }), { minLength: 1, maxLength: 4 }),
});

/** The fixture with the mutations applied, as the JSON a file would hold. */
export function mutate(c: Case): Json {
  const doc = structuredClone(FIXTURES[c.fixture]!);
  for (const m of c.mutations) {
    const all = paths(doc);
    if (!all.length) break;
    const path = all[m.at % all.length]!;
    const target = parentOf(doc, path);
    if (!target) continue;
    const { parent, key } = target;
    const current = (parent as Record<Key, Json>)[key] ?? null;
    if (m.op.kind === "delete") {
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
    } else {
      const next = m.op.kind === "set" ? m.op.value : m.op.kind === "swap" ? swapType(current) : plausible(current, m.op.seed);
      (parent as Record<Key, Json>)[key] = next;
    }
  }
  return JSON.parse(JSON.stringify(doc)) as Json;
}
