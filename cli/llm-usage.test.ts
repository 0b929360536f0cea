/**
 * `kafka-ops investigate --llm` against an endpoint whose usage counts are negative: the
 * counts are clamped, the report keeps the contract, and the CLI exits as the rules-only run
 * does (never 1, the code for a report that breaks the schema).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Report } from "../contract/report.ts";
import { runCli } from "./testing.ts";

const FIXTURE = "fixtures/incidents/lag-poison-message-1.json";
const USAGE = { prompt_tokens: -1000, completion_tokens: -5, total_tokens: -1005 };

let server: Server;
let baseUrl: string;
let requests = 0;

beforeAll(async () => {
  // Answers every call with text that is no valid answer (the rules' result stands) and bogus usage.
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      requests++;
      const stream = (JSON.parse(body) as { stream?: boolean }).stream === true;
      const base = { id: "chatcmpl-usage", created: 1_790_000_000, model: "bogus-usage" };
      if (stream) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(`data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: { role: "assistant", content: "no answer" }, finish_reason: "stop" }] })}\n\n`);
        res.write(`data: ${JSON.stringify({ ...base, object: "chat.completion.chunk", choices: [], usage: USAGE })}\n\n`);
        res.end("data: [DONE]\n\n");
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ...base, object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: "no answer" }, finish_reason: "stop" }], usage: USAGE }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("investigate --llm with negative token counts", () => {
  it("clamps them: the report validates and the exit code is the rules-only run's", async () => {
    const env = { OPENAI_API_KEY: "sk-usage-test", OPENAI_BASE_URL: baseUrl, KAFKA_OPS_LLM_MODEL: "bogus-usage" };
    const [rules, withModel] = await Promise.all([runCli(["investigate", FIXTURE, "--json"], { env }), runCli(["investigate", FIXTURE, "--json", "--llm"], { env })]);
    expect(withModel.stderr).not.toMatch(/breaks kafka-investigation/);
    expect(withModel.code).toBe(rules.code);
    expect(requests).toBeGreaterThan(0);
    const report = Report.parse(JSON.parse(withModel.stdout));
    expect(report.llm).toMatchObject({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });
    expect(report.llm!.calls).toBeGreaterThan(0);
    expect(report.llm!.notes).toContain(`usage: the endpoint reported implausible token counts in ${report.llm!.calls} answer(s); they were clamped (counts are integers from 0 to 10000000 per call)`);
    expect(report.decision).toBe(Report.parse(JSON.parse(rules.stdout)).decision);
  }, 60_000);
});
