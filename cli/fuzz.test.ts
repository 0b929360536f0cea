/**
 * Property test: mutated fixtures (dropped fields, swapped types, huge and negative numbers,
 * empty arrays, deep junk, random strings, null) never make `investigate()` throw anything but
 * BadInputError, and every report it returns keeps the contract. A few mutated files also go
 * through the real binary: exit 0, 2 or 3, never a stack trace.
 *
 * FUZZ_SEED and FUZZ_RUNS override the (fixed, reproducible) seed and the number of runs.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, test } from "vitest";
import { BadInputError } from "../errors.ts";
import { Report } from "../contract/report.ts";
import { investigate } from "../investigate.ts";
import { EXIT } from "./exit-codes.ts";
import { caseArb, mutate } from "./mutate.ts";
import { runCli, STACK_LINE } from "./testing.ts";

const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261102;
const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : 300;

// ---- the properties -----------------------------------------------------------------------

describe("fuzz: mutated fixtures", () => {
  const outcomes = { report: 0, badInput: 0 };

  test(`investigate() throws only BadInputError and returns valid reports (${RUNS} cases)`, { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const doc = mutate(c);
        let report: Report;
        try {
          report = await investigate(doc);
        } catch (error) {
          if (error instanceof BadInputError) {
            outcomes.badInput++;
            expect(error.message).toMatch(/^incident: incident[^\n]*: /);
            return;
          }
          throw error;
        }
        outcomes.report++;
        const checked = Report.safeParse(report);
        if (!checked.success) throw new Error(`report breaks the contract: ${JSON.stringify(checked.error.issues[0])}`);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // The fuzzer must get past validation often enough to exercise the agents.
    expect(outcomes.report).toBeGreaterThan(RUNS / 10);
  });

  describe("through the real binary", () => {
    const dir = mkdtempSync(join(tmpdir(), "kafka-ops-fuzz-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const cases = fc.sample(caseArb, { seed: SEED + 1, numRuns: 10 });

    test.concurrent.each(cases.map((c, i) => [i, c] as const))("mutated case %i: exit 0, 2 or 3, no stack trace", { timeout: 60_000 }, async (i, c) => {
      const file = join(dir, `case-${i}.json`);
      writeFileSync(file, JSON.stringify(mutate(c)));
      const cli = await runCli(["investigate", file, "--json"]);
      const context = `case ${JSON.stringify(c).slice(0, 500)}\nstderr: ${cli.stderr}`;
      expect([EXIT.ok, EXIT.badInput, EXIT.escalate], context).toContain(cli.code);
      expect(cli.stderr, context).not.toMatch(STACK_LINE);
      if (cli.code === EXIT.badInput) {
        expect(cli.stdout).toBe("");
        expect(cli.stderr, context).toMatch(new RegExp(`^kafka-ops: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: incident[^\n]*\n$`));
      } else {
        expect(cli.stderr, context).toBe("");
        expect(Report.safeParse(JSON.parse(cli.stdout)).success, context).toBe(true);
      }
    });
  });
});
