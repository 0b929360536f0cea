/**
 * One investigation's LLM session: the model, the budget, the usage meter, the notes the
 * report carries, and what the tools have shown so far (to validate what the model claims).
 * Every model call goes through `chat()` or `structured()`: budget first, then the call, then
 * the usage. A call that fails (after the model's own retries), times out, or answers
 * something invalid returns null with a note, and the caller keeps the rules' result.
 *
 * Local servers (llama.cpp's, vLLM, Ollama's OpenAI API) differ from OpenAI in two ways that
 * matter here, both handled in this file so every caller gets them: a tool call may come back
 * as text in the model's own format (parsed into tool calls, llm/text-answer.ts), and a named
 * `tool_choice` may be ignored (structured answers then use a JSON-schema `response_format`,
 * chosen by `llm.structuredOutput`, detected from the answers in "auto").
 */
import { AIMessage, AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { z } from "zod";
import type { LlmSettings } from "../config/settings.ts";
import { redactor } from "../config/secret.ts";
import type { LlmUsage } from "../contract/report.ts";
import { Budget } from "./budget.ts";
import { createChatModel, type ChatModel } from "./model.ts";
import { tokensOf, UsageMeter } from "./usage.ts";
import { EvidenceIndex } from "./evidence.ts";
import { parseJsonAnswer, parseTextToolCalls } from "./text-answer.ts";

/** A tool as the model sees it: name, description, JSON-Schema-able input. */
export interface ModelTool {
  name: string;
  description: string;
  schema: z.ZodObject;
}

export interface LlmSessionOptions {
  settings: LlmSettings;
  /** A model built elsewhere (tests); default: ChatOpenAI from the settings. */
  model?: ChatModel;
  /** How the report names the model; default the settings' model name. */
  label?: string;
  now?: () => number;
  /** Counters the caller wants filled in (the local-model eval reports them per case). */
  stats?: LlmCallStats;
}

/** How the answers came back: what parsed, what validated, what fell back. */
export interface LlmCallStats {
  /** Tool calls the server returned as `tool_calls`. */
  toolCalls: number;
  /** Tool calls read from the reply's text (the model's own format). */
  textToolCalls: number;
  /** Structured answers that validated, by how they came ("text": tool mode, read from the content). */
  validated: { tool: number; text: number; json_schema: number };
  /** Structured answers retried with json_schema because the forced tool call did not come back. */
  fellBack: number;
  /** Structured answers that never validated (not JSON, wrong shape, or the call failed). */
  failed: number;
  /** Calls whose usage was estimated (failed after the server took the prompt). */
  estimated: number;
}

export function emptyStats(): LlmCallStats {
  return { toolCalls: 0, textToolCalls: 0, validated: { tool: 0, text: 0, json_schema: 0 }, fellBack: 0, failed: 0, estimated: 0 };
}

export type StructuredMethod = "tool" | "json_schema";

/** Four newlines in a row: in a tool call or a JSON answer only ever a model that will not stop. */
const BLANK_RUN = "\n\n\n\n";

/** Chat-template tokens a server may add around each message (role markers) and per request (tool-use preamble). */
const TEMPLATE_TOKENS_PER_MESSAGE = 16;
const TEMPLATE_TOKENS_PER_REQUEST = 1_024;

/** Characters per token when a failed call's prompt tokens must be estimated (typical of BPE tokenizers on English and JSON). */
const CHARS_PER_TOKEN_ESTIMATE = 4;

export class LlmSession {
  readonly settings: LlmSettings;
  readonly model: ChatModel;
  readonly label: string;
  readonly budget: Budget;
  readonly usage = new UsageMeter();
  readonly notes: string[] = [];
  readonly evidence = new EvidenceIndex();
  narrative: string | undefined;
  readonly stats: LlmCallStats;
  /** How structured answers are asked for now; "auto" starts with tool calls and may switch once. */
  #method: StructuredMethod;
  readonly #auto: boolean;
  #textCallIds = 0;
  readonly #allowance = new Map<string, number>();
  readonly #redact: (text: string) => string;

  constructor(options: LlmSessionOptions) {
    this.settings = options.settings;
    this.model = options.model ?? createChatModel(options.settings);
    this.label = options.label ?? options.settings.model;
    this.budget = new Budget(options.settings.budget, options.now);
    this.#redact = redactor(options.settings.apiKey ? [options.settings.apiKey] : []);
    this.stats = options.stats ?? emptyStats();
    const mode = options.settings.structuredOutput ?? "auto";
    this.#auto = mode === "auto";
    this.#method = mode === "json_schema" ? "json_schema" : "tool";
  }

  /** The structured-output method in use (after any switch "auto" made). */
  get structuredMethod(): StructuredMethod {
    return this.#method;
  }

  note(text: string): void {
    const clean = this.#redact(text);
    if (!this.notes.includes(clean)) this.notes.push(clean);
  }

  /**
   * Shares the calls left, minus `reserve` (the synthesis), between specialists in order of
   * relevance. A tool loop needs at least two turns (ask for reads, then answer); when the
   * budget cannot give every specialist two, the first ones get two and the rest none.
   */
  allot(order: readonly string[], reserve: number): void {
    const pool = Math.max(0, this.budget.callsLeft() - reserve);
    const steps = this.settings.maxSteps;
    const each = order.length ? Math.min(steps, Math.floor(pool / order.length)) : 0;
    order.forEach((agent, i) => {
      const n = each >= 2 ? each : i < Math.floor(pool / 2) ? Math.min(2, steps) : 0;
      this.#allowance.set(agent, n);
      if (n === 0) this.note(`${agent}: no LLM calls left in the budget for its tool loop; rules only`);
    });
  }

  /** Model turns a specialist may take (0 when none were allotted). */
  allowance(agent: string): number {
    return this.#allowance.get(agent) ?? 0;
  }

  /**
   * One chat turn, optionally with tools the model may call. With `onToken` the answer streams
   * (the chat REPL shows it as it comes); the call is the same one, under the same budget.
   * A reply whose tool calls came back as text (no `tool_calls`, but content in the model's
   * tool-call format naming an offered tool) is returned with those tool calls, so the loop
   * runs them as any other.
   */
  async chat(
    label: string,
    messages: BaseMessage[],
    options: { tools?: readonly ModelTool[]; toolChoice?: "auto" | "required"; signal?: AbortSignal; onToken?: (text: string) => void } = {},
  ): Promise<AIMessage | null> {
    // "required" (a string, unlike a named tool_choice) is understood by llama.cpp's server, vLLM
    // and OpenAI. Measured on llama.cpp with Qwen2.5-Coder-1.5B: under "required" the model
    // writes its call (as fenced JSON, parsed below) and then newlines until max_tokens, minutes
    // of them on a CPU; a stop on a run of blank lines ends it there. Only for endpoints other
    // than OpenAI's own (a base URL is set): OpenAI's reasoning models refuse a `stop`.
    const stop = options.toolChoice === "required" && this.settings.baseUrl ? { stop: [BLANK_RUN] } : {};
    const runnable = options.tools?.length
      ? this.model.bindTools([...options.tools], { parallel_tool_calls: true, ...(options.toolChoice && { tool_choice: options.toolChoice }), ...stop })
      : this.model;
    const { onToken } = options;
    const reply = await this.#call(label, messages, options.tools, options.signal, async (signal) => {
      if (!onToken) return runnable.invoke(messages, { signal });
      let reply: AIMessageChunk | undefined;
      for await (const chunk of await runnable.stream(messages, { signal })) {
        if (typeof chunk.content === "string" && chunk.content) onToken(chunk.content);
        reply = reply ? reply.concat(chunk) : chunk;
      }
      return new AIMessage({ content: reply?.content ?? "", ...streamedToolCalls(reply), ...(reply?.id && { id: reply.id }), ...(reply?.usage_metadata && { usage_metadata: reply.usage_metadata }) });
    });
    return reply && options.tools?.length ? this.#withTextToolCalls(label, reply, options.tools) : reply;
  }

  #withTextToolCalls(label: string, reply: AIMessage, tools: readonly ModelTool[]): AIMessage {
    if (reply.tool_calls?.length || reply.invalid_tool_calls?.length) {
      this.stats.toolCalls += reply.tool_calls?.length ?? 0;
      return reply;
    }
    const calls = parseTextToolCalls(textOf(reply), new Set(tools.map((t) => t.name)));
    if (!calls.length) return reply;
    this.stats.textToolCalls += calls.length;
    this.note(`${label}: ${calls.length} tool call(s) came back as text in the model's format; parsed`);
    return new AIMessage({
      content: "",
      tool_calls: calls.map((c) => ({ id: `text-call-${++this.#textCallIds}`, name: c.name, args: c.args, type: "tool_call" as const })),
      ...(reply.usage_metadata && { usage_metadata: reply.usage_metadata }),
      response_metadata: reply.response_metadata,
      ...(reply.id && { id: reply.id }),
    });
  }

  /**
   * One structured answer, validated here with zod. Two methods:
   * - "tool": a forced tool call (`tools: [{function: {name}}]`, `tool_choice: {type: "function",
   *   function: {name}}`). When the reply has no such call (the server ignored the named
   *   tool_choice), its text is read (a tool call in the model's format, or JSON); in "auto"
   *   the session switches to json_schema for the rest of the investigation, and retries this
   *   answer that way (within the budget) unless the text already validated.
   * - "json_schema": `response_format: {type: "json_schema", json_schema: {name, schema}}`, which
   *   llama.cpp's server, vLLM and Ollama enforce while decoding. It is streamed: for a
   *   json_schema request without streaming, @langchain/openai 1.5.8 calls the OpenAI SDK's
   *   `parse()`, which runs JSON.parse inside the retrying caller, so a malformed answer would be
   *   requested and billed again up to maxRetries times; streamed, the text is parsed here, once.
   * (Same reason the tool method parses the call's arguments here, not in LangChain.)
   */
  async structured<T>(label: string, messages: BaseMessage[], schema: z.ZodType<T>, name: string, signal?: AbortSignal): Promise<T | null> {
    const { $schema: _drop, ...jsonSchema } = z.toJSONSchema(schema) as Record<string, unknown>;
    if (this.#method === "json_schema") return this.#viaJsonSchema(label, messages, schema, jsonSchema, name, signal);

    const tool = { type: "function" as const, function: { name, description: `Give the ${name} answer`, parameters: jsonSchema } };
    const runnable = this.model.bindTools([tool], { tool_choice: name });
    const reply = await this.#call(label, messages, undefined, signal, (s) => runnable.invoke(messages, { signal: s }), JSON.stringify(tool).length);
    if (!reply) {
      this.stats.failed++;
      return null;
    }
    const call = reply.tool_calls?.find((c) => c.name === name);
    if (call) return this.#validate(label, call.args, schema, "tool");
    if (reply.invalid_tool_calls?.some((c) => c.name === name)) return this.#validate(label, undefined, schema, "tool");
    // No forced call came back: the endpoint does not honour a named tool_choice.
    const text = textOf(reply);
    const fromText = parseTextToolCalls(text, new Set([name]))[0]?.args ?? parseJsonAnswer(text);
    if (!this.#auto) return this.#validate(label, fromText, schema, "text");
    this.#method = "json_schema";
    this.note(`${label}: the endpoint ignored the forced tool call; structured answers use a JSON-schema response_format from now on`);
    const fromTextOk = fromText === undefined ? undefined : schema.safeParse(fromText);
    if (fromTextOk?.success) {
      this.stats.validated.text++;
      return fromTextOk.data;
    }
    this.stats.fellBack++;
    return this.#viaJsonSchema(`${label} (json_schema)`, messages, schema, jsonSchema, name, signal);
  }

  async #viaJsonSchema<T>(label: string, messages: BaseMessage[], schema: z.ZodType<T>, jsonSchema: Record<string, unknown>, name: string, signal: AbortSignal | undefined): Promise<T | null> {
    const format = { type: "json_schema" as const, json_schema: { name, schema: jsonSchema, strict: false } };
    const reply = await this.#call(label, messages, undefined, signal, async (s) => {
      let whole: AIMessageChunk | undefined;
      for await (const chunk of await this.model.stream(messages, { signal: s, response_format: format })) whole = whole ? whole.concat(chunk) : chunk;
      return whole ?? new AIMessageChunk({ content: "" });
    }, JSON.stringify(jsonSchema).length);
    if (!reply) {
      this.stats.failed++;
      return null;
    }
    return this.#validate(label, parseJsonAnswer(textOf(reply)), schema, "json_schema");
  }

  #validate<T>(label: string, value: unknown, schema: z.ZodType<T>, method: keyof LlmCallStats["validated"]): T | null {
    if (value === null || value === undefined) {
      this.stats.failed++;
      this.note(`${label}: the model's answer was not valid JSON; the rules' result stands`);
      return null;
    }
    const result = schema.safeParse(value);
    if (!result.success) {
      this.stats.failed++;
      const issue = result.error.issues[0]!;
      this.note(`${label}: the model's answer did not match the schema (${issue.path.join(".") || "$"}: ${issue.message}); the rules' result stands`);
      return null;
    }
    this.stats.validated[method]++;
    return result.data;
  }

  async #call(
    label: string,
    messages: BaseMessage[],
    tools: readonly ModelTool[] | undefined,
    callerSignal: AbortSignal | undefined,
    invoke: (signal: AbortSignal) => Promise<AIMessage>,
    extraPromptChars = 0,
  ): Promise<AIMessage | null> {
    const sent = [
      ...messages.map((m) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content))),
      ...(tools ?? []).map((t) => t.description + JSON.stringify(z.toJSONSchema(t.schema))),
    ];
    const promptChars = extraPromptChars + sent.reduce((n, text) => n + text.length, 0);
    // The most tokens this request can have cost (tokens above it are the endpoint's error, see
    // usage.ts): its completion cap, and for the prompt one token per UTF-8 byte of everything
    // sent (byte-level BPE and byte-fallback tokenizers never do worse), tool calls in the
    // history included, plus a generous allowance for the chat template's own tokens.
    const promptBytes = extraPromptChars * 4 + sent.reduce((n, text) => n + Buffer.byteLength(text), 0)
      + messages.reduce((n, m) => n + ("tool_calls" in m && Array.isArray(m.tool_calls) && m.tool_calls.length ? Buffer.byteLength(JSON.stringify(m.tool_calls)) : 0), 0);
    const caps = { completion: this.settings.maxCompletionTokens, prompt: promptBytes + TEMPLATE_TOKENS_PER_MESSAGE * messages.length + TEMPLATE_TOKENS_PER_REQUEST };
    const refused = this.budget.refuse(promptChars, this.settings.maxCompletionTokens);
    if (refused) {
      this.note(`${label}: not called: ${refused}`);
      return null;
    }
    this.budget.startCall();
    this.usage.calls++;
    const deadline = AbortSignal.timeout(Math.max(1, Math.floor(this.budget.remainingMs())));
    const signal = callerSignal ? AbortSignal.any([deadline, callerSignal]) : deadline;
    const started = performance.now();
    try {
      const message = await invoke(signal);
      const tokens = tokensOf(message, caps);
      if (tokens.over?.completion !== undefined) {
        this.note(`${label}: the endpoint reported ${tokens.over.completion} completion tokens, more than the call's max_tokens (${caps.completion}); counted ${tokens.completion}`);
      }
      if (tokens.over?.prompt !== undefined) {
        this.note(`${label}: the endpoint reported ${tokens.over.prompt} prompt tokens, more than the ${caps.prompt} the prompt sent could be (one per byte plus the chat template's allowance); counted ${tokens.prompt}`);
      }
      this.usage.add(tokens);
      this.budget.spend(tokens.total);
      return message;
    } catch (error) {
      if (tookThePrompt(error, deadline.aborted || Boolean(callerSignal?.aborted))) {
        // The server worked on the prompt, but no usage came back: count an estimate, not 0.
        const prompt = Math.ceil(promptChars / CHARS_PER_TOKEN_ESTIMATE);
        this.usage.add({ prompt, completion: 0, total: prompt });
        this.budget.spend(prompt);
        this.stats.estimated++;
        this.note(`${label}: usage estimated: ~${prompt} prompt tokens (from the prompt's length; the call failed after the server took the prompt and reported no usage)`);
      }
      if (callerSignal?.aborted) throw error;
      const why = deadline.aborted ? "time budget spent" : describe(error);
      this.note(`${label}: model call failed (${why}); the rules' result stands`);
      return null;
    } finally {
      this.usage.ms += performance.now() - started;
    }
  }

  toReport(): LlmUsage {
    return this.usage.toReport(this.label, this.notes, this.narrative);
  }
}

/**
 * A streamed reply's tool calls, their arguments parsed strictly: a chunk's own `tool_calls`
 * come from a partial-JSON parser, which reads arguments cut off mid-way (`{"limit": `) as a
 * valid call with fewer arguments. Arguments that are not whole JSON objects are invalid tool
 * calls here, as they are in a reply that was not streamed.
 */
function streamedToolCalls(reply: AIMessageChunk | undefined): Pick<AIMessage, "tool_calls" | "invalid_tool_calls"> {
  const chunks = reply?.tool_call_chunks ?? [];
  if (!chunks.length) return { tool_calls: reply?.tool_calls ?? [], invalid_tool_calls: reply?.invalid_tool_calls ?? [] };
  const tool_calls: NonNullable<AIMessage["tool_calls"]> = [];
  const invalid_tool_calls: NonNullable<AIMessage["invalid_tool_calls"]> = [];
  for (const c of chunks) {
    let args: unknown;
    try {
      args = JSON.parse(c.args?.trim() ? c.args : "{}");
    } catch {
      args = undefined;
    }
    if (c.name && args !== null && typeof args === "object" && !Array.isArray(args)) {
      tool_calls.push({ name: c.name, args: args as Record<string, unknown>, ...(c.id && { id: c.id }), type: "tool_call" });
    } else {
      invalid_tool_calls.push({ name: c.name, args: c.args, id: c.id, error: "Malformed args.", type: "invalid_tool_call" });
    }
  }
  return { tool_calls, invalid_tool_calls };
}

/** The text of a reply's content (a string, or text parts). */
function textOf(message: AIMessage): string {
  const c = message.content;
  return typeof c === "string" ? c : c.map((part) => ("text" in part ? String(part.text) : "")).join("");
}

/**
 * Whether a failed call was processed by the server (so its prompt cost tokens): it timed out
 * or was aborted while waiting, or the server answered 5xx. Refused connections, DNS errors and
 * 4xx answers (rejected before any generation) cost nothing.
 */
function tookThePrompt(error: unknown, aborted: boolean): boolean {
  if (aborted) return true;
  if (!(error instanceof Error)) return false;
  const status = (error as { status?: number }).status;
  if (typeof status === "number") return status >= 500;
  return /timed? ?out|timeout|aborted|socket hang up|ECONNRESET|terminated/i.test(`${error.name} ${error.message}`);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = (error as { status?: number }).status;
  return `${status ? `HTTP ${status}: ` : ""}${error.name === "Error" ? "" : `${error.name}: `}${error.message}`.slice(0, 200);
}
