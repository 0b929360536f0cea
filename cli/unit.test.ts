/**
 * Unit tests of the CLI's pieces that need no process: safe text, colour choice, the human
 * renderer on hostile input, --agents parsing, top-level error handling.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { investigate } from "../investigate.ts";
import { jsonSchema } from "./commands/schema.ts";
import { fixtureFiles, ROOT } from "./testing.ts";
import { BadInputError } from "../errors.ts";
import type { Report } from "../contract/report.ts";
import { SPECIALISTS } from "../contract/vocabulary.ts";
import { parseAgents } from "./commands/investigate.ts";
import { InputFileError, UsageError } from "./errors.ts";
import { EXIT, exitCodeForDecision } from "./exit-codes.ts";
import { describeError } from "./main.ts";
import { renderReport, SECTIONS } from "./render/report.ts";
import { createStyle, oneLine, safe, shouldColor } from "./render/text.ts";

describe("safe", () => {
  test("makes control, C1 and bidi characters visible", () => {
    expect(safe("a\u001b[31mb")).toBe("a\\x1b[31mb");
    expect(safe("x\ny\rz\t")).toBe("x\\ny\\rz\\t");
    expect(safe("\u0007\u0000\u007f\u009b")).toBe("\\x07\\x00\\x7f\\x9b");
    expect(safe("abc\u202edef\u2066")).toBe("abc\\u{202e}def\\u{2066}");
    expect(safe("plain text, ünïcode ✓ 日本")).toBe("plain text, ünïcode ✓ 日本");
  });
  test("oneLine collapses whitespace and truncates", () => {
    expect(oneLine("a\n  b\tc")).toBe("a b c");
    expect(oneLine("x".repeat(10), 5)).toBe("xxxx…");
  });
});

describe("shouldColor", () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  test.each([
    [tty, {}, true],
    [pipe, {}, false],
    [tty, { NO_COLOR: "1" }, false],
    [tty, { NO_COLOR: "" }, true],
    [tty, { TERM: "dumb" }, false],
    [pipe, { FORCE_COLOR: "1" }, true],
    [pipe, { FORCE_COLOR: "" }, true],
    [tty, { FORCE_COLOR: "0" }, false],
    [tty, { FORCE_COLOR: "false" }, false],
    [pipe, { FORCE_COLOR: "1", NO_COLOR: "1" }, true],
  ] as const)("%o %o -> %s", (stream, env, expected) => {
    expect(shouldColor(stream, env as NodeJS.ProcessEnv)).toBe(expected);
  });
});

const EVIL = "\u001b]0;title\u0007\u001b[2J\u001b[31mred\r\n\u202efake\u009b";

function hostileReport(): Report {
  return {
    format: "kafka-investigation/v1",
    incidentId: `id${EVIL}`,
    decision: "escalate",
    primary: "lag.poison_message",
    diagnoses: [
      {
        code: "lag.poison_message",
        agent: "streaming",
        confidence: 0.9,
        summary: `stuck${EVIL}`,
        entities: { group: `g${EVIL}` },
        evidence: [{ tool: `t${EVIL}`, detail: `log says ${EVIL}` }],
      },
      { code: "lag.slow_consumer", agent: "streaming", confidence: 0.4, summary: `slow${EVIL}`, entities: {}, evidence: [], explains: [] },
    ],
    actions: [
      {
        kind: "skip_poison_message",
        risk: "medium",
        requiresApproval: true,
        status: "proposed",
        params: { group: `g${EVIL}`, partition: 1, list: [`a${EVIL}`] },
        rationale: `r${EVIL}`,
        verify: `v${EVIL}`,
      },
    ],
    escalation: { severity: "sev2", reason: `why${EVIL}`, owner: `owner${EVIL}` },
    agents: ["streaming", "incident-debugging"],
    toolCalls: [{ agent: "streaming", tool: `tool${EVIL}`, ms: 3, ok: false, outcome: "notRecorded", note: EVIL }],
    timings: { totalMs: 12.345, nodes: { [`node${EVIL}`]: 1 } },
    rootCause: `root${EVIL}. More.`,
    blastRadius: { groups: [`g${EVIL}`], topics: [`t${EVIL}`], subjects: [], brokers: [1] },
    timeline: [{ at: `2026${EVIL}`, event: `e${EVIL}`, source: `s${EVIL}` }],
    missingEvidence: [`m${EVIL}`],
  };
}

describe("renderReport", () => {
  test("prints every section in order", () => {
    const text = renderReport(hostileReport());
    const headings = text.split("\n").filter((l) => (SECTIONS as readonly string[]).includes(l));
    expect(headings).toEqual([...SECTIONS]);
  });

  test("hostile strings cannot emit escapes, even with colour on", () => {
    const text = renderReport(hostileReport(), { style: createStyle(true), title: `title${EVIL}` });
    const withoutOwnColour = text.replace(/\u001b\[\d+m/g, "");
    expect(withoutOwnColour).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(text).toContain("\\x1b[2J");
    // No line of the report was forged by an embedded newline.
    for (const line of withoutOwnColour.split("\n")) expect(line.startsWith("fake")).toBe(false);
  });

  test("an empty report renders (none) placeholders without throwing", () => {
    const report: Report = {
      format: "kafka-investigation/v1",
      incidentId: "x",
      decision: "none",
      primary: "unknown",
      diagnoses: [],
      actions: [],
      escalation: null,
      agents: ["incident-debugging"],
      toolCalls: [],
      timings: { totalMs: 0 },
    };
    const text = renderReport(report);
    expect(text).toContain("(none)");
    expect(text).toContain("0 tool calls");
  });
});

describe("parseAgents", () => {
  test("accepts a subset, in order, without duplicates", () => {
    expect(parseAgents("streaming, quality,streaming", SPECIALISTS)).toEqual(["streaming", "quality"]);
  });
  test("rejects unknown names and empty lists as usage errors", () => {
    expect(() => parseAgents("streaming,kafka", SPECIALISTS)).toThrow(UsageError);
    expect(() => parseAgents("incident-debugging", SPECIALISTS)).toThrow(/unknown agent "incident-debugging"/);
    expect(() => parseAgents(",", SPECIALISTS)).toThrow(UsageError);
  });
});

describe("describeError and exit codes", () => {
  test("bad input: one line, exit 2", () => {
    for (const error of [new BadInputError("f.json", "incident.id", "expected string"), new UsageError("unknown option '--x'"), new InputFileError("no such file: f")]) {
      const { code, message } = describeError(error, false);
      expect(code).toBe(EXIT.badInput);
      expect(message).toMatch(/^kafka-ops: [^\n]+\n$/);
    }
  });
  test("a bug: one line, exit 1; the stack only in debug mode", () => {
    const bug = new TypeError("cannot read properties of undefined\n(reading 'x')");
    expect(describeError(bug, false)).toEqual({ code: EXIT.internal, message: expect.stringMatching(/^kafka-ops: internal error: [^\n]+\n$/) });
    expect(describeError(bug, true).message).toMatch(/\n\s+at /);
  });
  test("decision to exit code", () => {
    expect(exitCodeForDecision("none")).toBe(0);
    expect(exitCodeForDecision("remediate")).toBe(0);
    expect(exitCodeForDecision("escalate")).toBe(3);
  });
});

// ajv is a devDependency: the cross-check always runs.
const Ajv2020 = (createRequire(import.meta.url)("ajv/dist/2020") as { default: new (o: object) => { compile(s: object): ((d: unknown) => boolean) & { errors?: unknown } } }).default;

describe("kafka-ops schema agrees with the zod schemas", () => {
  test("every fixture validates against `schema incident`, every report against `schema report`", { timeout: 60_000 }, async () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const incident = ajv.compile(await jsonSchema("incident"));
    const report = ajv.compile(await jsonSchema("report"));
    for (const file of fixtureFiles()) {
      const doc = JSON.parse(readFileSync(join(ROOT, file), "utf8"));
      expect(incident(doc), `${file}: ${JSON.stringify(incident.errors)}`).toBe(true);
      const out = JSON.parse(JSON.stringify(await investigate(doc)));
      expect(report(out), `${file} report: ${JSON.stringify(report.errors)}`).toBe(true);
    }
    const first = JSON.parse(readFileSync(join(ROOT, fixtureFiles()[0]!), "utf8"));
    expect(incident({ ...first, "x-team": { any: "thing" } })).toBe(true);
    expect(incident({ ...first, team: "not allowed" })).toBe(false);
  });
});
