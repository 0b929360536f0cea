/**
 * A HOSTILE OpenAI-compatible endpoint on loopback: `POST .../chat/completions` in the wire
 * format ChatOpenAI speaks (tool calls; the forced function call `withStructuredOutput` asks
 * for), answering what a broken or malicious server might. One server serves many runs at once:
 * each run registers its attack and context and gets its own base URL (`/run/<id>/v1`), so
 * investigations of different fixtures and modes can share the server concurrently.
 *
 * The attacks themselves live in modes.ts; this file is transport only: routing, the
 * request as the attack sees it, and the ways of answering (JSON, raw text, error, silence).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface WireMessage {
  role: string;
  content?: string | null | { type: string; text?: string }[];
  tool_calls?: { id: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}
export interface WireRequest {
  model: string;
  messages: WireMessage[];
  tools?: { type: string; function: { name: string } }[];
  tool_choice?: string | { type: string; function?: { name: string } };
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  response_format?: { type: string };
}

/** The request as an attack reads it. */
export interface Turn {
  body: WireRequest;
  /** The `[prompt name vN]` header of the system message: triage, specialist-tool-loop, incident-synthesis... */
  prompt: string | undefined;
  /** The function a structured-output call forces, if any. */
  forced: string | undefined;
  /** Tools offered on a free turn. */
  offered: string[];
  /** Tool results already in the conversation (0 on a first turn). */
  toolResults: number;
  /** A streamed JSON-schema `response_format` request (how structured output goes where tool_choice is not honoured). */
  jsonSchema: boolean;
  /** Tool calls made earlier in the conversation, by id: what a finding's evidence can cite. */
  calls: { id: string; name: string }[];
  /** The bearer token the client sent (what an echoing endpoint reflects). */
  apiKey: string;
  /** Requests this run has made so far, this one included (1-based). */
  n: number;
}

export interface ToolCallOut {
  name: string;
  /** A JSON object (serialized here) or raw argument text (sent as is, may be invalid JSON). */
  args: Record<string, unknown> | string;
}

/** How the endpoint answers one request. */
export type Answer =
  /** A well-formed completion; `usage` is sent as raw JSON text (so `1e400` or `"NaN"` can be sent). */
  | { kind: "message"; content?: string | null; toolCalls?: ToolCallOut[]; usage?: string }
  /** Any status, any body, any content type. */
  | { kind: "raw"; status: number; body: string; contentType?: string; headers?: Record<string, string> }
  /** Never answers: no status line, no body; the connection stays open until the client gives up. */
  | { kind: "hang" }
  /** Sends the status line, headers and the start of a body, then nothing more. */
  | { kind: "stall"; prefix: string };

export type Attack = (turn: Turn) => Answer;

export interface HostileServer {
  /** Registers a run; its base URL goes into ChatOpenAI's `baseURL`. */
  register(attack: Attack): { baseUrl: string; requests: () => number };
  close(): Promise<void>;
}

export async function startHostileServer(): Promise<HostileServer> {
  const runs = new Map<string, { attack: Attack; n: number }>();
  let next = 0;
  const server: Server = createServer((req, res) => {
    handle(req, res, runs).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(599).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    register(attack) {
      const id = `r${(next++).toString(36)}`;
      const run = { attack, n: 0 };
      runs.set(id, run);
      return { baseUrl: `http://127.0.0.1:${port}/run/${id}/v1`, requests: () => run.n };
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging answers keep their sockets open: end them, or close() waits forever.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, runs: Map<string, { attack: Attack; n: number }>): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const route = /^\/run\/([a-z0-9]+)\/v1\/chat\/completions$/.exec(req.url ?? "");
  const run = route && runs.get(route[1]!);
  if (req.method !== "POST" || !run) {
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not found", type: "invalid_request_error" } }));
    return;
  }
  const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as WireRequest;
  const system = textOf(body.messages.find((m) => m.role === "system"));
  const turn: Turn = {
    body,
    prompt: /^\[prompt ([a-z0-9-]+) v\d+\]/.exec(system)?.[1],
    forced: typeof body.tool_choice === "object" ? body.tool_choice.function?.name : undefined,
    offered: typeof body.tool_choice === "object" ? [] : (body.tools ?? []).map((t) => t.function.name),
    toolResults: body.messages.filter((m) => m.role === "tool").length,
    jsonSchema: body.response_format?.type === "json_schema",
    calls: body.messages.flatMap((m) => (m.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name }))),
    apiKey: (req.headers.authorization ?? "").replace(/^Bearer /, ""),
    n: ++run.n,
  };
  respond(res, body, run.attack(turn));
}

let seq = 0;

function respond(res: ServerResponse, body: WireRequest, answer: Answer): void {
  switch (answer.kind) {
    case "hang":
      return;
    case "stall":
      res.writeHead(200, { "content-type": "application/json" });
      res.write(answer.prefix);
      return;
    case "raw":
      res.writeHead(answer.status, { "content-type": answer.contentType ?? "application/json", ...answer.headers }).end(answer.body);
      return;
    case "message": {
      const toolCalls = answer.toolCalls?.map((tc, i) => ({
        id: `call_hostile_${(seq++).toString(36)}_${i}`,
        type: "function",
        function: { name: tc.name, arguments: typeof tc.args === "string" ? tc.args : JSON.stringify(tc.args) },
      }));
      const forced = typeof body.tool_choice === "object";
      const finish = toolCalls?.length && !forced ? "tool_calls" : "stop";
      const usage = answer.usage ?? '{"prompt_tokens":100,"completion_tokens":20,"total_tokens":120}';
      const id = `chatcmpl-hostile-${(seq++).toString(36)}`;
      const envelope = { id, created: 1_764_600_000, model: body.model };
      if (body.stream) {
        // Server-sent events as OpenAI streams them: content in pieces, tool calls, the finish,
        // then the usage chunk when asked for (also as raw text).
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        const send = (delta: unknown, finishReason: string | null) =>
          res.write(`data: ${JSON.stringify({ ...envelope, object: "chat.completion.chunk", choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] })}\n\n`);
        send({ role: "assistant", content: "" }, null);
        for (const piece of (answer.content ?? "").match(/[\s\S]{1,64}/g) ?? []) send({ content: piece }, null);
        toolCalls?.forEach((tc, index) => send({ tool_calls: [{ index, ...tc }] }, null));
        send({}, finish);
        if (body.stream_options?.include_usage) res.write(`data: ${JSON.stringify({ ...envelope, object: "chat.completion.chunk", choices: [] }).slice(0, -1)},"usage":${usage}}\n\n`);
        res.end("data: [DONE]\n\n");
        return;
      }
      const message = { role: "assistant", content: answer.content ?? null, refusal: null, ...(toolCalls?.length && { tool_calls: toolCalls }) };
      // Assembled as text so that `usage` can carry what JSON.stringify would never write.
      const head = JSON.stringify({ ...envelope, object: "chat.completion", choices: [{ index: 0, message, logprobs: null, finish_reason: finish }] });
      res.writeHead(200, { "content-type": "application/json" }).end(`${head.slice(0, -1)},"usage":${usage}}`);
      return;
    }
  }
}

export const textOf = (m: WireMessage | undefined): string =>
  typeof m?.content === "string" ? m.content : Array.isArray(m?.content) ? m.content.map((c) => c.text ?? "").join("") : "";
