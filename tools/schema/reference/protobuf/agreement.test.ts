/**
 * The Protobuf checker against Confluent's protobuf-provider test data (cases.json: the
 * diff-schema-examples pairs asked BACKWARD and, the same pair the other way round, FORWARD;
 * the .proto pairs of SchemaDiffTest and ProtobufSchemaTest; RestApiTest's FULL case).
 */
import { describe, expect, it } from "vitest";
import { agreement, loadCases, report } from "../reference-cases.ts";

const cases = loadCases(new URL("./cases.json", import.meta.url));
const result = agreement(cases);

/** Deliberate disagreements, each explained in docs/schema-compatibility.md (Protobuf). */
const DOCUMENTED: string[] = [];

describe("Protobuf reference agreement", () => {
  it("agrees with Confluent on at least 99% of the ported cases", () => {
    console.log(report("PROTOBUF", result));
    expect(cases.length).toBe(114);
    expect(result.percent).toBeGreaterThanOrEqual(99);
    expect(result.disagreements.map((d) => d.source)).toEqual(DOCUMENTED);
  });

  it("names Confluent's path and rule in every incompatible verdict", () => {
    cases.forEach((c, i) => {
      const verdict = result.verdicts[i]!;
      if (verdict.compatible || c.expected.compatible) return;
      for (const message of verdict.messages) expect(message, c.source).toMatch(/#\/\S* .*\([A-Z_]+\): readers of the (new|old) schema/);
      for (const path of c.expected.paths ?? []) {
        expect(verdict.messages.some((m) => m.startsWith(`${path} `)), `${c.source}: ${path} in ${verdict.messages.join(" | ")}`).toBe(true);
      }
    });
  });
});
