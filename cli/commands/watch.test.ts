/**
 * `kafka-ops watch` through the real binary without a broker: its help, bad flags (one line,
 * exit 2), and a short run against a port nobody listens on: it keeps sampling, says why each
 * sample failed, serves /metrics, stops at --duration with exit 0, and never prints the
 * webhook URL it was given (a Slack URL is its own credential).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closedPort, runCli, STACK_LINE } from "../testing.ts";

const dir = mkdtempSync(join(tmpdir(), "kafka-ops-watch-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ENV = { KAFKA_OPS_STATE_DIR: dir, KAFKA_OPS_CONFIG: undefined, KAFKA_BOOTSTRAP_SERVERS: undefined, KAFKA_OPS_POSTGRES_URL: undefined };


describe.concurrent("kafka-ops watch (binary)", { timeout: 60_000 }, () => {
  it("--help says what it does, its sinks and its metrics", async () => {
    const r = await runCli(["watch", "--help"], { env: ENV });
    expect(r.code).toBe(0);
    for (const text of ["--notify KIND=URL", "--reports-topic T", "--out FILE", "--metrics-port PORT", "kafka-ops-watch-event/v1", "docs/watch.md", "1-100 (default 10)", "time between snapshots (default 30s)"]) expect(r.stdout).toContain(text);
  });

  it.each([
    [["--notify", "pagerduty=https://x"], "kafka-ops: --notify: expected slack=URL or webhook=URL\n"],
    [["--notify", "slack=ftp://hooks.example/x"], "kafka-ops: --notify slack: expected an http:// or https:// URL\n"],
    [["--metrics-port", "70000"], 'kafka-ops: --metrics-port: expected a port from 0 to 65535, or off, got "70000"\n'],
    [["--duration", "soon"], /^kafka-ops: --duration: .*got "soon"\n$/],
    [["--report-url", "ops.example"], "kafka-ops: --report-url: expected an http:// or https:// URL\n"],
    [[], "kafka-ops: watch: no Kafka to watch (--bootstrap, KAFKA_BOOTSTRAP_SERVERS or kafka.bootstrap in --config)\n"],
  ])("bad input %j is one line and exit 2", async (args, message) => {
    const r = await runCli(["watch", ...(args as string[])], { env: ENV });
    expect(r.code).toBe(2);
    if (typeof message === "string") expect(r.stderr).toBe(message);
    else expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it("keeps sampling an unreachable cluster, serves /metrics, stops at --duration, and never prints the webhook URL", async () => {
    const port = await closedPort();
    const secretUrl = "http://127.0.0.1:9/services/T000/B000/canary-slack-token-5d1e";
    const r = await runCli(
      ["watch", "--bootstrap", `127.0.0.1:${port}`, "--interval", "1s", "--deadline", "1s", "--duration", "3s", "--metrics-port", "0", "--notify", `slack=${secretUrl}`, "--name", "cli-test"],
      { env: ENV },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^kafka-ops watch: metrics on http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(lines[1]).toBe(`kafka-ops watch: watching 127.0.0.1:${port} every 1 s, window 10 samples; state in sqlite ${join(dir, "state.sqlite")}`);
    expect(lines.filter((l) => l.startsWith("kafka-ops watch: sample failed: ")).length).toBeGreaterThanOrEqual(1);
    expect(lines.at(-1)).toBe("kafka-ops watch: stopped");
    expect(r.stderr + r.stdout).not.toContain("canary-slack-token");
  });
});
