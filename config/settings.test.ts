import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { BadInputError } from "../errors.ts";
import { loadSettings } from "./load.ts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadedSecrets, redactor } from "./secret.ts";
import { secretsOf } from "./settings.ts";

const CANARY = "canary-s3cret-7f3a";

describe("settings", () => {
  const env = {
    KAFKA_BOOTSTRAP_SERVERS: "b1:9092, b2:9092",
    KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
    KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
    KAFKA_SASL_USERNAME: "ops",
    KAFKA_SASL_PASSWORD: CANARY,
    SCHEMA_REGISTRY_URL: "https://sr.example:8081",
    SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO: `key:${CANARY}-sr`,
  };

  it("reads Confluent-style environment variables", () => {
    const s = loadSettings({}, env);
    expect(s.kafka?.bootstrap).toEqual(["b1:9092", "b2:9092"]);
    expect(s.kafka?.ssl).toBe(true);
    expect(s.kafka?.sasl?.mechanism).toBe("scram-sha-512");
    expect(s.schemaRegistry?.basicAuth?.username).toBe("key");
    expect(s.sampling).toEqual({ samples: 4, interval: 15_000 });
  });

  it("keeps the file's CA and client certificate when the environment only says SASL_SSL", () => {
    const dir = mkdtempSync(join(tmpdir(), "kafka-ops-settings-tls-"));
    const file = join(dir, "ops.json");
    writeFileSync(file, JSON.stringify({ kafka: { bootstrap: ["b1:9093"], ssl: { ca: "/etc/kafka/ca.pem" } } }));
    expect(loadSettings({ config: file }, env).kafka?.ssl).toEqual({ ca: "/etc/kafka/ca.pem", rejectUnauthorized: true });
    writeFileSync(file, JSON.stringify({ kafka: { bootstrap: ["b1:9093"], ssl: false } }));
    expect(loadSettings({ config: file }, env).kafka?.ssl).toBe(true);
  });

  it("lets flags override the environment, with durations", () => {
    const s = loadSettings({ bootstrap: "127.0.0.1:19092", interval: "2s", samples: "3", deadline: "1500ms" }, env);
    expect([s.kafka?.bootstrap, s.sampling, s.calls.deadline]).toEqual([["127.0.0.1:19092"], { samples: 3, interval: 2000 }, 1500]);
  });

  it("never prints, serializes or inspects a secret", () => {
    const s = loadSettings({}, env);
    expect(JSON.stringify(s)).not.toContain(CANARY);
    expect(inspect(s, { depth: 10 })).not.toContain(CANARY);
    expect(String(secretsOf(s)[0])).toBe("[redacted]");
    expect(secretsOf(s).map((x) => x.reveal())).toEqual([CANARY, `ops:${CANARY}`, `${CANARY}-sr`, `key:${CANARY}-sr`]);
  });

  it("scrubs secrets out of error text from client libraries", () => {
    const scrub = redactor(secretsOf(loadSettings({}, env)));
    expect(scrub(`SASL SCRAM failed for ops with ${CANARY}`)).toBe("SASL SCRAM failed for ops with [redacted]");
  });

  it("names the JSON path of a bad setting, without echoing secrets", () => {
    expect(() => loadSettings({ bootstrap: "no-port" }, {})).toThrow(BadInputError);
    expect(() => loadSettings({ bootstrap: "no-port" }, {})).toThrow("settings: settings.kafka.bootstrap[0]: expected host:port");
    const message = (() => {
      try {
        loadSettings({}, { ...env, KAFKA_SASL_MECHANISM: "GSSAPI" });
        return "no error";
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toContain("settings.kafka.sasl.mechanism");
    expect(message).not.toContain(CANARY);
  });
});

describe("settings per command", () => {
  const sasl = { KAFKA_SASL_MECHANISM: "PLAIN", KAFKA_SASL_USERNAME: "ops", KAFKA_SASL_PASSWORD: CANARY };

  it("leave the connection sections out when the command does not connect (a replay)", () => {
    expect(() => loadSettings({}, sasl)).toThrow("settings: settings.kafka.bootstrap: expected array, got nothing (missing)");
    const s = loadSettings({}, { ...sasl, SCHEMA_REGISTRY_URL: "not a url", OPENAI_API_KEY: "sk-x-123" }, { connects: false });
    expect([s.kafka, s.schemaRegistry, s.llm?.apiKey?.reveal()]).toEqual([undefined, undefined, "sk-x-123"]);
    // Left out, yet still known to the CLI's last-resort redaction.
    expect(loadedSecrets().map((x) => x.reveal())).toEqual(expect.arrayContaining([CANARY, `ops:${CANARY}`]));
  });

  it("apply registry credentials from the environment whichever way the URL is given", () => {
    const info = { SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO: `key:${CANARY}` };
    const byFlag = loadSettings({ schemaRegistry: "http://sr.flag:8081" }, info);
    expect([byFlag.schemaRegistry?.url, byFlag.schemaRegistry?.basicAuth?.username, byFlag.schemaRegistry?.basicAuth?.password.reveal()]).toEqual([
      "http://sr.flag:8081",
      "key",
      CANARY,
    ]);
    expect(loadSettings({}, info).schemaRegistry).toBeUndefined(); // no registry: nothing to send them to
  });

  it("apply registry credentials from the config file with the URL from a flag or the environment", () => {
    const dir = mkdtempSync(join(tmpdir(), "kafka-ops-settings-"));
    const file = join(dir, "ops.json");
    writeFileSync(file, JSON.stringify({ schemaRegistry: { basicAuth: { username: "file-user", password: CANARY } } }));
    const byFlag = loadSettings({ config: file, schemaRegistry: "http://sr.flag:8081" }, {});
    const byEnv = loadSettings({ config: file }, { SCHEMA_REGISTRY_URL: "http://sr.env:8081" });
    expect([byFlag, byEnv].map((s) => [s.schemaRegistry?.url, s.schemaRegistry?.basicAuth?.username])).toEqual([
      ["http://sr.flag:8081", "file-user"],
      ["http://sr.env:8081", "file-user"],
    ]);
  });
});

describe("llm settings", () => {
  it("turn on from OPENAI_API_KEY / OPENAI_BASE_URL / KAFKA_OPS_LLM_MODEL, with the budget defaults, the key a Secret", () => {
    const s = loadSettings({}, { OPENAI_API_KEY: CANARY, OPENAI_BASE_URL: "http://127.0.0.1:8000/v1", KAFKA_OPS_LLM_MODEL: "qwen2.5" });
    expect(s.llm).toMatchObject({ model: "qwen2.5", baseUrl: "http://127.0.0.1:8000/v1", temperature: 0, maxRetries: 2, budget: { maxCalls: 6, maxTokens: 30_000 } });
    expect(s.llm!.apiKey!.reveal()).toBe(CANARY);
    expect(JSON.stringify(s)).not.toContain(CANARY);
    expect(inspect(s, { depth: 10 })).not.toContain(CANARY);
    expect(secretsOf(s).map((x) => x.reveal())).toContain(CANARY);
  });
  it("stay off without those variables", () => {
    expect(loadSettings({}, {}).llm).toBeUndefined();
  });
});
