/**
 * The fixtures the properties run over: every recorded incident in fixtures/incidents and
 * fixtures/handwritten that carries an `expected` block, loaded the way the eval loads them
 * (evals/cases.ts), and each one's baseline report, computed once per test file.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadCases } from "../../evals/cases.ts";
import type { Incident } from "../../contract/incident.ts";
import type { Report } from "../../contract/report.ts";
import { investigate } from "../../investigate.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const FIXTURE_DIRS = [join(ROOT, "fixtures", "incidents"), join(ROOT, "fixtures", "handwritten")];

export interface Fixture {
  /** The file name without `.json`: what a counterexample names. */
  name: string;
  incident: Incident;
}

/** Every valid fixture; a broken one fails loudly here (the eval scores it, the properties need it). */
export function loadFixtures(): Fixture[] {
  return FIXTURE_DIRS.flatMap((dir) =>
    loadCases(dir).cases.map((c) => {
      if (!c.ok) throw new Error(`fixture ${c.file} does not load: ${c.error}`);
      return { name: c.name, incident: c.incident };
    }),
  );
}

const baselines = new Map<string, Promise<Report>>();

/** The report of the fixture as recorded (memoized: every property compares against it). */
export function baseline(f: Fixture): Promise<Report> {
  let r = baselines.get(f.name);
  if (!r) baselines.set(f.name, (r = investigate(structuredClone(f.incident))));
  return r;
}
