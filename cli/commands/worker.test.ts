/**
 * `kafka-ops worker` through the real binary without a broker: its help, bad flags (one line,
 * exit 2, no stack), and an unreachable cluster (one line, exit 1, no secret).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { closedPort, runCli, STACK_LINE } from "../testing.ts";

const dir = mkdtempSync(join(tmpdir(), "kafka-ops-worker-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ENV = { KAFKA_OPS_STATE_DIR: dir, KAFKA_OPS_CONFIG: undefined, KAFKA_BOOTSTRAP_SERVERS: undefined, KAFKA_OPS_POSTGRES_URL: undefined, OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined };
const TOPICS = ["--alerts-topic", "ops.alerts", "--reports-topic", "ops.reports"];


describe.concurrent("kafka-ops worker (binary)", { timeout: 60_000 }, () => {
  it("--help says what it consumes, what it produces, and how it stays exactly once", async () => {
    const r = await runCli(["worker", "--help"], { env: ENV });
    expect(r.code).toBe(0);
    for (const text of ["--alerts-topic T", "--reports-topic T", "--dlq-topic T", "read_committed", "kafka-ops-alert/v1", "Alertmanager", "KAFKA_OPS_POSTGRES_URL", "docs/workers.md", "kafka-ops-error", "--metrics-port PORT", "default off"]) expect(r.stdout).toContain(text);
  });

  it.each([
    [["--reports-topic", "r"], "kafka-ops: worker: --alerts-topic is required\n"],
    [["--alerts-topic", "a"], "kafka-ops: worker: --reports-topic is required\n"],
    [["--alerts-topic", "ops alerts", "--reports-topic", "r"], 'kafka-ops: --alerts-topic: expected a Kafka topic name (letters, digits, . _ -; at most 249), got "ops alerts"\n'],
    [["--alerts-topic", "a", "--reports-topic", "a"], "kafka-ops: worker: --alerts-topic, --reports-topic and --dlq-topic must be three different topics\n"],
    [[...TOPICS, "--concurrency", "0"], 'kafka-ops: --concurrency: expected a whole number from 1 to 64, got "0"\n'],
    [[...TOPICS, "--max-attempts", "x"], 'kafka-ops: --max-attempts: expected a whole number from 1 to 20, got "x"\n'],
    [[...TOPICS, "--lease", "1s"], "kafka-ops: --lease: at least 3s (the lease is renewed every third of it)\n"],
    [[...TOPICS, "--session-timeout", "soon"], /^kafka-ops: --session-timeout: .*got "soon"\n$/],
    [[...TOPICS, "--notify", "pager=https://x"], "kafka-ops: --notify: expected slack=URL or webhook=URL\n"],
    [[...TOPICS, "--metrics-port", "70000"], 'kafka-ops: --metrics-port: expected a port from 0 to 65535, or off, got "70000"\n'],
    [[...TOPICS, "--metrics-host", "0.0.0.0"], "kafka-ops: --metrics-host: needs --metrics-port (the worker serves no metrics without it)\n"],
    [[...TOPICS, "extra"], 'kafka-ops: worker: unexpected argument "extra" (see kafka-ops worker --help)\n'],
    [["--bootstrap", "127.0.0.1:1", ...TOPICS, "--llm"], "kafka-ops: --llm: no model configured (set OPENAI_API_KEY and/or OPENAI_BASE_URL, optionally KAFKA_OPS_LLM_MODEL)\n"],
    [TOPICS, "kafka-ops: worker: no Kafka to read alerts from (--bootstrap, KAFKA_BOOTSTRAP_SERVERS or kafka.bootstrap in --config)\n"],
  ])("bad input %j is one line and exit 2", async (args, message) => {
    const r = await runCli(["worker", ...(args as string[])], { env: ENV });
    expect(r.code).toBe(2);
    if (typeof message === "string") expect(r.stderr).toBe(message);
    else expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(STACK_LINE);
  });

  it("a metrics port already taken is one line and exit 2, before any Kafka is dialled", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      const r = await runCli(["worker", "--bootstrap", "127.0.0.1:1", ...TOPICS, "--metrics-port", String(port)], { env: ENV });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`kafka-ops: --metrics-port: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port}\n`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it("an unreachable cluster is one line and exit 1, without the SASL password", async () => {
    const port = await closedPort();
    const r = await runCli(["worker", "--bootstrap", `127.0.0.1:${port}`, ...TOPICS, "--deadline", "1s"], {
      env: { ...ENV, KAFKA_SECURITY_PROTOCOL: "SASL_PLAINTEXT", KAFKA_SASL_MECHANISM: "PLAIN", KAFKA_SASL_USERNAME: "ops", KAFKA_SASL_PASSWORD: "canary-worker-password-77" },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^kafka-ops: cannot reach Kafka at 127\\.0\\.0\\.1:${port}: .+\\n$`));
    expect(r.stderr + r.stdout).not.toContain("canary-worker-password");
  });
});
