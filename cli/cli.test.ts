/**
 * End-to-end tests of the real `bin/kafka-ops` on the recorded fixtures: what a user or a
 * script sees (stdout, stderr, exit code), compared with the library on the same file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Report } from "../contract/report.ts";
import { investigate } from "../investigate.ts";
import { EXIT } from "./exit-codes.ts";
import { SECTIONS } from "./render/report.ts";
import { BIN, fixtureFiles, ROOT, runCli, sampleFixtures, STACK_LINE, TRACE_LANGCHAIN_LOADS, type CliResult } from "./testing.ts";

const FIXTURES = fixtureFiles();
const SAMPLE = sampleFixtures();
const SLOW = { timeout: 60_000 };
const read = (file: string): Record<string, unknown> => JSON.parse(readFileSync(join(ROOT, file), "utf8"));

/** The parts of a report that do not depend on timing. */
function verdict(report: Report) {
  return {
    incidentId: report.incidentId,
    decision: report.decision,
    primary: report.primary,
    diagnoses: report.diagnoses.map((d) => ({ code: d.code, agent: d.agent, summary: d.summary, evidence: d.evidence })),
    actions: report.actions,
    escalation: report.escalation,
    agents: report.agents,
    tools: report.toolCalls.map((c) => `${c.agent}/${c.tool}/${c.ok}`).sort(),
    rootCause: report.rootCause,
    blastRadius: report.blastRadius,
    timeline: report.timeline,
    missingEvidence: report.missingEvidence,
  };
}

function expectBadInput(result: CliResult, pattern: RegExp): void {
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(/^kafka-ops: [^\n]+\n$/);
  expect(result.stderr).toMatch(pattern);
  expect(result.stderr).not.toMatch(STACK_LINE);
  expect(result.code).toBe(EXIT.badInput);
}

test("there are fixtures to run", () => {
  expect(FIXTURES.length).toBeGreaterThan(0);
});

describe.concurrent("investigate --json on the fixtures (all with KAFKA_OPS_CLI_ALL_FIXTURES=1)", SLOW, () => {
  for (const file of SAMPLE) {
    test(file, async () => {
      const [cli, library] = await Promise.all([runCli(["investigate", file, "--json"]), investigate(read(file))]);
      expect(cli.stderr).toBe("");
      const report = Report.parse(JSON.parse(cli.stdout));
      // JSON.parse above fails on anything around the one document; and it ends the output.
      expect(cli.stdout.endsWith("}\n")).toBe(true);
      expect(verdict(report)).toEqual(verdict(library));
      expect(cli.code).toBe(report.decision === "escalate" ? EXIT.escalate : EXIT.ok);
    });
  }
});

describe.concurrent("investigate (human report)", SLOW, () => {
  const file = FIXTURES[0]!;

  test("has every section, in order, and no ANSI codes when stdout is not a TTY", async () => {
    const [cli, library] = await Promise.all([runCli(["investigate", file]), investigate(read(file))]);
    expect(cli.stderr).toBe("");
    expect(cli.code).toBe(library.decision === "escalate" ? EXIT.escalate : EXIT.ok);
    const headings = cli.stdout.split("\n").filter((l) => (SECTIONS as readonly string[]).includes(l));
    expect(headings).toEqual([...SECTIONS]);
    expect(cli.stdout).not.toContain("\u001b");
    expect(cli.stdout).toContain(library.incidentId);
    expect(cli.stdout).toMatch(new RegExp(`decision\\s+${library.decision}`));
    expect(cli.stdout).toMatch(new RegExp(`primary\\s+${library.primary.replace(".", "\\.")}`));
    for (const a of library.actions) expect(cli.stdout).toContain(a.kind);
    expect(cli.stdout).toMatch(/\d+ tool calls?/);
  });

  test("colours with FORCE_COLOR=1, not with NO_COLOR=1 or FORCE_COLOR=0", async () => {
    const [forced, noColor, forcedOff] = await Promise.all([
      runCli(["investigate", file], { env: { FORCE_COLOR: "1" } }),
      runCli(["investigate", file], { env: { NO_COLOR: "1" } }),
      runCli(["investigate", file], { env: { FORCE_COLOR: "0" } }),
    ]);
    expect(forced.stdout).toMatch(/\u001b\[\d+m/);
    expect(noColor.stdout).not.toContain("\u001b");
    expect(forcedOff.stdout).not.toContain("\u001b");
  });

  test("reads the incident from stdin with -", async () => {
    const text = readFileSync(join(ROOT, file), "utf8");
    const [fromStdin, fromFile] = await Promise.all([runCli(["investigate", "-", "--json"], { input: text }), runCli(["investigate", file, "--json"])]);
    expect(fromStdin.stderr).toBe("");
    expect(fromStdin.code).toBe(fromFile.code);
    expect(verdict(Report.parse(JSON.parse(fromStdin.stdout)))).toEqual(verdict(Report.parse(JSON.parse(fromFile.stdout))));
  });

  test("--agents streaming runs only streaming (and incident-debugging)", async () => {
    const cli = await runCli(["investigate", file, "--json", "--agents", "streaming"]);
    const report = Report.parse(JSON.parse(cli.stdout));
    expect(report.agents).toEqual(["streaming", "incident-debugging"]);
    expect(new Set(report.toolCalls.map((c) => c.agent))).toEqual(new Set(["streaming", "incident-debugging"]));
  });

  test("works from another cwd and through a symlink (as npm links bins)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kafka-ops-link-"));
    try {
      const { symlinkSync } = await import("node:fs");
      symlinkSync(BIN, join(dir, "kafka-ops"));
      const { execFile } = await import("node:child_process");
      const out = await new Promise<string>((resolve, reject) =>
        execFile(join(dir, "kafka-ops"), ["--version"], { cwd: dir }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
      );
      expect(out.trim()).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
      const report = await runCli(["investigate", join(ROOT, file), "--json"], { cwd: dir });
      expect(Report.safeParse(JSON.parse(report.stdout)).success).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("untrusted text from the incident cannot inject terminal escapes", async () => {
    // Log lines, DLQ keys, values and headers, and sampled values all carry ESC sequences
    // (OSC title, clear screen, colour), BEL, CR, LF, a C1 CSI and a bidi override.
    const evil = "EVIL\u001b]0;pwned\u0007\u001b[2J\u001b[31m\r\nfake line\u202e\u009b1m";
    type Rec = { key?: string | null; value?: string | null; headers?: Record<string, string> };
    type Hostile = { logs?: { message: string }[]; dlq?: Record<string, Rec[]>; samples?: Record<string, Rec[]> };
    const taint = (r: Rec) => {
      if (typeof r.key === "string") r.key += evil;
      if (typeof r.value === "string") r.value += evil;
      for (const h of Object.keys(r.headers ?? {})) r.headers![h] += evil;
    };
    const pick = (key: keyof Hostile) => FIXTURES.find((f) => key in read(f));
    const files = [...new Set([pick("logs"), pick("dlq"), pick("samples")].filter((f) => f !== undefined))];
    const dir = mkdtempSync(join(tmpdir(), "kafka-ops-evil-"));
    try {
      const outputs = await Promise.all(
        files.map(async (file, i) => {
          const incident = read(file) as Hostile;
          for (const line of incident.logs ?? []) line.message += evil;
          for (const records of [...Object.values(incident.dlq ?? {}), ...Object.values(incident.samples ?? {})]) records.forEach(taint);
          const path = join(dir, `evil-${i}.json`);
          writeFileSync(path, JSON.stringify(incident));
          const cli = await runCli(["investigate", path], { env: { FORCE_COLOR: "1" } });
          expect(cli.stderr).toBe("");
          expect([EXIT.ok, EXIT.escalate]).toContain(cli.code);
          return cli.stdout;
        }),
      );
      for (const stdout of outputs) {
        // The only escapes left are the renderer's own SGR colour codes, and no line was forged.
        const plain = stdout.replace(/\u001b\[\d+m/g, "");
        expect(plain).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        expect(plain).not.toMatch(/^fake line/m);
      }
      // The hostile text did reach the report (quoted as evidence or timeline), made visible.
      expect(outputs.join("")).toContain("EVIL\\x1b]0;pwned\\x07");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.concurrent("bad input: exit 2, one line on stderr naming file and path, nothing on stdout", SLOW, () => {
  let dir: string;
  let rel: (name: string) => string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kafka-ops-bad-input-"));
    rel = (name) => join(dir, name);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The first fixture with at least two snapshots and a group with committed offsets. */
  function base(): { file: string; incident: any; snap: number; group: number; topic: string; partition: string } {
    for (const file of FIXTURES) {
      const incident = read(file) as any;
      if (incident.snapshots.length < 2) continue;
      for (const [snap, s] of incident.snapshots.entries()) {
        for (const [group, g] of (s.groups ?? []).entries()) {
          const topic = Object.keys(g.offsets ?? {})[0];
          const partition = topic && Object.keys(g.offsets[topic])[0];
          if (topic && partition) return { file, incident, snap, group, topic, partition };
        }
      }
    }
    throw new Error("no fixture with two snapshots and committed offsets");
  }
  const write = (name: string, content: unknown) => {
    writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content));
    return rel(name);
  };
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

  test("not JSON", async () => {
    const file = write("not-json.json", "{ this is not json");
    expectBadInput(await runCli(["investigate", file, "--json"]), new RegExp(`^kafka-ops: ${esc(file)}: \\$: not valid JSON`));
  });

  test("wrong format", async () => {
    const { incident } = base();
    const file = write("format.json", { ...incident, format: "kafka-incident/v2" });
    expectBadInput(await runCli(["investigate", file]), new RegExp(`^kafka-ops: ${esc(file)}: incident\\.format: expected one of "kafka-incident/v1"`));
  });

  test("unknown top-level key", async () => {
    const { incident } = base();
    const file = write("unknown-key.json", { ...incident, surprise: true });
    expectBadInput(await runCli(["investigate", file, "--json"]), new RegExp(`^kafka-ops: ${esc(file)}: incident\\.surprise: unknown key "surprise"`));
  });

  test("an x- top-level key is accepted", async () => {
    const { incident } = base();
    const file = write("x-key.json", { ...incident, "x-team": { note: "ours" } });
    const cli = await runCli(["investigate", file, "--json"]);
    expect(cli.stderr).toBe("");
    expect([EXIT.ok, EXIT.escalate]).toContain(cli.code);
    expect(Report.safeParse(JSON.parse(cli.stdout)).success).toBe(true);
  });

  test("offset as a number", async () => {
    const { incident, snap, group, topic, partition } = base();
    const offsets = incident.snapshots[snap].groups[group].offsets[topic];
    offsets[partition] = Number(offsets[partition]);
    const file = write("offset-number.json", incident);
    const path = `incident.snapshots[${snap}].groups[${group}].offsets${/^[A-Za-z_$][\w$]*$/.test(topic) ? `.${topic}` : `[${JSON.stringify(topic)}]`}[${JSON.stringify(partition)}]`;
    expectBadInput(await runCli(["investigate", file, "--json"]), new RegExp(`^kafka-ops: ${esc(file)}: ${esc(path)}: expected string, got number`));
  });

  test("offsets as an array", async () => {
    const { incident, snap, group } = base();
    incident.snapshots[snap].groups[group].offsets = [];
    const file = write("offsets-array.json", incident);
    const path = `incident.snapshots[${snap}].groups[${group}].offsets`;
    expectBadInput(await runCli(["investigate", file]), new RegExp(`^kafka-ops: ${esc(file)}: ${esc(path)}: expected object, got array`));
  });

  test("snapshots out of order", async () => {
    const { incident } = base();
    const [first, second] = incident.snapshots;
    incident.snapshots[0] = second;
    incident.snapshots[1] = first;
    const file = write("out-of-order.json", incident);
    expectBadInput(await runCli(["investigate", file, "--json"]), new RegExp(`^kafka-ops: ${esc(file)}: incident\\.snapshots\\[1\\]\\.at: snapshots out of order`));
  });

  test("contract violation on stdin names <stdin>", async () => {
    const cli = await runCli(["investigate", "-", "--json"], { input: JSON.stringify({ format: "kafka-incident/v1" }) });
    expectBadInput(cli, /^kafka-ops: <stdin>: incident\.id: expected string, got nothing \(missing\)/);
  });

  test("missing file", async () => {
    expectBadInput(await runCli(["investigate", "fixtures/incidents/does-not-exist.json"]), /^kafka-ops: no such file: fixtures\/incidents\/does-not-exist\.json$/m);
  });

  test("unknown --agents name", async () => {
    expectBadInput(await runCli(["investigate", FIXTURES[0]!, "--agents", "streaming,kafka"]), /--agents: unknown agent "kafka" \(expected streaming, schema, quality\)/);
  });

  test("unknown flag", async () => {
    expectBadInput(await runCli(["investigate", FIXTURES[0]!, "--jsn"]), /^kafka-ops: unknown option '--jsn'/);
  });

  test("unknown command, unknown global flag, no command, missing file argument", async () => {
    const results = await Promise.all([runCli(["investigat"]), runCli(["--frobnicate"]), runCli([]), runCli(["investigate"])]);
    for (const r of results) expectBadInput(r, /^kafka-ops: /);
  });
});

describe.concurrent("help, version, schema", SLOW, () => {
  test("--help lists the commands and the exit codes", async () => {
    const cli = await runCli(["--help"]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/investigate/);
    expect(cli.stdout).toMatch(/schema/);
    for (const code of Object.values(EXIT)) expect(cli.stdout).toMatch(new RegExp(`^\\s+${code}\\s+\\S`, "m"));
  });

  test("--help and --version do not load LangGraph; investigate does", async () => {
    const env = { NODE_OPTIONS: TRACE_LANGCHAIN_LOADS };
    const [help, version, investigateHelp, run] = await Promise.all([
      runCli(["--help"], { env }),
      runCli(["--version"], { env }),
      runCli(["investigate", "--help"], { env }),
      runCli(["investigate", FIXTURES[0]!, "--json"], { env }),
    ]);
    for (const r of [help, version, investigateHelp]) {
      expect(r.code).toBe(0);
      expect(r.stderr).not.toContain("LOADED");
    }
    expect(run.stderr).toMatch(/LOADED \S+@langchain\/langgraph/);
  });

  test("<command> --help", async () => {
    const [inv, schema] = await Promise.all([runCli(["investigate", "--help"]), runCli(["schema", "--help"])]);
    expect(inv.code).toBe(0);
    expect(inv.stdout).toMatch(/--json/);
    expect(inv.stdout).toMatch(/--agents/);
    expect(inv.stdout).toMatch(/Exit codes/);
    expect(schema.code).toBe(0);
    expect(schema.stdout).toMatch(/incident/);
  });

  test("--version prints package.json's version", async () => {
    const cli = await runCli(["--version"]);
    expect(cli.code).toBe(0);
    expect(cli.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
  });

  test("schema incident: JSON Schema with $schema, title and the snapshots property", async () => {
    const cli = await runCli(["schema", "incident"]);
    expect(cli.code).toBe(0);
    const schema = JSON.parse(cli.stdout);
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(schema.title).toBe("kafka-incident/v1");
    expect(schema.properties.snapshots).toBeTypeOf("object");
    expect(schema.required).toContain("snapshots");
    expect(schema.properties.cluster.required).toEqual(["id"]); // input view: defaults are optional
  });

  test("schema report: JSON Schema with $schema and title", async () => {
    const cli = await runCli(["schema", "report"]);
    expect(cli.code).toBe(0);
    const schema = JSON.parse(cli.stdout);
    expect(schema.$schema).toMatch(/json-schema\.org/);
    expect(schema.title).toBe("kafka-investigation/v1");
    expect(schema.properties.decision.enum).toEqual(["remediate", "escalate", "none"]);
  });

  test("schema with an unknown document is bad input", async () => {
    expectBadInput(await runCli(["schema", "reports"]), /^kafka-ops: schema: unknown document "reports"/);
  });
});

describe.concurrent("live commands against a port nobody listens on", SLOW, () => {
  /** A local port that was free a moment ago: connecting to it is refused at once. */
  const closedPort = async (): Promise<number> => {
    const { createServer } = await import("node:net");
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    return port;
  };
  /** Any line a client library wrote itself: kafkajs' JSON lines, or its own prefixed ones. */
  const RAW_CLIENT_LINE = /^\{|"logger":|kafkajs|KafkaJS/m;
  /** Each run is a few seconds alone; with the whole suite in parallel it can take far longer. */
  const LIVE_RUN = { timeout: 55_000 };

  test("investigate --json: nothing on stderr (no sample, no plan, no client log line), one escalation report on stdout", async () => {
    const port = await closedPort();
    const args = ["investigate", "--bootstrap", `127.0.0.1:${port}`, "--samples", "2", "--interval", "1", "--deadline", "1", "--alert", "dlq", "--group", "payments", "--topic", "payments.DLT", "--json"];
    const cli = await runCli(args, LIVE_RUN);
    expect(cli.stderr).toBe("");
    expect(cli.code).toBe(EXIT.escalate);
    const report = Report.parse(JSON.parse(cli.stdout));
    expect(report.decision).toBe("escalate");
    expect(report.agents).toEqual(["streaming", "schema", "incident-debugging"]); // the dlq alert's triage
    expect(report.escalation?.reason).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
  });

  test("with KAFKA_OPS_DEBUG=1 the client's lines print once each, in our one-line format", async () => {
    const port = await closedPort();
    const cli = await runCli(["investigate", "--bootstrap", `127.0.0.1:${port}`, "--samples", "1", "--deadline", "1", "--json"], { ...LIVE_RUN, env: { KAFKA_OPS_DEBUG: "1" } });
    const lines = cli.stderr.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).toMatch(/^kafka-ops: debug: kafkajs \w+: /);
    expect(new Set(lines).size).toBe(lines.length);
    expect(cli.stderr).not.toMatch(/^\{|"logger":/m);
  });

  test("lag: one line of ours, no client log line", async () => {
    const port = await closedPort();
    const cli = await runCli(["lag", "--bootstrap", `127.0.0.1:${port}`, "--deadline", "1"], LIVE_RUN);
    expect(cli.code).toBe(EXIT.internal);
    expect(cli.stdout).toBe("");
    expect(cli.stderr).toBe(`kafka-ops: cannot reach Kafka at 127.0.0.1:${port}: Connection error: connect ECONNREFUSED 127.0.0.1:${port}\n`);
    expect(cli.stderr).not.toMatch(RAW_CLIENT_LINE);
  });

  test("record: no client log line", async () => {
    const port = await closedPort();
    const cli = await runCli(["record", "--bootstrap", `127.0.0.1:${port}`, "--samples", "1", "--deadline", "1"], LIVE_RUN);
    expect(cli.code).toBe(EXIT.internal);
    expect(cli.stdout).toBe("");
    expect(cli.stderr).toBe(`kafka-ops: cannot reach Kafka at 127.0.0.1:${port}: Connection error: connect ECONNREFUSED 127.0.0.1:${port}\n`);
    expect(cli.stderr).not.toMatch(RAW_CLIENT_LINE);
  });

  test("durations: a bare number is seconds; zero and garbage are usage errors naming the flag", async () => {
    const [zero, garbage, negative, recordZero] = await Promise.all([
      runCli(["investigate", "--bootstrap", "127.0.0.1:1", "--interval", "0"]),
      runCli(["investigate", "--bootstrap", "127.0.0.1:1", "--deadline", "soon"]),
      runCli(["investigate", "--bootstrap", "127.0.0.1:1", "--samples", "2", "--interval=-3"]),
      runCli(["record", "--bootstrap", "127.0.0.1:1", "--interval", "0"]),
    ]);
    const hint = 'expected a duration such as "15s", "500ms" or "2m" (a bare number is seconds), more than 0 and at most 24h';
    expectBadInput(zero, new RegExp(`^kafka-ops: --interval: ${esc(hint)}, got "0"\\n$`));
    expectBadInput(garbage, new RegExp(`^kafka-ops: --deadline: ${esc(hint)}, got "soon"\\n$`));
    expectBadInput(negative, new RegExp(`^kafka-ops: --interval: ${esc(hint)}, got "-3"\\n$`));
    expectBadInput(recordZero, new RegExp(`^kafka-ops: --interval: ${esc(hint)}, got "0"\\n$`));
  });

  test("--alert: an unknown kind is a usage error; --group on a recorded incident too", async () => {
    const [kind, recorded] = await Promise.all([
      runCli(["investigate", "--bootstrap", "127.0.0.1:1", "--alert", "lag"]),
      runCli(["investigate", FIXTURES[0]!, "--group", "payments"]),
    ]);
    expectBadInput(kind, /^kafka-ops: --alert: unknown alert kind "lag" \(expected consumer_lag, rebalance, dlq, schema, replication, broker, throughput, quality\)$/m);
    expectBadInput(recorded, /^kafka-ops: investigate: --group applies to a live investigation \(--bootstrap\); a recorded incident carries its own alert$/m);
  });

  test("investigate --help documents --alert, --group with --topic, and seconds as the bare unit", async () => {
    const cli = await runCli(["investigate", "--help"]);
    expect(cli.stdout).toContain("[--alert KIND] [--group G] [--topic T]");
    expect(cli.stdout).toContain("consumer_lag|rebalance|dlq|schema|replication|broker|throughput|quality");
    expect(cli.stdout).toContain("a bare number is seconds (--interval 3 is 3 s)");
  });
});

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
