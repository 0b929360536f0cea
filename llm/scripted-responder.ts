/**
 * A SCRIPTED OpenAI-compatible responder: not a model. A local HTTP server that answers
 * `POST /v1/chat/completions` in the real wire format (JSON, or SSE when `stream` is set),
 * deterministically, from the prompts this project sends (told apart by their
 * `[prompt name vN]` header). It exists so that the LLM code path (HTTP, retries, tool calls,
 * structured output, budget, validation, guards) runs end to end where no model is reachable:
 * the eval's `--llm` replay mode and the chat engine's tests. Its "intelligence" is a script:
 *
 * Structured answers come back as the forced function call ChatOpenAI asks for.
 *
 * - triage: the specialists the alert kind (or question keywords) points at;
 * - specialist tool loop: first turn, two parallel tool calls; after the results, a finding
 *   list that restates the rules' findings, citing what the tools returned;
 * - synthesis: a narrative assembled from the rules' root cause and findings; no hypotheses,
 *   no actions;
 * - chat: one tool call, then an answer quoting the tool's summary.
 *
 * Usage figures are computed (about 4 characters per token) so budgets are exercised.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const SCRIPTED_LABEL = "scripted responder (not a model)";

interface WireMessage {
  role: string;
  content?: string | null | { type: string; text?: string }[];
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}
interface WireRequest {
  model: string;
  messages: WireMessage[];
  tools?: { type: string; function: { name: string } }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  response_format?: { type: string };
  tool_choice?: string | { type: string; function?: { name: string } };
}
type Reply = { content: string | null; tool_calls?: { id: string; type: "function"; function: { name: string; arguments: string } }[] };

export interface ScriptedResponder {
  /** Base URL to give ChatOpenAI (`.../v1`). */
  baseUrl: string;
  /** Requests answered so far. */
  requests: number;
  close(): Promise<void>;
}

export async function startScriptedResponder(): Promise<ScriptedResponder> {
  let count = 0;
  const server: Server = createServer((req, res) => {
    void handle(req, res).then(() => count++);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not found", type: "invalid_request_error" } }));
    return;
  }
  let body: WireRequest;
  try {
    body = JSON.parse(text) as WireRequest;
  } catch {
    res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "bad JSON", type: "invalid_request_error" } }));
    return;
  }
  const reply = script(body);
  const usage = {
    prompt_tokens: Math.ceil(text.length / 4),
    completion_tokens: Math.ceil(((reply.content ?? "") + JSON.stringify(reply.tool_calls ?? "")).length / 4),
    total_tokens: 0,
  };
  usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
  // OpenAI ends a forced function call with "stop", a free choice of tools with "tool_calls".
  const finish = reply.tool_calls?.length && typeof body.tool_choice !== "object" ? "tool_calls" : "stop";
  const id = `chatcmpl-scripted-${Date.now().toString(36)}`;
  const created = Math.floor(Date.now() / 1000);
  if (!body.stream) {
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        id,
        object: "chat.completion",
        created,
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: reply.content, refusal: null, ...(reply.tool_calls && { tool_calls: reply.tool_calls }) }, logprobs: null, finish_reason: finish }],
        usage,
      }),
    );
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const send = (delta: unknown, finishReason: string | null, extra: object = {}) =>
    res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], ...extra })}\n\n`);
  send({ role: "assistant", content: "" }, null);
  for (const piece of (reply.content ?? "").match(/\S+\s*/g) ?? []) send({ content: piece }, null);
  reply.tool_calls?.forEach((tc, index) => send({ tool_calls: [{ index, id: tc.id, type: "function", function: { name: tc.function.name, arguments: tc.function.arguments } }] }, null));
  send({}, finish);
  if (body.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, choices: [], usage })}\n\n`);
  res.end("data: [DONE]\n\n");
}

const textOf = (m: WireMessage | undefined) =>
  typeof m?.content === "string" ? m.content : Array.isArray(m?.content) ? m.content.map((c) => c.text ?? "").join("") : "";

function script(body: WireRequest): Reply {
  // A forced function (ChatOpenAI's withStructuredOutput, method functionCalling): the JSON
  // answer goes into that function's arguments.
  const forced = typeof body.tool_choice === "object" ? body.tool_choice.function?.name : undefined;
  const reply = scriptContent(body);
  if (forced && reply.content !== null) return { content: null, tool_calls: [{ ...toolCall(forced, {}, 0), function: { name: forced, arguments: reply.content } }] };
  return reply;
}

function scriptContent(body: WireRequest): Reply {
  const system = textOf(body.messages.find((m) => m.role === "system"));
  const user = body.messages.filter((m) => m.role === "user").map(textOf).join("\n");
  const toolResults = body.messages.filter((m) => m.role === "tool");
  const prompt = /^\[prompt ([a-z0-9-]+) v\d+\]/.exec(system)?.[1];
  switch (prompt) {
    case "triage":
      return { content: JSON.stringify(triage(user)) };
    case "specialist-tool-loop":
      if (!toolResults.length && body.tools?.length) return { content: null, tool_calls: firstReads(user, body.tools.map((t) => t.function.name)) };
      return { content: JSON.stringify({ findings: restate(user, body.messages) }) };
    case "incident-synthesis":
      return { content: JSON.stringify(synthesis(user)) };
    case "chat":
      if (!toolResults.length && body.tools?.length) return { content: null, tool_calls: [toolCall("consumer_groups", {}, 0)] };
      return { content: chatAnswer(body.messages) };
    default:
      return { content: "I am a scripted responder and do not know this prompt." };
  }
}

const ALERT_AGENTS: Record<string, string[]> = {
  consumer_lag: ["streaming"], rebalance: ["streaming"], dlq: ["streaming", "schema"], schema: ["schema"],
  replication: ["streaming"], broker: ["streaming"], throughput: ["streaming", "quality"], quality: ["quality"], other: [],
};

function triage(user: string): { agents: string[]; reason: string } {
  const kind = /Alert kind: (\w+)/.exec(user)?.[1];
  if (kind) return { agents: ALERT_AGENTS[kind] ?? [], reason: `scripted: alerts of kind ${kind} go to ${(ALERT_AGENTS[kind] ?? []).join(" and ") || "the rules' choice"}` };
  const q = user.toLowerCase();
  const agents = [/lag|rebalanc|consumer|dlq|broker|replica/.test(q) && "streaming", /schema|avro|deserializ/.test(q) && "schema", /null|volume|quality/.test(q) && "quality"].filter(Boolean) as string[];
  return { agents, reason: "scripted: keywords of the question" };
}

const FIRST_READS: Record<string, [string, Record<string, unknown>][]> = {
  streaming: [["consumer_groups", {}], ["broker_metrics", {}]],
  schema: [["schema_subjects", {}], ["dlq_records", { limit: 20 }]],
  quality: [["topic_partitions", {}], ["topic_samples", { limit: 20 }]],
};

let seq = 0;
function toolCall(name: string, args: Record<string, unknown>, i: number) {
  return { id: `call_scripted_${(seq++).toString(36)}_${i}`, type: "function" as const, function: { name, arguments: JSON.stringify(args) } };
}

function firstReads(user: string, offered: string[]) {
  const agent = /Agent: (\w+)/.exec(user)?.[1] ?? "streaming";
  const reads = (FIRST_READS[agent] ?? []).filter(([n]) => offered.includes(n));
  const chosen = reads.length >= 2 ? reads : offered.slice(0, 2).map((n) => [n, {}] as [string, Record<string, unknown>]);
  return chosen.map(([n, a], i) => toolCall(n, a, i));
}

function jsonAfter(label: string, text: string): unknown {
  const line = text.split("\n").findIndex((l) => l.startsWith(`${label} (JSON):`));
  if (line < 0) return undefined;
  try {
    return JSON.parse(text.split("\n")[line + 1] ?? "");
  } catch {
    return undefined;
  }
}

/** The rules' findings, restated with what the tools the model asked for returned. */
function restate(user: string, messages: WireMessage[]) {
  const findings = (jsonAfter("Rule findings", user) as { code: string; confidence: number; summary: string; entities: Record<string, unknown> }[] | undefined) ?? [];
  const asked = messages.flatMap((m) => m.tool_calls ?? []);
  const evidence = messages
    .filter((m) => m.role === "tool")
    .map((m) => {
      const name = asked.find((c) => c.id === m.tool_call_id)?.function.name ?? "unknown";
      const summary = /"summary":"((?:[^"\\]|\\.)*)"/.exec(textOf(m))?.[1] ?? /"kind":"(\w+)"/.exec(textOf(m))?.[1] ?? "answered";
      return { tool: name, detail: summary.slice(0, 200) };
    });
  return findings.map((f) => ({ code: f.code, summary: f.summary, confidence: f.confidence, entities: f.entities, evidence }));
}

function synthesis(user: string) {
  const primary = /Rules' primary: (.*)/.exec(user)?.[1] ?? "none found";
  const rootCause = /Rules' root cause: (.*)/.exec(user)?.[1] ?? "";
  const findings = (jsonAfter("Findings", user) as { code: string }[] | undefined) ?? [];
  const others = findings.map((f) => f.code).filter((c) => c !== primary);
  const narrative =
    primary === "none found"
      ? `Scripted synthesis: the rules found no known failure pattern. ${rootCause}`
      : `Scripted synthesis: the root cause is ${primary}. ${rootCause}${others.length ? ` Other findings: ${[...new Set(others)].join(", ")}.` : ""}`;
  return { narrative, timeline: [], hypotheses: [], suggestedActions: [] };
}

function chatAnswer(messages: WireMessage[]): string {
  const last = messages.filter((m) => m.role === "tool").at(-1);
  const summary = last ? /"summary":"((?:[^"\\]|\\.)*)"/.exec(textOf(last))?.[1] : undefined;
  return `Scripted answer (not a model): ${summary ? `consumer_groups says: ${summary}.` : "no tool answered."} See the report for the root cause and plan.`;
}
