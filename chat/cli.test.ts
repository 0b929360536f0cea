/**
 * `kafka-ops chat` through the real binary: bad input is one line and exit 2 (before any
 * engine loads), and one whole conversation in a pseudo-terminal with the real engine and
 * no model (deterministic rules).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { EXIT } from "../cli/exit-codes.ts";
import { BIN, ROOT, runCli, STACK_LINE } from "../cli/testing.ts";
import { NO_MODEL_BANNER } from "./render.ts";
import { spawnInPty } from "./testing.ts";

describe.concurrent("kafka-ops chat: bad input", () => {
  test.each([
    [["chat"], /missing --incident FILE, or --bootstrap/],
    [["chat", "--incident", "fixtures/incidents/does-not-exist.json"], /no such file: fixtures\/incidents\/does-not-exist\.json/],
    [["chat", "--incident", "-"], /--incident needs a file/],
    [["chat", "fixtures/incidents/lag-poison-message-1.json"], /unexpected argument .*--incident/],
    [["chat", "--incident", "package.json"], /package\.json/],
    [["chat", "--nope"], /unknown option '--nope'/],
  ])("%j", async (args, pattern) => {
    const result = await runCli(args, { env: { KAFKA_BOOTSTRAP_SERVERS: undefined, KAFKA_OPS_CONFIG: undefined } });
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^kafka-ops: [^\n]+\n$/);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).not.toMatch(STACK_LINE);
    expect(result.code).toBe(EXIT.badInput);
  });

  test("--help", async () => {
    const result = await runCli(["chat", "--help"]);
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).toMatch(/^Usage: kafka-ops chat --incident FILE/);
    for (const s of ["/plan", "/approve", "/report", "--thread", "--bootstrap"]) expect(result.stdout).toContain(s);
  });

  test("listed in kafka-ops --help", async () => {
    expect((await runCli(["--help"])).stdout).toMatch(/^ {2}chat {9}\S/m);
  });
});

test("a conversation in a pseudo-terminal: a question, /plan, /quit (real engine, no model)", { timeout: 120_000 }, async () => {
  // The chat opens the approval gate's state store: a temp dir, never the user's ~/.kafka-ops.
  const stateDir = mkdtempSync(join(tmpdir(), "kafka-ops-chat-cli-"));
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", TERM: "xterm", KAFKA_OPS_STATE_DIR: stateDir, KAFKA_OPS_AUDIT_LOG: join(stateDir, "audit.jsonl") };
  for (const k of ["FORCE_COLOR", "OPENAI_API_KEY", "OPENAI_BASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "KAFKA_OPS_CONFIG", "KAFKA_OPS_DEBUG"]) delete env[k];
  const pty = spawnInPty([BIN, "chat", "--incident", "fixtures/incidents/lag-poison-message-1.json"], { cwd: ROOT, env });
  try {
    const banner = await pty.waitForPrompt(0, 60_000);
    expect(banner).toContain("kafka-ops chat");
    expect(banner).toContain(NO_MODEL_BANNER);

    let since = pty.mark();
    pty.type("why is orders-svc lagging?\r");
    const answer = await pty.waitForPrompt(since, 60_000);
    const body = answer.split("\n").slice(1, -1); // without the echoed question and the prompt
    expect(body.join("\n").trim(), answer).not.toBe("");
    expect(answer).not.toMatch(/^(internal )?error:/m);

    since = pty.mark();
    pty.type("/plan\r");
    const plan = await pty.waitForPrompt(since, 60_000);
    expect(plan).toMatch(/^decision (remediate|escalate|none)$/m);
    expect(plan).toMatch(/^ {2}1\. skip_poison_message .*status proposed$/m);

    pty.type("/quit\r");
    expect(await pty.exited(30_000)).toBe(EXIT.ok);
  } finally {
    pty.kill();
    rmSync(stateDir, { recursive: true, force: true });
  }
});
