/**
 * LlmSession against the answers local servers give (nock, OpenAI wire format): tool calls as
 * text, a named tool_choice ignored (auto switches to a JSON-schema response_format, once),
 * and the usage of calls that failed after the server took the prompt.
 */
import { HumanMessage } from "@langchain/core/messages";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { LlmSettings, type SettingsInput } from "../config/settings.ts";
import { completion, TEST_BASE_URL, TEST_ORIGIN } from "./cassette.ts";
import { LlmSession, type ModelTool } from "./session.ts";

const Answer = z.object({ agents: z.array(z.string()), reason: z.string() });
const tools: ModelTool[] = [{ name: "topic_config", description: "a topic's configuration", schema: z.object({ topic: z.string() }) }];

function session(over: Partial<NonNullable<SettingsInput["llm"]>> = {}) {
  return new LlmSession({ settings: LlmSettings.parse({ model: "local", baseUrl: TEST_BASE_URL, maxRetries: 0, ...over }) });
}

/** Answers POST /v1/chat/completions in order, keeping each request body. */
function serve(...replies: ((body: Record<string, unknown>) => [number, string | object, Record<string, string>?])[]) {
  const bodies: Record<string, unknown>[] = [];
  for (const reply of replies) {
    nock(TEST_ORIGIN).post("/v1/chat/completions").reply(async (request: Request) => {
      const body = (await request.json()) as Record<string, unknown>;
      bodies.push(body);
      const [status, payload, headers] = reply(body);
      return [status, typeof payload === "string" ? payload : JSON.stringify(payload), { "content-type": "application/json", ...headers }] as const;
    });
  }
  return bodies;
}

/** A streamed chat completion (server-sent events) carrying `text`, then a usage chunk. */
function sse(text: string, usage: [number, number]) {
  const chunk = (choices: unknown[], extra: object = {}) => `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: "local", choices, ...extra })}\n\n`;
  const half = Math.floor(text.length / 2);
  return [
    chunk([{ index: 0, delta: { role: "assistant", content: text.slice(0, half) }, finish_reason: null }]),
    chunk([{ index: 0, delta: { content: text.slice(half) }, finish_reason: "stop" }]),
    chunk([], { usage: { prompt_tokens: usage[0], completion_tokens: usage[1], total_tokens: usage[0] + usage[1] } }),
    "data: [DONE]\n\n",
  ].join("");
}
const SSE = { "content-type": "text/event-stream" };
const ask = [new HumanMessage("which specialists?")];

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe("tool calls that come back as text", () => {
  it("turns Qwen's <tool_call> text into tool calls of the offered tools", async () => {
    serve(() => [200, completion({ content: '<tool_call>\n{"name": "topic_config", "arguments": {"topic": "orders"}}\n</tool_call>' }, [120, 20])]);
    const s = session();
    const reply = await s.chat("streaming tool loop (turn 1)", ask, { tools });
    expect(reply?.tool_calls?.map((c) => [c.name, c.args, c.id])).toEqual([["topic_config", { topic: "orders" }, "text-call-1"]]);
    expect(reply?.content).toBe("");
    expect(s.stats).toMatchObject({ toolCalls: 0, textToolCalls: 1 });
    expect(s.notes).toEqual(["streaming tool loop (turn 1): 1 tool call(s) came back as text in the model's format; parsed"]);
    expect(s.usage.total).toBe(140);
  });

  it("keeps a reply's real tool_calls as they are, and text naming no offered tool as text", async () => {
    serve(
      () => [200, completion({ content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "topic_config", arguments: '{"topic":"a"}' } }] }, [10, 5])],
      () => [200, completion({ content: '{"name": "delete_topic", "arguments": {"topic": "a"}}' }, [10, 5])],
    );
    const s = session();
    expect((await s.chat("t1", ask, { tools }))?.tool_calls?.map((c) => c.id)).toEqual(["call_1"]);
    const second = await s.chat("t2", ask, { tools });
    expect(second?.tool_calls).toEqual([]);
    expect(second?.content).toBe('{"name": "delete_topic", "arguments": {"topic": "a"}}');
    expect(s.stats).toMatchObject({ toolCalls: 1, textToolCalls: 0 });
  });
});

describe("structured output per endpoint", () => {
  it("tool: a forced, named tool call whose arguments validate", async () => {
    const bodies = serve(() => [200, completion({ content: null, tool_calls: [{ id: "c", type: "function", function: { name: "triage", arguments: '{"agents":["streaming"],"reason":"lag"}' } }] }, [50, 10])]);
    const s = session();
    expect(await s.structured("triage", ask, Answer, "triage")).toEqual({ agents: ["streaming"], reason: "lag" });
    expect(bodies[0]!.tool_choice).toEqual({ type: "function", function: { name: "triage" } });
    expect(bodies[0]!.response_format).toBeUndefined();
    expect(s.structuredMethod).toBe("tool");
    expect(s.stats.validated).toEqual({ tool: 1, text: 0, json_schema: 0 });
  });

  it("auto: a reply without the forced call is retried once with a streamed json_schema response_format, and later answers use it directly", async () => {
    const bodies = serve(
      () => [200, completion({ content: "The streaming specialist should look at it." }, [50, 12])],
      () => [200, sse('{"agents":["streaming"],"reason":"lag"}', [52, 14]), SSE],
      () => [200, sse('{"agents":["dlq"],"reason":"dead letters"}', [40, 9]), SSE],
    );
    const s = session();
    expect(await s.structured("triage", ask, Answer, "triage")).toEqual({ agents: ["streaming"], reason: "lag" });
    expect(s.structuredMethod).toBe("json_schema");
    expect(await s.structured("synthesis", ask, Answer, "synthesis")).toEqual({ agents: ["dlq"], reason: "dead letters" });

    expect(bodies).toHaveLength(3);
    expect(bodies[0]!.tool_choice).toEqual({ type: "function", function: { name: "triage" } });
    for (const [i, name] of [[1, "triage"], [2, "synthesis"]] as const) {
      expect(bodies[i]!.stream).toBe(true);
      expect(bodies[i]!.tool_choice).toBeUndefined();
      const format = bodies[i]!.response_format as { type: string; json_schema: { name: string; strict: boolean; schema: { required: string[] } } };
      expect([format.type, format.json_schema.name, format.json_schema.strict, format.json_schema.schema.required]).toEqual(["json_schema", name, false, ["agents", "reason"]]);
    }
    expect(s.stats).toMatchObject({ fellBack: 1, failed: 0, validated: { tool: 0, text: 0, json_schema: 2 } });
    expect(s.usage).toMatchObject({ calls: 3, prompt: 142, completion: 35, total: 177 });
    expect(s.notes).toEqual(["triage: the endpoint ignored the forced tool call; structured answers use a JSON-schema response_format from now on"]);
  });

  it("auto: an answer written as text (a fenced tool call in the model's format) is used without a second call", async () => {
    const bodies = serve(() => [200, completion({ content: '```json\n{"name": "triage", "arguments": {"agents": ["broker"], "reason": "isr"}}\n```' }, [50, 20])]);
    const s = session();
    expect(await s.structured("triage", ask, Answer, "triage")).toEqual({ agents: ["broker"], reason: "isr" });
    expect(bodies).toHaveLength(1);
    expect(s.structuredMethod).toBe("json_schema");
    expect(s.stats).toMatchObject({ fellBack: 0, validated: { tool: 0, text: 1, json_schema: 0 } });
  });

  it("auto: no retry when the budget has no call left; the rules' result stands", async () => {
    serve(() => [200, completion({ content: "no idea" }, [50, 3])]);
    const s = session({ budget: { maxCalls: 1 } });
    expect(await s.structured("triage", ask, Answer, "triage")).toBeNull();
    expect(s.usage.calls).toBe(1);
    expect(s.notes).toContain("triage (json_schema): not called: call budget spent (1/1 calls)");
  });

  it("tool: an endpoint that ignores tool_choice is not second-guessed (one call, a note)", async () => {
    const bodies = serve(() => [200, completion({ content: "The streaming specialist." }, [50, 5])]);
    const s = session({ structuredOutput: "tool" });
    expect(await s.structured("triage", ask, Answer, "triage")).toBeNull();
    expect(bodies).toHaveLength(1);
    expect(s.structuredMethod).toBe("tool");
    expect(s.notes).toEqual(["triage: the model's answer was not valid JSON; the rules' result stands"]);
  });

  it("json_schema from the start, and an answer that does not match the schema is a note", async () => {
    const bodies = serve(() => [200, sse('{"agents":"streaming"}', [30, 6]), SSE]);
    const s = session({ structuredOutput: "json_schema" });
    expect(await s.structured("triage", ask, Answer, "triage")).toBeNull();
    expect(bodies[0]!.tools).toBeUndefined();
    expect((bodies[0]!.response_format as { type: string }).type).toBe("json_schema");
    expect(s.notes).toEqual(["triage: the model's answer did not match the schema (agents: Invalid input: expected array, received string); the rules' result stands"]);
    expect(s.stats.failed).toBe(1);
  });
});

describe("usage of failed calls", () => {
  // 400 characters of prompt, no tools: ~100 tokens at 4 characters a token.
  const prompt = [new HumanMessage("x".repeat(400))];

  it("a call that timed out while the server worked on it counts the estimated prompt tokens, and says so", async () => {
    nock(TEST_ORIGIN).post("/v1/chat/completions").reply(async (request: Request) => {
      // Slower than the 200 ms deadline; ends early if the client's abort reaches here.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1_000);
        request.signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
      });
      return [200, "{}"] as const;
    });
    const s = session({ timeout: "200ms" });
    expect(await s.chat("triage", prompt)).toBeNull();
    expect(s.usage).toMatchObject({ calls: 1, prompt: 100, completion: 0, total: 100 });
    expect(s.budget.tokens).toBe(100);
    expect(s.stats.estimated).toBe(1);
    expect(s.notes[0]).toBe("triage: usage estimated: ~100 prompt tokens (from the prompt's length; the call failed after the server took the prompt and reported no usage)");
    expect(s.notes[1]).toMatch(/^triage: model call failed \(.*time.*out.*\); the rules' result stands$/i);
  });

  it("a 500 counts the estimate; a 400 or a refused connection costs nothing", async () => {
    serve(() => [500, { error: { message: "slot crashed" } }], () => [400, { error: { message: "bad request" } }]);
    const s = session();
    expect(await s.chat("a", prompt)).toBeNull();
    expect(s.usage.total).toBe(100);
    expect(await s.chat("b", prompt)).toBeNull();
    expect(s.usage.total).toBe(100);

    const refused = new LlmSession({ settings: LlmSettings.parse({ model: "local", baseUrl: "http://127.0.0.1:9/v1", maxRetries: 0 }) });
    nock.enableNetConnect("127.0.0.1:9");
    expect(await refused.chat("c", prompt)).toBeNull();
    expect(refused.usage).toMatchObject({ calls: 1, total: 0 });
    expect(refused.stats.estimated).toBe(0);
  });
});

describe("usage an endpoint inflates", () => {
  it("a huge completion count is counted as the request's max_tokens, so the token budget survives it", async () => {
    // 400 characters of prompt; max_tokens 1,500 (the default); token budget 30,000 (the default).
    const prompt = [new HumanMessage("x".repeat(400))];
    const bodies = serve(
      () => [200, completion({ content: "one" }, [100, 1e15])],
      () => [200, completion({ content: "two" }, [100, 20])],
    );
    const s = session();
    expect((await s.chat("a", prompt))?.content).toBe("one");
    expect(bodies[0]!.max_tokens).toBe(1_500);
    expect(s.usage).toMatchObject({ calls: 1, prompt: 100, completion: 1_500, total: 1_600, clamped: 1 });
    expect(s.budget.tokens).toBe(1_600);
    // Without the cap the 1e15 (clamped to 10,000,000) would have refused this call.
    expect((await s.chat("b", prompt))?.content).toBe("two");
    expect(s.budget.tokens).toBe(1_720);
    // 1e15 is first clamped to MAX_TOKENS_PER_CALL, then lowered to the call's max_tokens.
    expect(s.notes).toEqual(["a: the endpoint reported 10000000 completion tokens, more than the call's max_tokens (1500); counted 1500"]);
  });

  it("a huge prompt count is counted as at most one token per byte sent plus the template's allowance", async () => {
    const prompt = [new HumanMessage("x".repeat(400))];
    serve(() => [200, completion({ content: "one" }, [5_000_000, 10])]);
    const s = session();
    await s.chat("a", prompt);
    // 400 bytes + 16 for the one message + 1,024 for the request.
    expect(s.usage).toMatchObject({ prompt: 1_440, completion: 10, total: 1_450, clamped: 1 });
    expect(s.notes).toEqual(["a: the endpoint reported 5000000 prompt tokens, more than the 1440 the prompt sent could be (one per byte plus the chat template's allowance); counted 1440"]);
  });
});

describe("a turn that must call a tool", () => {
  it("sends tool_choice \"required\" and, to a self-hosted endpoint, a stop on a run of blank lines; a fenced JSON call before it is parsed", async () => {
    const bodies = serve(() => [200, completion({ content: '```json\n{"name": "topic_config", "arguments": {"topic": "orders"}}\n```\n\n\n' }, [50, 30], "stop")]);
    const s = session();
    const reply = await s.chat("streaming tool loop (turn 1)", ask, { tools, toolChoice: "required" });
    expect([bodies[0]!.tool_choice, bodies[0]!.stop, bodies[0]!.parallel_tool_calls]).toEqual(["required", ["\n\n\n\n"], true]);
    expect(reply?.tool_calls?.map((c) => [c.name, c.args])).toEqual([["topic_config", { topic: "orders" }]]);
    expect(s.stats.textToolCalls).toBe(1);
  });

  it("sends no stop to OpenAI's own API (no base URL: its reasoning models refuse one), nor on a free turn", async () => {
    const bodies = serve(() => [200, completion({ content: "no call" }, [50, 3])]);
    nock("https://api.openai.com").post("/v1/chat/completions").reply(async (request: Request) => {
      bodies.push((await request.json()) as Record<string, unknown>);
      return [200, JSON.stringify(completion({ content: "no call" }, [50, 3])), { "content-type": "application/json" }] as const;
    });
    await session().chat("free turn", ask, { tools });
    const openai = new LlmSession({ settings: LlmSettings.parse({ model: "gpt-4o-mini", apiKey: "sk-test", maxRetries: 0 }) });
    await openai.chat("required turn", ask, { tools, toolChoice: "required" });
    expect(bodies.map((b) => [b.tool_choice, b.stop])).toEqual([[undefined, undefined], ["required", undefined]]);
  });
});
