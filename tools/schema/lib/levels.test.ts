// Compatibility levels: which versions a candidate is checked against and in which directions,
// for every level, first with a checker that only records what it was asked (the plumbing),
// then with each real schema type on a 3-version history where only the oldest version breaks.
import { describe, expect, it } from "vitest";
import type { CompatibilityLevel, SchemaType } from "../../../contract/vocabulary.ts";
import type { Checker, Direction, References } from "./checker.ts";
import { checkCompatibility, checkWith, type ExistingSchema } from "./compatibility.ts";

const LEVELS: CompatibilityLevel[] = ["BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE", "NONE"];

/**
 * A checker over schemas written as "name" or "name:breaks-backward" / "name:breaks-forward":
 * the candidate breaks against an old schema in the direction the OLD one names. It records
 * every comparison and every parse with its references.
 */
function recordingChecker() {
  const compared: string[] = [];
  const parsed: { text: string; references: string[] }[] = [];
  const checker: Checker<string> = {
    label: "test",
    parse(text: string, references?: References) {
      parsed.push({ text, references: [...(references ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`) });
      return text === "garbage" ? { ok: false, error: "not a schema" } : { ok: true, value: text };
    },
    compare(candidate: string, old: string, directions: Direction[]) {
      compared.push(`${candidate} vs ${old}: ${directions.join("+")}`);
      return directions.filter((d) => old.endsWith(`:breaks-${d}`)).map((d) => `${d} break with ${old.split(":")[0]}`);
    },
  };
  return { checker: checker as Checker<unknown>, compared, parsed };
}

const history = (oldest: string): ExistingSchema[] => [
  { version: 2, schema: "v2" },
  { version: 1, schema: oldest }, // out of order on purpose: sorted by version
  { version: 3, schema: "v3" },
];

describe("levels: which versions, which directions", () => {
  it.each([
    ["BACKWARD", ["cand vs v3: backward"], [3]],
    ["BACKWARD_TRANSITIVE", ["cand vs v1: backward", "cand vs v2: backward", "cand vs v3: backward"], [1, 2, 3]],
    ["FORWARD", ["cand vs v3: forward"], [3]],
    ["FORWARD_TRANSITIVE", ["cand vs v1: forward", "cand vs v2: forward", "cand vs v3: forward"], [1, 2, 3]],
    ["FULL", ["cand vs v3: backward+forward"], [3]],
    ["FULL_TRANSITIVE", ["cand vs v1: backward+forward", "cand vs v2: backward+forward", "cand vs v3: backward+forward"], [1, 2, 3]],
    ["NONE", [], []],
  ] as const)("%s compares %j", (level, expected, checkedAgainst) => {
    const { checker, compared } = recordingChecker();
    const verdict = checkWith(checker, { schemaType: "AVRO", candidate: "cand", existing: history("v1"), level });
    expect(compared).toEqual(expected);
    expect(verdict).toEqual({ compatible: true, messages: [], checkedAgainst });
  });

  // Only version 1 breaks, in one direction: a level sees it when it is transitive and checks that direction.
  const cases: [CompatibilityLevel, string, boolean][] = [];
  for (const level of LEVELS) for (const dir of ["backward", "forward"]) cases.push([level, dir, level.endsWith("_TRANSITIVE") && (level.startsWith("FULL") || level.toLowerCase().startsWith(dir))]);
  it.each(cases)("%s with only version 1 breaking %s: incompatible = %s", (level, dir, breaks) => {
    const { checker } = recordingChecker();
    const verdict = checkWith(checker, { schemaType: "AVRO", candidate: "cand", existing: history(`v1:breaks-${dir}`), level });
    expect(verdict.compatible).toBe(!breaks);
    expect(verdict.messages).toEqual(breaks ? [`${dir} break with v1 (against version 1)`] : []);
  });

  it("one problem against several versions is one line naming them all", () => {
    const { checker } = recordingChecker();
    const existing = [
      { version: 1, schema: "v1:breaks-backward" },
      { version: 2, schema: "v1:breaks-backward" },
      { version: 3, schema: "v3" },
    ];
    expect(checkWith(checker, { schemaType: "AVRO", candidate: "cand", existing, level: "FULL_TRANSITIVE" }).messages).toEqual(["backward break with v1 (against versions 1, 2)"]);
  });

  it("an old version that does not parse is named, and the others are still checked", () => {
    const { checker, compared } = recordingChecker();
    const verdict = checkWith(checker, { schemaType: "AVRO", candidate: "cand", existing: history("garbage"), level: "BACKWARD_TRANSITIVE" });
    expect(compared).toEqual(["cand vs v2: backward", "cand vs v3: backward"]);
    expect(verdict).toEqual({ compatible: false, messages: ["cannot check against version 1: its schema is not valid test: not a schema"], checkedAgainst: [2, 3] });
  });

  it("parses the candidate and each version with its own resolved references", () => {
    const { checker, parsed } = recordingChecker();
    checkWith(checker, {
      schemaType: "AVRO",
      candidate: "cand",
      candidateReferences: new Map([["a.proto", "A2"]]),
      existing: [
        { version: 1, schema: "v1", references: new Map([["a.proto", "A1"], ["b.proto", "B1"]]) },
        { version: 2, schema: "v2" },
      ],
      level: "FULL_TRANSITIVE",
    });
    expect(parsed).toEqual([
      { text: "cand", references: ["a.proto=A2"] },
      { text: "v1", references: ["a.proto=A1", "b.proto=B1"] },
      { text: "v2", references: [] },
    ]);
  });

  it("a candidate that does not parse is incompatible under every level, NONE included", () => {
    for (const level of LEVELS) {
      const { checker } = recordingChecker();
      expect(checkWith(checker, { schemaType: "AVRO", candidate: "garbage", existing: history("v1"), level })).toEqual({
        compatible: false,
        messages: ["candidate schema is not valid test: not a schema"],
        checkedAgainst: [],
      });
    }
  });
});

// --- every level on every type ---------------------------------------------------------------

/** v1 has `amount` as a number, v2 and the candidate as a string (v2 was registered under NONE). */
const TYPE_CHANGED: Record<SchemaType, { v1: string; v2: string; candidate: string }> = {
  AVRO: {
    v1: JSON.stringify({ type: "record", name: "Order", fields: [{ name: "id", type: "string" }, { name: "amount", type: "double" }] }),
    v2: JSON.stringify({ type: "record", name: "Order", fields: [{ name: "id", type: "string" }, { name: "amount", type: "string" }] }),
    candidate: JSON.stringify({ type: "record", name: "Order", fields: [{ name: "id", type: "string" }, { name: "amount", type: "string" }, { name: "note", type: "string", default: "" }] }),
  },
  JSON: {
    v1: JSON.stringify({ type: "object", properties: { id: { type: "string" }, amount: { type: "number" } } }),
    v2: JSON.stringify({ type: "object", properties: { id: { type: "string" }, amount: { type: "string" } } }),
    candidate: JSON.stringify({ type: "object", properties: { id: { type: "string" }, amount: { type: "string" } } }),
  },
  PROTOBUF: {
    v1: 'syntax = "proto3";\npackage acme;\nmessage Order {\n  string id = 1;\n  int64 amount = 2;\n}\n',
    v2: 'syntax = "proto3";\npackage acme;\nmessage Order {\n  string id = 1;\n  string amount = 2;\n}\n',
    candidate: 'syntax = "proto3";\npackage acme;\nmessage Order {\n  string id = 1;\n  string amount = 2;\n  string note = 3;\n}\n',
  },
};

/**
 * Changes that break one direction only (Confluent's semantics): `backward` breaks new readers
 * of old data, `forward` old readers of new data. v1 is the old shape; v2 and the candidate
 * the new one.
 */
const ONE_WAY: Record<SchemaType, Record<Direction, { v1: string; v2: string; candidate: string; field: RegExp }>> = {
  AVRO: {
    // A field added without a default: new readers cannot fill it from old data.
    backward: {
      v1: JSON.stringify({ type: "record", name: "Order", fields: [{ name: "id", type: "string" }] }),
      v2: JSON.stringify({ type: "record", name: "Order", fields: [{ name: "id", type: "string" }, { name: "currency", type: "string" }] }),
      candidate: JSON.stringify({ type: "record", name: "Order", fields: [{ name: "id", type: "string" }, { name: "currency", type: "string" }] }),
      field: /currency/,
    },
    // A field without a default removed: old readers cannot fill it from new data.
    forward: {
      v1: JSON.stringify({ type: "record", name: "Order", fields: [{ name: "id", type: "string" }, { name: "currency", type: "string" }] }),
      v2: JSON.stringify({ type: "record", name: "Order", fields: [{ name: "id", type: "string" }] }),
      candidate: JSON.stringify({ type: "record", name: "Order", fields: [{ name: "id", type: "string" }] }),
      field: /currency/,
    },
  },
  JSON: {
    // An enum narrowed: new readers reject old values (ENUM_ARRAY_NARROWED); widened is compatible.
    backward: {
      v1: JSON.stringify({ type: "object", properties: { status: { enum: ["NEW", "PAID", "SHIPPED"] } } }),
      v2: JSON.stringify({ type: "object", properties: { status: { enum: ["NEW", "PAID"] } } }),
      candidate: JSON.stringify({ type: "object", properties: { status: { enum: ["NEW", "PAID"] } } }),
      field: /status/,
    },
    forward: {
      v1: JSON.stringify({ type: "object", properties: { status: { enum: ["NEW"] } } }),
      v2: JSON.stringify({ type: "object", properties: { status: { enum: ["NEW", "PAID"] } } }),
      candidate: JSON.stringify({ type: "object", properties: { status: { enum: ["NEW", "PAID"] } } }),
      field: /status/,
    },
  },
  PROTOBUF: {
    // A message removed (MESSAGE_REMOVED); adding one is compatible (MESSAGE_ADDED).
    backward: {
      v1: 'syntax = "proto3";\npackage acme;\nmessage Order {\n  string id = 1;\n}\nmessage Refund {\n  string id = 1;\n}\n',
      v2: 'syntax = "proto3";\npackage acme;\nmessage Order {\n  string id = 1;\n}\n',
      candidate: 'syntax = "proto3";\npackage acme;\nmessage Order {\n  string id = 1;\n}\n',
      field: /Refund/,
    },
    forward: {
      v1: 'syntax = "proto3";\npackage acme;\nmessage Order {\n  string id = 1;\n}\n',
      v2: 'syntax = "proto3";\npackage acme;\nmessage Order {\n  string id = 1;\n}\nmessage Refund {\n  string id = 1;\n}\n',
      candidate: 'syntax = "proto3";\npackage acme;\nmessage Order {\n  string id = 1;\n}\nmessage Refund {\n  string id = 1;\n}\n',
      field: /Refund/,
    },
  },
};

const TYPES: SchemaType[] = ["AVRO", "JSON", "PROTOBUF"];

describe.each(TYPES)("%s: every level on a 3-version history where only version 1 breaks", (schemaType) => {
  const h = TYPE_CHANGED[schemaType];
  const existing = [
    { version: 1, schema: h.v1 },
    { version: 2, schema: h.v2 },
    { version: 3, schema: h.v2 },
  ];
  it.each(LEVELS)("a type change against version 1 only: %s", (level) => {
    const verdict = checkCompatibility({ schemaType, candidate: h.candidate, existing, level });
    const transitive = level.endsWith("_TRANSITIVE");
    expect(verdict.compatible).toBe(!transitive);
    expect(verdict.checkedAgainst).toEqual(level === "NONE" ? [] : transitive ? [1, 2, 3] : [3]);
    if (transitive) {
      expect(verdict.messages.length).toBeGreaterThan(0);
      for (const m of verdict.messages) {
        expect(m).toMatch(/amount/);
        expect(m).toMatch(/\(against version 1\)$/);
      }
    } else expect(verdict.messages).toEqual([]);
  });

  for (const dir of ["backward", "forward"] as const) {
    const c = ONE_WAY[schemaType][dir];
    const oneWay = [
      { version: 1, schema: c.v1 },
      { version: 2, schema: c.v2 },
      { version: 3, schema: c.v2 },
    ];
    const run = (level: CompatibilityLevel) => {
      const verdict = checkCompatibility({ schemaType, candidate: c.candidate, existing: oneWay, level });
      const breaks = level.endsWith("_TRANSITIVE") && (level.startsWith("FULL") || level.toLowerCase().startsWith(dir));
      expect({ level, compatible: verdict.compatible }).toEqual({ level, compatible: !breaks });
      if (breaks) {
        expect(verdict.messages.join("\n")).toMatch(c.field);
        for (const m of verdict.messages) expect(m).toMatch(/\(against version 1\)$/);
      }
    };
    it.each(LEVELS)(`a change that breaks ${dir} only, against version 1 only: %s`, run);
  }
});
