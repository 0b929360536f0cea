// Configuration per command: a replay validates no connection settings; the same environment
// that breaks a live command (SASL without bootstrap servers) leaves a replay alone.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./testing.ts";

const FIXTURE = "fixtures/incidents/lag-poison-message-1.json";
const SASL_ONLY = { KAFKA_SASL_MECHANISM: "SCRAM-SHA-512", KAFKA_SASL_USERNAME: "ops", KAFKA_SASL_PASSWORD: "canary-sasl-9d2e", KAFKA_BOOTSTRAP_SERVERS: undefined };

describe("settings per command", () => {
  it("investigate <file> --llm ignores SASL variables without bootstrap servers (a replay needs no Kafka)", async () => {
    // A model that is not there, without retries: every call fails at once and the rules carry on.
    const dir = mkdtempSync(join(tmpdir(), "kafka-ops-scope-"));
    const config = join(dir, "ops.json");
    writeFileSync(config, JSON.stringify({ llm: { baseUrl: "http://127.0.0.1:9/v1", maxRetries: 0, budget: { maxCalls: 1 } } }));
    const r = await runCli(["investigate", FIXTURE, "--llm", "--json", "--config", config], { env: { ...SASL_ONLY, OPENAI_API_KEY: undefined } });
    expect(r.stderr).not.toContain("settings.kafka");
    expect([r.code, JSON.parse(r.stdout).primary, JSON.parse(r.stdout).llm.calls]).toEqual([0, "lag.poison_message", 1]);
  }, 60_000);

  it("chat --incident ignores them too", async () => {
    const r = await runCli(["chat", "--incident", FIXTURE], { env: { ...SASL_ONLY, OPENAI_API_KEY: undefined, OPENAI_BASE_URL: undefined }, input: "/quit\n" });
    expect([r.code, r.stderr]).toEqual([0, ""]);
  }, 60_000);

  it("a live command still names the missing bootstrap servers (exit 2)", async () => {
    const r = await runCli(["record", "--schema-registry", "http://127.0.0.1:9"], { env: SASL_ONLY });
    expect([r.code, r.stderr]).toEqual([2, "kafka-ops: settings: settings.kafka.bootstrap: expected array, got nothing (missing)\n"]);
  }, 60_000);
});
