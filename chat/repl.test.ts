/**
 * The chat REPL driven through streams with a scripted engine (chat/fake-engine.ts): what a
 * person sees for a question, the slash commands, cancelling, leaving. Ctrl-C is simulated as
 * an "interrupt" event (what the CLI forwards from SIGINT) or, in terminal mode, as the \x03
 * key readline reads in raw mode; one test types it into a real pseudo-terminal.
 */
import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { Report } from "../contract/report.ts";
import { createFakeEngine } from "./fake-engine.ts";
import { EXIT_HINT, PROMPT, runRepl, type ReplOptions } from "./repl.ts";
import { NO_MODEL_BANNER, NOTHING_APPLIED, safeJson, safeText } from "./render.ts";
import { parseLine } from "./slash-commands.ts";
import { plain, spawnInPty } from "./testing.ts";

const DEADLINE_MS = 5_000;

/** A REPL on PassThrough streams; `send` types a line and waits for the next prompt. */
function start(engine = createFakeEngine(), options: Partial<ReplOptions> = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  output.setEncoding("utf8");
  let text = "";
  output.on("data", (chunk: string) => (text += chunk));
  const interrupts = new EventEmitter();
  let ended = false;
  const done = runRepl({ engine, input, output, interrupts, terminal: false, color: false, env: {}, ...options }).then(() => {
    ended = true;
  });

  async function waitFor(test: (after: string) => boolean, since = 0, what = "output"): Promise<string> {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const after = plain(text.slice(since));
      if (test(after)) return after;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(after)}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }
  const waitForPrompt = (since = 0) => waitFor((after) => after.endsWith(`\n${PROMPT}`), since, "the prompt");

  return {
    engine,
    input,
    interrupts,
    done,
    get text() {
      return text;
    },
    get ended() {
      return ended;
    },
    mark: () => text.length,
    waitFor,
    waitForPrompt,
    /** Types one line; resolves with what followed, up to and without the next prompt. */
    async send(line: string): Promise<string> {
      const since = text.length;
      input.write(`${line}\n`);
      const after = await waitForPrompt(since);
      return after.slice(0, -PROMPT.length);
    },
    async finished(): Promise<void> {
      await Promise.race([
        done,
        new Promise((_, reject) => setTimeout(() => reject(new Error(`the REPL did not end; got ${JSON.stringify(text.slice(-500))}`)), DEADLINE_MS)),
      ]);
    },
  };
}

describe("start", () => {
  test("without a model: the banner says so, then the prompt", async () => {
    const s = start(createFakeEngine({ usesModel: false, threadId: "t-42" }));
    const shown = await s.waitForPrompt();
    expect(shown).toContain(NO_MODEL_BANNER);
    expect(NO_MODEL_BANNER).toBe(
      "No model configured (set OPENAI_API_KEY, or OPENAI_BASE_URL for an OpenAI-compatible server): answering from the deterministic rules.",
    );
    expect(shown).toContain("thread t-42");
    // and it keeps working
    expect(await s.send("why is payments lagging?")).toContain("payments is lagging");
    s.input.end();
    await s.finished();
  });

  test("with a model: no banner", async () => {
    const s = start(createFakeEngine({ usesModel: true }));
    expect(await s.waitForPrompt()).not.toContain("No model configured");
    s.input.end();
    await s.finished();
  });
});

describe("a question", () => {
  test("streams tool calls as they start and end, the answer, then the evidence", async () => {
    const s = start();
    await s.waitForPrompt();
    const out = await s.send("why is payments lagging?");
    const lines = out.split("\n");
    const at = (re: RegExp) => {
      const i = lines.findIndex((l) => re.test(l));
      expect(i, `no line matches ${re} in\n${out}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    const start1 = at(/^ {2}⋯ consumer_group_lag \{"group":"payments"\}$/);
    const start2 = at(/^ {2}⋯ describe_schema \{"subject":"orders-value"\}$/);
    const end2 = at(/^ {2}✗ describe_schema 3 ms — registry unavailable$/);
    const end1 = at(/^ {2}✓ consumer_group_lag 12 ms — lag 5400 on orders-3, committed offset stuck$/);
    const answer = at(/^payments is lagging because orders-3 is stuck\\x1b\[31m at offset 42\.$/);
    const second = at(/^Skip it once you have a copy\.$/);
    const evidence = at(/^ {2}evidence:$/);
    const item = at(/^ {4}- consumer_group_lag: orders-3 committed offset unchanged for 4 samples$/);
    at(/^ {4}- read_dlq: 3 records with offset 42$/);
    at(/^ {2}· answering from the rules$/);
    // Both calls were in flight together: both started before either ended, each on its own line.
    expect(Math.max(start1, start2)).toBeLessThan(Math.min(end1, end2));
    expect(end2).toBeLessThan(end1);
    expect(end1).toBeLessThan(answer);
    expect(answer).toBeLessThan(second);
    expect(second).toBeLessThan(evidence);
    expect(evidence).toBeLessThan(item);
    expect(s.engine.log.questions).toEqual(["why is payments lagging?"]);
  });

  test("an engine error is one line, made safe, and the chat goes on", async () => {
    const s = start();
    await s.waitForPrompt();
    expect(await s.send("this will fail")).toBe("this will fail\nerror: broker \\x1b[2Junreachable\n");
    expect(await s.send("why is payments lagging?")).toContain("payments is lagging");
  });

  test("nothing the engine sends reaches the output as a control sequence", async () => {
    const s = start();
    await s.waitForPrompt();
    await s.send("why?");
    await s.send("/report");
    await s.send("/report --json");
    await s.send("this will fail");
    expect(s.text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u);
  });

  test("colour only when asked for", async () => {
    const s = start(createFakeEngine(), { color: true });
    await s.waitForPrompt();
    await s.send("why?");
    expect(s.text).toContain("\u001b[32m✓\u001b[39m");
    // the engine's own ESC still arrives escaped
    expect(s.text).toContain("stuck\\x1b[31m");
  });
});

describe("slash commands", () => {
  test("/plan, /approve 1, /plan again: statuses change, nothing is applied", async () => {
    const s = start();
    await s.waitForPrompt();
    const plan = await s.send("/plan");
    expect(plan).toContain("decision remediate");
    expect(plan).toMatch(/^ {2}1\. skip_poison_message {2}risk medium {2}requires approval {2}status proposed$/m);
    expect(plan).toMatch(/^ {2}2\. scale_consumers {2}risk low {2}no approval needed {2}status proposed$/m);
    expect(plan).toMatch(/^ {5}params {4}group=payments topic=orders partition=3 offset=42$/m);

    const approved = await s.send("/approve 1");
    expect(s.engine.log.approved).toEqual([[1]]);
    expect(approved).toMatch(/^ {2}1\. skip_poison_message .*status approved$/m);
    expect(approved).toMatch(/^ {2}2\. scale_consumers .*status proposed$/m);
    expect(approved).toContain(NOTHING_APPLIED);
    expect(approved).toMatch(/nothing was applied/i);

    expect(await s.send("/plan")).toMatch(/^ {2}1\. skip_poison_message .*status approved$/m);
    const all = await s.send("/approve all");
    expect(all).toMatch(/^ {2}2\. scale_consumers .*status approved$/m);
    expect(s.engine.log.approved).toEqual([[1], "all"]);
  });

  test("/approve: bad arguments are a hint, out-of-range is the engine's error", async () => {
    const s = start();
    await s.waitForPrompt();
    expect(await s.send("/approve")).toMatch(/^\/approve\nusage: \/approve N\[,M\.\.\.\] \| all/);
    expect(await s.send("/approve one")).toContain("usage: /approve");
    expect(s.engine.log.approved).toEqual([]);
    expect(await s.send("/approve 2,7")).toContain("error: no action 7 (the plan has 2)");
    expect(await s.send("/approve 1, 2")).toContain("approval recorded for actions 1, 2:");
  });

  test("/report --json prints one valid kafka-investigation/v1 object", async () => {
    const s = start();
    await s.waitForPrompt();
    const out = await s.send("/report --json");
    const json = out.slice(out.indexOf("\n") + 1);
    const report = Report.parse(JSON.parse(json));
    expect(report.incidentId).toBe("fake-incident-1");
    // A bidi override in the data is written as an escape, the value unchanged.
    expect(json).toContain("\\u202e");
    expect(report.rootCause).toContain("\u202e");
  });

  test("/report prints the human report", async () => {
    const s = start(createFakeEngine(), { title: "orders stuck" });
    await s.waitForPrompt();
    const out = await s.send("/report");
    expect(out).toContain("kafka-ops investigation fake-incident-1 · orders stuck");
    expect(out).toMatch(/^Verdict$/m);
    expect(out).toContain("\\u{202e}evil");
  });

  test("/help lists the commands; an unknown one is a one-line hint", async () => {
    const s = start();
    await s.waitForPrompt();
    const help = await s.send("/help");
    for (const c of ["/plan", "/approve", "/report --json", "/help", "/quit"]) expect(help).toContain(c);
    const unknown = await s.send("/frobnicate now");
    expect(unknown.split("\n").filter(Boolean)).toEqual(["/frobnicate now", expect.stringMatching(/^unknown command \/frobnicate .*\/help/)]);
    expect(await s.send("")).toBe("\n");
  });

  test("/quit ends the loop", async () => {
    const s = start();
    await s.waitForPrompt();
    s.input.write("/quit\n");
    await s.finished();
    expect(s.text.endsWith(`${PROMPT}/quit\n`)).toBe(true);
  });

  test("end of input: the lines already read are answered, then the loop ends", async () => {
    const s = start();
    await s.waitForPrompt();
    s.input.end("why is payments lagging?\n/plan\n");
    await s.finished();
    expect(s.engine.log.questions).toEqual(["why is payments lagging?"]);
    expect(plain(s.text)).toMatch(/> why is payments lagging\?\n[\s\S]*evidence:[\s\S]*> \/plan\ndecision remediate\n[\s\S]*rationale catch up on the backlog\n$/);
  });
});

describe("Ctrl-C", () => {
  test("cancels the running turn, drops its late output, and the next question works", async () => {
    const s = start();
    await s.waitForPrompt();
    const since = s.mark();
    s.input.write("be slow please\n");
    await s.waitFor((t) => t.includes("Reading the dead-letter queue"), since, "the slow turn to start");
    s.interrupts.emit("interrupt");
    const cancelled = await s.waitForPrompt(since);
    expect(cancelled).toBe('be slow please\n  ⋯ read_dlq {"topic":"orders.dlq"}\nReading the dead-letter queue\n(cancelled)\n> ');
    expect(s.engine.log.aborted).toBe(1);
    expect(await s.send("why is payments lagging?")).toContain("payments is lagging");
    expect(s.text).not.toContain("LATE TOKEN");
    expect(s.ended).toBe(false);
  });

  test("twice at an empty prompt ends the loop; a line in between disarms it", async () => {
    const s = start();
    await s.waitForPrompt();
    let since = s.mark();
    s.interrupts.emit("interrupt");
    expect(await s.waitForPrompt(since)).toBe(`\n${EXIT_HINT}\n> `);
    await s.send("/help"); // disarms
    since = s.mark();
    s.interrupts.emit("interrupt");
    await s.waitForPrompt(since);
    expect(s.ended).toBe(false);
    s.interrupts.emit("interrupt");
    await s.finished();
  });

  test("terminal mode: the \\x03 key cancels a turn, clears a typed line, and twice at an empty prompt exits", async () => {
    const s = start(createFakeEngine(), { terminal: true });
    await s.waitForPrompt();
    let since = s.mark();
    s.input.write("be slow\r");
    await s.waitFor((t) => t.includes("Reading the dead-letter queue"), since, "the slow turn to start");
    s.input.write("\x03");
    expect(await s.waitForPrompt(since)).toContain("Reading the dead-letter queue\n(cancelled)\n");
    expect(s.engine.log.aborted).toBe(1);

    // history: up-arrow brings the last line back
    since = s.mark();
    s.input.write("\x1b[A");
    await s.waitFor((t) => t.endsWith("> be slow"), since, "history recall");
    s.input.write("\x03"); // clears the recalled line instead of running it
    await s.waitForPrompt(since);
    expect(s.engine.log.questions).toEqual(["be slow"]);

    since = s.mark();
    s.input.write("\x03");
    await s.waitFor((t) => t.includes(EXIT_HINT), since, "the exit hint");
    s.input.write("\x03");
    await s.finished();
  });
});

describe("parseLine", () => {
  test.each([
    ["why?", { kind: "question", text: "why?" }],
    ["   ", { kind: "empty" }],
    ["/plan", { kind: "plan" }],
    ["/approve all", { kind: "approve", indexes: "all" }],
    ["/approve 3,1 3", { kind: "approve", indexes: [3, 1] }],
    ["/report --json", { kind: "report", json: true }],
    ["/REPORT", { kind: "report", json: false }],
    ["/exit", { kind: "quit" }],
  ])("%j", (line, expected) => {
    expect(parseLine(line)).toEqual(expected);
  });

  test.each(["/approve 0", "/approve -1", "/approve 1.5", "/report --yaml", "/plan now", "/nope"])("%j is invalid", (line) => {
    expect(parseLine(line).kind).toBe("invalid");
  });
});

describe("rendering helpers", () => {
  test("safeText keeps line breaks, escapes the rest", () => {
    expect(safeText("a\nb\r\u001b[2J\u202e")).toBe("a\nb\\r\\x1b[2J\\u{202e}");
  });
  test("safeJson is the same value", () => {
    const value = { s: "x\u202ey\u0085\u001b", n: [1, 2] };
    expect(JSON.parse(safeJson(value))).toEqual(value);
    expect(safeJson(value)).not.toMatch(/[\u202e\u0085\u001b]/u);
  });
});

describe("in a real pseudo-terminal (fake engine)", () => {
  const dir = mkdtempSync(join(tmpdir(), "kafka-ops-chat-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("raw-mode Ctrl-C cancels the turn, Ctrl-C twice exits, and the process ends", { timeout: 30_000 }, async () => {
    const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
    const script = join(dir, "fake-chat.ts");
    writeFileSync(
      script,
      `import { EventEmitter } from "node:events";
import { runRepl } from ${JSON.stringify(here("./repl.ts"))};
import { createFakeEngine } from ${JSON.stringify(here("./fake-engine.ts"))};
const interrupts = new EventEmitter();
const onSigint = () => interrupts.emit("interrupt");
process.on("SIGINT", onSigint);
await runRepl({ engine: createFakeEngine(), input: process.stdin, output: process.stdout, interrupts });
process.off("SIGINT", onSigint);
`,
    );
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
    delete env.FORCE_COLOR;
    const pty = spawnInPty([process.execPath, script], { env });
    try {
      await pty.waitForPrompt(0, 15_000);
      let since = pty.mark();
      pty.type("be slow\r");
      await pty.waitFor(/Reading the dead-letter queue/, since);
      pty.type("\x03");
      expect(await pty.waitForPrompt(since)).toMatch(/Reading the dead-letter queue\n\(cancelled\)\n> $/);

      since = pty.mark();
      pty.type("why is payments lagging?\r");
      const answer = await pty.waitForPrompt(since);
      expect(answer).toContain("  ✓ consumer_group_lag 12 ms");
      expect(answer).toContain("payments is lagging");

      since = pty.mark();
      pty.type("\x03");
      await pty.waitFor((t) => t.includes(EXIT_HINT), since);
      pty.type("\x03");
      expect(await pty.exited()).toBe(0);
    } finally {
      pty.kill();
    }
  });
});
