/**
 * Invariance properties over every fixture: a transformation that keeps an incident's meaning
 * (renaming, reordering, shifting time or offsets, a healthy bystander, a longer window) must
 * keep its verdict. One vitest case per fixture, a few fast-check runs each, from a seed fixed
 * per (property, fixture) so CI replays the same cases; PROPS_RUNS and PROPS_SEED override.
 * A failure names the fixture, the transformation with its parameters, and what changed; the
 * seed being fixed per case, `npm run test:unit -- test/properties/<file> -t <fixture>` replays it.
 */
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Incident } from "../../contract/incident.ts";
import { investigate } from "../../investigate.ts";
import { baseline, loadFixtures, type Fixture } from "./fixtures.ts";
import { identity, verdictOf, type EntityMap, type Verdict, type VerdictOptions } from "./verdict.ts";

export const RUNS = process.env.PROPS_RUNS ? Number(process.env.PROPS_RUNS) : 3;
const BASE_SEED = process.env.PROPS_SEED ? Number(process.env.PROPS_SEED) : 20261102;

export interface Transformed {
  incident: Incident;
  /** Maps the original report's entities onto the transformed incident's. */
  map: EntityMap;
  /** What was done, in words a failure message can show (the parameters alone are opaque). */
  note: string;
}

export interface Transformation<P> {
  name: string;
  params: (f: Fixture) => fc.Arbitrary<P>;
  /** Gets its own copy of the incident: may mutate it. */
  apply: (incident: Incident, params: P) => Transformed;
  options?: VerdictOptions;
}

/** FNV-1a: a stable seed per (property, fixture), so adding a fixture does not reshuffle the others. */
export function seedFor(...parts: string[]): number {
  let h = 0x811c9dc5 ^ BASE_SEED;
  for (const ch of parts.join("/")) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  return h | 0;
}

function differences(expected: Verdict, actual: Verdict): string {
  return (Object.keys({ ...expected, ...actual }) as (keyof Verdict)[])
    .filter((k) => !isDeepStrictEqual(expected[k], actual[k]))
    .map((k) => `  ${k}: expected ${JSON.stringify(expected[k])}, got ${JSON.stringify(actual[k])}`)
    .join("\n");
}

/** The verdict difference of one transformed case, or null when the verdict held. */
export async function check<P>(t: Transformation<P>, f: Fixture, params: P): Promise<string | null> {
  const base = await baseline(f);
  const { incident, map, note } = t.apply(structuredClone(f.incident), params);
  let report;
  try {
    report = await investigate(incident);
  } catch (error) {
    return `${f.name} under "${t.name}" (${note}): investigate threw ${(error as Error).message}`;
  }
  const expected = verdictOf(base, map, t.options);
  const actual = verdictOf(report, identity, t.options);
  return isDeepStrictEqual(expected, actual) ? null : `${f.name} under "${t.name}" (${note}): the verdict changed\n${differences(expected, actual)}`;
}

export function invariance<P>(t: Transformation<P>): void {
  const fixtures = loadFixtures();
  describe(`verdicts hold under: ${t.name}`, () => {
    it("runs over every fixture", () => expect(fixtures.length).toBeGreaterThanOrEqual(60));
    it.each(fixtures.map((f) => [f.name, f] as const))("%s", { timeout: 60_000 }, async (_name, f) => {
      await fc.assert(
        fc.asyncProperty(t.params(f), async (p) => {
          const failure = await check(t, f, p);
          if (failure) throw new Error(failure);
        }),
        { seed: seedFor(t.name, f.name), numRuns: RUNS, endOnFailure: true },
      );
    });
  });
}
