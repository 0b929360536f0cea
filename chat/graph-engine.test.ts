import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LlmSettings, Settings } from "../config/settings.ts";
import { startScriptedResponder, type ScriptedResponder } from "../llm/scripted-responder.ts";
import { startHostileServer } from "../test/hostile/server.ts";
import type { ChatEvent } from "./engine.ts";
import { createChatEngine } from "./graph-engine.ts";

const incident = JSON.parse(readFileSync(join(import.meta.dirname, "..", "fixtures", "incidents", "lag-poison-message-1.json"), "utf8")) as unknown;
const signal = () => new AbortController().signal;

describe("rules-only chat engine (no model configured)", () => {
  const engine = createChatEngine({ incident, settings: Settings.parse({}), threadId: "rules-1" });

  it("answers from the report's sections and says no model is configured", async () => {
    expect(engine.usesModel).toBe(false);
    const events: ChatEvent[] = [];
    const turn = await engine.ask("why is orders-svc lagging?", (e) => events.push(e), signal());
    expect(events[0]).toMatchObject({ kind: "note", text: expect.stringContaining("no model configured") });
    expect(turn.answer).toContain("Root cause (lag.poison_message)");
    expect(turn.evidence.length).toBeGreaterThan(0);
    const plan = await engine.ask("what would you do?", () => {}, signal());
    expect(plan.answer).toContain("skip_poison_message");
  });

  it("plans, approves (never applies) and reports", async () => {
    const p = await engine.plan(signal());
    expect(p.decision).toBe("remediate");
    const actions = await engine.approve([1]);
    expect(actions[0]!.status).toBe("approved");
    expect((await engine.report(signal())).actions[0]!.status).toBe("approved");
    await expect(engine.approve([9])).rejects.toThrow(/no action 9/);
  });
});

describe("chat engine with a model (the scripted responder, not a model)", () => {
  let responder: ScriptedResponder;
  const dir = mkdtempSync(join(tmpdir(), "kafka-ops-threads-"));
  beforeAll(async () => {
    responder = await startScriptedResponder();
  });
  afterAll(() => responder.close());
  const llm = () => ({ settings: LlmSettings.parse({ model: "scripted", baseUrl: responder.baseUrl, apiKey: "sk-chat-canary-123", maxRetries: 0 }) });

  it("streams tokens and tool events, keeps the thread on disk, and resumes it", async () => {
    const engine = createChatEngine({ incident, settings: Settings.parse({}), threadId: "thread-a", threadsDir: dir, llm: llm() });
    expect(engine.usesModel).toBe(true);
    const events: ChatEvent[] = [];
    const turn = await engine.ask("which groups are there?", (e) => events.push(e), signal());
    const kinds = events.map((e) => e.kind);
    expect(kinds).toContain("tool-start");
    expect(kinds).toContain("tool-end");
    expect(kinds.filter((k) => k === "token").length).toBeGreaterThan(1);
    expect(kinds.indexOf("tool-start")).toBeLessThan(kinds.indexOf("tool-end"));
    expect(turn.answer).toMatch(/^Scripted answer \(not a model\): consumer_groups says:/);
    expect(turn.evidence[0]).toMatch(/^consumer_groups: /);
    const saved = readFileSync(join(dir, "thread-a.json"), "utf8");
    expect(JSON.parse(saved).messages).toHaveLength(4); // human, ai (tool call), tool, ai
    expect(saved).not.toContain("sk-chat-canary-123");

    const again = createChatEngine({ incident, settings: Settings.parse({}), threadId: "thread-a", threadsDir: dir, llm: llm() });
    const notes: ChatEvent[] = [];
    await again.ask("and now?", (e) => notes.push(e), signal());
    expect(notes[0]).toEqual({ kind: "note", text: "resumed thread thread-a (4 messages)" });
    // The resumed history reached the model: seeing the earlier tool result, the script answers
    // without a new read (question + answer: 6 messages).
    expect(JSON.parse(readFileSync(join(dir, "thread-a.json"), "utf8")).messages).toHaveLength(6);
  });

  it("runs each question under the settings' budget: when it is spent, the rules answer, with a note", async () => {
    const budgeted = { settings: LlmSettings.parse({ model: "scripted", baseUrl: responder.baseUrl, apiKey: "sk-chat-canary-123", maxRetries: 0, budget: { maxCalls: 1 } }) };
    const engine = createChatEngine({ incident, settings: Settings.parse({}), threadId: "thread-budget", threadsDir: dir, llm: budgeted });
    await engine.report(signal()); // the investigation's own session, before counting
    const before = responder.requests;
    const events: ChatEvent[] = [];
    const turn = await engine.ask("why is orders-svc lagging?", (e) => events.push(e), signal());
    // One call (the tool call), then the budget refuses the second: no answer from the model.
    expect(responder.requests - before).toBe(1);
    expect(events.filter((e) => e.kind === "note")).toEqual([
      { kind: "note", text: "chat: not called: call budget spent (1/1 calls); answering from the rules' report" },
    ]);
    expect(turn.answer).toMatch(/^Root cause \(lag\.poison_message\): /);
  });

  it("rejects a thread id that could escape the threads directory", () => {
    expect(() => createChatEngine({ incident, settings: Settings.parse({}), threadId: "../x" })).toThrow(/thread id/);
  });
});

describe("chat's own tool loop against a model that gets its tool calls wrong", () => {
  it("returns invalid arguments, an unknown tool and a flood to the model as tool errors, with notes; no tool fails, no evidence; a typed secret never reaches the model or the thread", async () => {
    const server = await startHostileServer();
    const dir = mkdtempSync(join(tmpdir(), "kafka-ops-threads-"));
    const bodies: string[] = [];
    const toolMessages: string[] = [];
    const { baseUrl } = server.register((turn) => {
      // The engine's own investigation (triage, specialists, synthesis) gets a 400: rules only.
      if (turn.prompt !== "chat") return { kind: "raw", status: 400, body: JSON.stringify({ error: { message: "not this one" } }) };
      bodies.push(JSON.stringify(turn.body));
      if (turn.toolResults === 0) {
        return {
          kind: "message",
          content: null,
          toolCalls: [
            { name: "search_logs", args: { minLevel: "WARN", limit: 1e9 } },
            { name: "dlq_records", args: { limit: -1 } },
            { name: "delete_topic", args: { topic: "orders" } },
            { name: "consumer_groups", args: {} },
            ...Array.from({ length: 6 }, () => ({ name: "consumer_groups", args: {} })),
          ],
        };
      }
      toolMessages.push(...turn.body.messages.filter((m) => m.role === "tool").map((m) => String(m.content)));
      return { kind: "message", content: "orders-svc is stuck on one record." };
    });
    try {
      const settings = LlmSettings.parse({ model: "hostile", baseUrl, apiKey: "sk-chat-canary-456", maxRetries: 0 });
      const engine = createChatEngine({ incident, settings: Settings.parse({}), threadId: "thread-bad-args", threadsDir: dir, llm: { settings } });
      const events: ChatEvent[] = [];
      const turn = await engine.ask("is sk-chat-canary-456 the key? why is orders-svc lagging?", (e) => events.push(e), signal());
      expect(turn.answer).toBe("orders-svc is stuck on one record.");
      expect(events.filter((e) => e.kind === "note").map((e) => (e as { text: string }).text)).toEqual([
        "chat: the model called search_logs with invalid arguments (limit: Too big: expected number to be <=500); returned to it as a tool error",
        "chat: the model called dlq_records with invalid arguments (limit: Too small: expected number to be >=1); returned to it as a tool error",
        'chat: the model asked for unknown tool "delete_topic"; refused',
        'chat: the model asked for more than 8 reads in one turn; "consumer_groups" refused',
        'chat: the model asked for more than 8 reads in one turn; "consumer_groups" refused',
      ]);
      // Only the valid reads ran: 5 of the 7 consumer_groups calls fit in the turn's 8.
      const ended = events.filter((e) => e.kind === "tool-end");
      expect(ended.map((e) => [e.tool, e.ok])).toEqual(Array.from({ length: 5 }, () => ["consumer_groups", true]));
      expect(turn.evidence).toHaveLength(5);
      expect(toolMessages.slice(0, 3)).toEqual([
        "error: invalid arguments for search_logs: limit: Too big: expected number to be <=500",
        "error: invalid arguments for dlq_records: limit: Too small: expected number to be >=1",
        'error: no tool named "delete_topic"',
      ]);
      expect(toolMessages.slice(8)).toEqual(["error: at most 8 tool calls per turn", "error: at most 8 tool calls per turn"]);
      expect(bodies.join("\n")).not.toContain("sk-chat-canary-456");
      expect(readFileSync(join(dir, "thread-bad-args.json"), "utf8")).not.toContain("sk-chat-canary-456");
    } finally {
      await server.close();
    }
  });
});

describe("chat's history holds no raw secret and every call the model made", () => {
  it("answers arguments that are not JSON with a tool error matched to the call, and scrubs a secret from a tool result before it enters the history", async () => {
    const secret = "sk-chat-canary-789";
    // A log line that quotes the configured API key: the read's result carries it.
    const leaky = structuredClone(incident) as { logs: { at: string; source: string; level: string; message: string }[] };
    leaky.logs.push({ at: "2026-11-02T02:59:00Z", source: "orders-svc", level: "ERROR", message: `auth retry with key=${secret} failed` });
    const server = await startHostileServer();
    const dir = mkdtempSync(join(tmpdir(), "kafka-ops-threads-"));
    const chatBodies: { messages: { role: string; content?: unknown; tool_calls?: { id: string; function: { name: string; arguments: string } }[]; tool_call_id?: string }[] }[] = [];
    const { baseUrl } = server.register((turn) => {
      if (turn.prompt !== "chat") return { kind: "raw", status: 400, body: JSON.stringify({ error: { message: "not this one" } }) };
      chatBodies.push(JSON.parse(JSON.stringify(turn.body)) as (typeof chatBodies)[number]);
      const sinceQuestion = turn.body.messages.slice(turn.body.messages.findLastIndex((m) => m.role === "user") + 1);
      if (!sinceQuestion.some((m) => m.role === "tool")) {
        return {
          kind: "message",
          content: null,
          toolCalls: [
            { name: "search_logs", args: '{"minLevel": "ERROR", "limit": ' },
            { name: "search_logs", args: { minLevel: "ERROR", contains: "auth retry" } },
          ],
        };
      }
      return { kind: "message", content: "The consumer's auth retries fail." };
    });
    try {
      const settings = LlmSettings.parse({ model: "hostile", baseUrl, apiKey: secret, maxRetries: 0 });
      const engine = createChatEngine({ incident: leaky, settings: Settings.parse({}), threadId: "thread-history", threadsDir: dir, llm: { settings } });
      const events: ChatEvent[] = [];
      const turn = await engine.ask("what do the error logs say?", (e) => events.push(e), signal());
      expect(turn.answer).toBe("The consumer's auth retries fail.");
      expect(events.filter((e) => e.kind === "note").map((e) => (e as { text: string }).text)).toEqual([
        "chat: the model sent tool arguments that are not JSON (search_logs); refused",
      ]);
      expect(events.filter((e) => e.kind === "tool-end").map((e) => [e.tool, e.ok])).toEqual([["search_logs", true]]);

      // The second request: the assistant message names both calls, each answered by its own tool message.
      const second = chatBodies[1]!.messages;
      const assistant = second.findLast((m) => m.role === "assistant")!;
      const ids = assistant.tool_calls!.map((c) => c.id);
      expect(assistant.tool_calls!.map((c) => [c.function.name, c.function.arguments])).toEqual([
        ["search_logs", JSON.stringify({ minLevel: "ERROR", contains: "auth retry" })],
        ["search_logs", "{}"],
      ]);
      const tools = second.filter((m) => m.role === "tool");
      expect(tools.map((m) => m.tool_call_id)).toEqual(ids);
      expect(String(tools[1]!.content)).toBe("error: arguments were not valid JSON");
      // The read ran and its line reached the model, with the key scrubbed on entry.
      expect(String(tools[0]!.content)).toContain("auth retry with key=[redacted] failed");

      // The live history (what a next question sends) and the thread file hold no raw secret.
      await engine.ask("and the warnings?", () => {}, signal());
      expect(chatBodies).toHaveLength(4);
      expect(chatBodies[2]!.messages.filter((m) => m.role === "tool").map((m) => String(m.content))).toContain(String(tools[0]!.content));
      for (const body of chatBodies) expect(JSON.stringify(body)).not.toContain(secret);
      expect(readFileSync(join(dir, "thread-history.json"), "utf8")).not.toContain(secret);
    } finally {
      await server.close();
    }
  });
});
