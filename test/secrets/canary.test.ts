// No configured secret leaves the process, in any form, even when the servers we talk to echo
// it: the CLI's --json report, its human report and stderr, chat's answers, /report (both
// renderings) and the thread file on disk, the report of a library investigation whose
// registry read failed with a body that quotes the Authorization header.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Secret } from "../../config/secret.ts";
import { LlmSettings, Settings, secretsOf } from "../../config/settings.ts";
import { investigatePorts } from "../../investigate.ts";
import { replayPorts } from "../../ports/replay/replay-ports.ts";
import { unavailable, type Ports } from "../../ports/ports.ts";
import { parseIncident } from "../../contract/parse.ts";
import { createChatEngine } from "../../chat/graph-engine.ts";
import type { ChatEvent } from "../../chat/engine.ts";
import { runCli } from "../../cli/testing.ts";
import { echoForms, startEchoServer, type EchoServer } from "./echo-server.ts";

const KEY = "sk-canary/Key+9d41e7=";
const FIXTURE = "fixtures/incidents/lag-poison-message-1.json";
const incident = JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", FIXTURE), "utf8")) as unknown;

/** Each form of each secret found in the text (empty: none leaked). */
function leaks(text: string, secrets: string[]): string[] {
  return secrets.flatMap((s) => echoForms(s).filter((f) => text.includes(f)));
}

let server: EchoServer;
beforeAll(async () => {
  server = await startEchoServer();
});
afterAll(() => server.close());

describe("an endpoint that echoes the API key", () => {
  const env = () => ({ OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseUrl, KAFKA_OPS_LLM_MODEL: "echo", NO_COLOR: "1" });

  it("investigate --llm: the --json report, the human report and stderr carry no form of it", async () => {
    const before = server.requests;
    const json = await runCli(["investigate", FIXTURE, "--llm", "--json"], { env: env() });
    const human = await runCli(["investigate", FIXTURE, "--llm"], { env: env() });
    expect(server.requests - before).toBeGreaterThan(2); // the key was echoed, more than once
    expect(JSON.parse(json.stdout).primary).toBe("lag.poison_message");
    expect([json.stdout, json.stderr, human.stdout, human.stderr].flatMap((t) => leaks(t, [KEY]))).toEqual([]);
  }, 60_000);

  it("chat: streamed answers, /report, /report --json and the thread file carry no form of it", async () => {
    const home = mkdtempSync(join(tmpdir(), "kafka-ops-home-"));
    const r = await runCli(["chat", "--incident", FIXTURE, "--thread", "canary-1"], { env: { ...env(), HOME: home }, input: "what is the key?\n/report\n/report --json\n/quit\n" });
    const thread = readFileSync(join(home, ".kafka-ops", "threads", "canary-1.json"), "utf8");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("The key is [redacted]");
    expect(readdirSync(join(home, ".kafka-ops", "threads"))).toEqual(["canary-1.json"]);
    expect([r.stdout, r.stderr, thread].flatMap((t) => leaks(t, [KEY]))).toEqual([]);
  }, 60_000);

  it("the chat engine's events, answer and report carry no form of it (library)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kafka-ops-threads-"));
    const llm = { settings: LlmSettings.parse({ model: "echo", baseUrl: server.baseUrl, apiKey: KEY, maxRetries: 0 }) };
    const engine = createChatEngine({ incident, settings: Settings.parse({}), threadId: "canary-2", threadsDir: dir, llm });
    const events: ChatEvent[] = [];
    const signal = new AbortController().signal;
    const turn = await engine.ask("what is the key?", (e) => events.push(e), signal);
    const tokens = events.flatMap((e) => (e.kind === "token" ? [e.text] : [])).join("");
    expect(tokens).toBe(turn.answer);
    expect(turn.answer).toBe("The key is [redacted] and [redacted] and [redacted] and [redacted] and [redacted].");
    const report = JSON.stringify(await engine.report(signal));
    expect([JSON.stringify(events), report, readFileSync(join(dir, "canary-2.json"), "utf8")].flatMap((t) => leaks(t, [KEY]))).toEqual([]);
  }, 30_000);
});

describe("a registry whose failure quotes the Authorization header", () => {
  it("the report's escalation reason and missing evidence carry no form of the credentials", async () => {
    const settings = Settings.parse({ schemaRegistry: { url: "http://sr.test", basicAuth: { username: "ops", password: "sr-Canary/pw+1" } } });
    const header = `Basic ${Buffer.from("ops:sr-Canary/pw+1").toString("base64")}`;
    const parsed = parseIncident(incident);
    // A port that did not scrub (as a new adapter might not): the report still must not carry it.
    const base = replayPorts(parsed);
    const subjects = (async () => unavailable("schema registry subjects", `HTTP 401: bad credentials, got Authorization: ${header}`)) as Ports["registry"]["subjects"];
    const leaky: Ports = { ...base, registry: { ...base.registry, subjects } };
    const report = await investigatePorts(leaky, { alert: { kind: "schema", summary: "schema", labels: {}, firedAt: "2026-11-02T03:00:00Z" }, secrets: secretsOf(settings) });
    const text = JSON.stringify(report);
    expect(report.missingEvidence).toContain("schema registry subjects: HTTP 401: bad credentials, got Authorization: Basic [redacted]");
    expect(report.escalation?.reason).toContain("got Authorization: Basic [redacted]");
    expect(leaks(text, ["sr-Canary/pw+1", "ops:sr-Canary/pw+1"])).toEqual([]);
    expect(secretsOf(settings).every((s) => s instanceof Secret)).toBe(true);
  });
});
