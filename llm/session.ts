/**
 * One investigation's LLM session: the model, the budget, the usage meter, the notes the
 * report carries, and what the tools have shown so far (to validate what the model claims).
 * Every model call goes through `chat()` or `structured()`: budget first, then the call, then
 * the usage. A call that fails (after the model's own retries), times out, or answers
 * something invalid returns null with a note, and the caller keeps the rules' result.
 */
import { AIMessage, type AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { z } from "zod";
import type { LlmSettings } from "../config/settings.ts";
import { redactor } from "../config/secret.ts";
import type { LlmUsage } from "../contract/report.ts";
import { Budget } from "./budget.ts";
import { createChatModel, type ChatModel } from "./model.ts";
import { tokensOf, UsageMeter } from "./usage.ts";
import { EvidenceIndex } from "./evidence.ts";

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
}

export class LlmSession {
  readonly settings: LlmSettings;
  readonly model: ChatModel;
  readonly label: string;
  readonly budget: Budget;
  readonly usage = new UsageMeter();
  readonly notes: string[] = [];
  readonly evidence = new EvidenceIndex();
  narrative: string | undefined;
  readonly #allowance = new Map<string, number>();
  readonly #redact: (text: string) => string;

  constructor(options: LlmSessionOptions) {
    this.settings = options.settings;
    this.model = options.model ?? createChatModel(options.settings);
    this.label = options.label ?? options.settings.model;
    this.budget = new Budget(options.settings.budget, options.now);
    this.#redact = redactor(options.settings.apiKey ? [options.settings.apiKey] : []);
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
   */
  async chat(
    label: string,
    messages: BaseMessage[],
    options: { tools?: readonly ModelTool[]; signal?: AbortSignal; onToken?: (text: string) => void } = {},
  ): Promise<AIMessage | null> {
    const runnable = options.tools?.length ? this.model.bindTools([...options.tools], { parallel_tool_calls: true }) : this.model;
    const { onToken } = options;
    return this.#call(label, messages, options.tools, options.signal, async (signal) => {
      if (!onToken) return runnable.invoke(messages, { signal });
      let reply: AIMessageChunk | undefined;
      for await (const chunk of await runnable.stream(messages, { signal })) {
        if (typeof chunk.content === "string" && chunk.content) onToken(chunk.content);
        reply = reply ? reply.concat(chunk) : chunk;
      }
      return new AIMessage({ content: reply?.content ?? "", tool_calls: reply?.tool_calls ?? [], ...(reply?.id && { id: reply.id }), ...(reply?.usage_metadata && { usage_metadata: reply.usage_metadata }) });
    });
  }

  /**
   * One structured answer: ChatOpenAI's `withStructuredOutput` with `method: "functionCalling"`
   * (the answer is a forced tool call: `tools: [{function: {name}}]`, `tool_choice: {type:
   * "function", function: {name}}`), validated here with zod.
   *
   * Checked in @langchain/openai 1.5.8: its default for current models is `jsonSchema`
   * (`response_format: {type: "json_schema"}`), but then the OpenAI SDK's `parse()` runs
   * JSON.parse inside the retrying caller, so a malformed answer is an exception that is
   * retried: requested and billed again, up to maxRetries times. With function calling the
   * parsing happens after the call, once, and a malformed answer is a note and a fallback.
   */
  async structured<T>(label: string, messages: BaseMessage[], schema: z.ZodType<T>, name: string, signal?: AbortSignal): Promise<T | null> {
    const { $schema: _drop, ...jsonSchema } = z.toJSONSchema(schema) as Record<string, unknown>;
    const runnable = this.model.withStructuredOutput(jsonSchema, { name, method: "functionCalling", includeRaw: true });
    const out = await this.#call(label, messages, undefined, signal, async (s) => {
      const r = (await runnable.invoke(messages, { signal: s })) as { raw: AIMessage; parsed: unknown };
      return Object.assign(r.raw, { __parsed: r.parsed });
    });
    if (!out) return null;
    const parsed = (out as AIMessage & { __parsed: unknown }).__parsed;
    if (parsed === null || parsed === undefined) {
      this.note(`${label}: the model's answer was not valid JSON; the rules' result stands`);
      return null;
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      this.note(`${label}: the model's answer did not match the schema (${issue.path.join(".") || "$"}: ${issue.message}); the rules' result stands`);
      return null;
    }
    return result.data;
  }

  async #call(
    label: string,
    messages: BaseMessage[],
    tools: readonly ModelTool[] | undefined,
    callerSignal: AbortSignal | undefined,
    invoke: (signal: AbortSignal) => Promise<AIMessage>,
  ): Promise<AIMessage | null> {
    const promptChars = messages.reduce((n, m) => n + (typeof m.content === "string" ? m.content.length : JSON.stringify(m.content).length), 0)
      + (tools ?? []).reduce((n, t) => n + t.description.length + JSON.stringify(z.toJSONSchema(t.schema)).length, 0);
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
      const tokens = tokensOf(message);
      this.usage.add(tokens);
      this.budget.spend(tokens.total);
      return message;
    } catch (error) {
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

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = (error as { status?: number }).status;
  return `${status ? `HTTP ${status}: ` : ""}${error.name === "Error" ? "" : `${error.name}: `}${error.message}`.slice(0, 200);
}
