/**
 * The bounded tool-calling loop: the model asks for reads (several at once run concurrently,
 * with Promise.all, through the same recording caller as the rules' reads, so they land in
 * `toolCalls`), reads the fenced results, and answers with JSON. On its last allowed turn it
 * gets no tools and must answer in the structured format. Null when no valid answer came.
 */
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import type { z } from "zod";
import type { LlmSession, ModelTool } from "../../llm/session.ts";
import { toolResultText } from "../../prompts/specialist-loop.ts";
import { TOOLS, type ToolName } from "../../tools/registry.ts";
import type { CallTool } from "../agent.ts";

/** Reads one model turn may ask for; more are answered with an error (a flood is not a plan). */
export const MAX_CALLS_PER_TURN = 8;

export interface ToolLoopOptions<T> {
  session: LlmSession;
  /** For notes: "streaming tool loop". */
  label: string;
  system: string;
  user: string;
  tools: readonly ModelTool[];
  call: CallTool;
  /** Model turns allowed (>= 1); the last one is the structured answer. */
  turns: number;
  answer: z.ZodType<T>;
  answerName: string;
  maxResultChars?: number;
  signal?: AbortSignal;
  /**
   * The first turn must call a tool (tool_choice "required"). For a loop whose last turn is
   * the answer anyway, an answer on the first turn is one made without reading: small models
   * do that every time unless forced (measured: 0 reads in 4 of 4 cases with Qwen2.5-1.5B),
   * and such an answer cannot cite a read, which a finding on a healthy entity needs.
   */
  readFirst?: boolean;
  /** What the last turn asks for; default: a generic "answer now with the JSON". */
  answerRequest?: string;
}

export interface ToolLoopResult<T> {
  value: T | null;
  /** Tool calls the model made, in order. */
  toolCalls: { tool: string; ok: boolean }[];
}

export async function toolLoop<T>(o: ToolLoopOptions<T>): Promise<ToolLoopResult<T>> {
  const messages: BaseMessage[] = [new SystemMessage(o.system), new HumanMessage(o.user)];
  const allowed = new Set(o.tools.map((t) => t.name));
  const made: { tool: string; ok: boolean }[] = [];
  for (let turn = 1; turn <= o.turns; turn++) {
    if (turn === o.turns) {
      if (turn > 1 || o.answerRequest) messages.push(new HumanMessage(o.answerRequest ?? "Answer now with the JSON, from what the tools returned."));
      return { value: await o.session.structured(`${o.label} (answer)`, messages, o.answer, o.answerName, o.signal), toolCalls: made };
    }
    const toolChoice = o.readFirst && turn === 1 ? ("required" as const) : undefined;
    const reply = await o.session.chat(`${o.label} (turn ${turn})`, messages, { tools: o.tools, ...(toolChoice && { toolChoice }), ...(o.signal && { signal: o.signal }) });
    if (!reply) return { value: null, toolCalls: made };
    const { message, calls } = screenToolCalls(o.label, reply, allowed);
    messages.push(message);
    if (!calls.length) return { value: parseAnswer(o, reply), toolCalls: made };
    const results = await Promise.all(
      calls.map(async (tc) => {
        if (tc.refused) {
          o.session.note(tc.refused.note);
          made.push({ tool: tc.name, ok: false });
          return new ToolMessage({ tool_call_id: tc.id, content: tc.refused.error });
        }
        const result = await o.call(tc.name as ToolName, tc.args as never);
        made.push({ tool: tc.name, ok: result.kind === "ok" });
        if (result.kind === "ok") o.session.evidence.observeCall(tc.id, tc.name, result.value);
        else o.session.note(`${o.label}: the model's read of ${tc.name} had no data (${result.kind}); the rules' evidence is unaffected`);
        return new ToolMessage({ tool_call_id: tc.id, content: toolResultText(tc.name, JSON.stringify(result), o.maxResultChars ?? 3_000) });
      }),
    );
    messages.push(...results);
  }
  return { value: null, toolCalls: made };
}

/** Why a tool call the model made is not run: the note for the report, and the error the model gets back. */
export interface Refusal {
  note: string;
  error: string;
}

/** The tool error for a call whose arguments did not parse as JSON. */
export const UNPARSED_ARGUMENTS = "error: arguments were not valid JSON";

/** One tool call of a model turn, checked: `refused` set when it must not run. */
export interface ScreenedCall {
  id: string;
  name: string;
  args: unknown;
  refused?: Refusal;
}

/**
 * Every tool call of one model reply, checked (refuseToolCall), in the order the model made
 * them, with the calls whose arguments were not JSON (LangChain's `invalid_tool_calls`) last,
 * refused as such. `message` is the reply as a history must hold it: the unparsed calls are
 * folded into its `tool_calls` with empty arguments (and kept in `invalid_tool_calls`), so
 * every tool error sent back answers a call the endpoint sees in the assistant message (a
 * tool message without one is a 400 on OpenAI's API). Screening `message` again gives the
 * same calls. The one check of every tool-calling loop: the specialists' here, chat's in
 * chat/graph-engine.ts.
 */
export function screenToolCalls(label: string, reply: AIMessage, allowed: ReadonlySet<string>): { message: AIMessage; calls: ScreenedCall[] } {
  const invalid = reply.invalid_tool_calls ?? [];
  const unparsedIds = new Set<string>();
  const unparsed = invalid.map((bad, i) => {
    const id = bad.id ?? `unparsed-${i + 1}`;
    unparsedIds.add(id);
    return { id, name: String(bad.name ?? "?").slice(0, 60) };
  });
  const parsed = (reply.tool_calls ?? []).filter((tc) => !(tc.id !== undefined && unparsedIds.has(tc.id)));
  const calls: ScreenedCall[] = parsed.map((tc, i) => {
    const refused = refuseToolCall(label, tc, i, allowed);
    return { id: tc.id ?? `${tc.name}-${i + 1}`, name: tc.name, args: tc.args, ...(refused && { refused }) };
  });
  for (const u of unparsed) {
    calls.push({ id: u.id, name: u.name, args: {}, refused: { note: `${label}: the model sent tool arguments that are not JSON (${u.name}); refused`, error: UNPARSED_ARGUMENTS } });
  }
  if (!unparsed.length && parsed.every((tc) => tc.id !== undefined)) return { message: reply, calls };
  const message = new AIMessage({
    content: reply.content,
    tool_calls: calls.map((c) => ({ id: c.id, name: c.name, args: (c.args ?? {}) as Record<string, unknown>, type: "tool_call" as const })),
    invalid_tool_calls: invalid.map((bad, i) => ({ ...bad, id: unparsed[i]!.id })),
    ...(reply.id && { id: reply.id }),
    ...(reply.usage_metadata && { usage_metadata: reply.usage_metadata }),
    response_metadata: reply.response_metadata,
  });
  return { message, calls };
}

/**
 * Checks one of the model's tool calls before it runs (the `index`-th of its turn): a known,
 * offered tool, arguments that validate against its input schema, at most MAX_CALLS_PER_TURN.
 * The model's arguments are the model's mistake, not a gap in the evidence: a refusal goes
 * back to it as a tool error (it may retry within the budget) and into the notes, never to a
 * recording caller, whose faults become missing evidence and escalations. Every tool-calling
 * loop (the specialists' here, chat's in chat/graph-engine.ts) checks through this.
 */
export function refuseToolCall(label: string, tc: { name: string; args: unknown }, index: number, allowed: ReadonlySet<string>): Refusal | null {
  const name = JSON.stringify(String(tc.name).slice(0, 60));
  if (index >= MAX_CALLS_PER_TURN) {
    return { note: `${label}: the model asked for more than ${MAX_CALLS_PER_TURN} reads in one turn; ${name} refused`, error: `error: at most ${MAX_CALLS_PER_TURN} tool calls per turn` };
  }
  if (!allowed.has(tc.name) || !(tc.name in TOOLS)) {
    return { note: `${label}: the model asked for unknown tool ${name}; refused`, error: `error: no tool named ${name}` };
  }
  const input = TOOLS[tc.name as ToolName].input.safeParse(tc.args);
  if (!input.success) {
    const why = argumentError(input.error);
    return { note: `${label}: the model called ${tc.name} with invalid arguments (${why}); returned to it as a tool error`, error: `error: invalid arguments for ${tc.name}: ${why}` };
  }
  return null;
}

/** A final answer given as content on a tool-enabled turn: JSON, possibly in a code fence. */
function parseAnswer<T>(o: ToolLoopOptions<T>, reply: AIMessage): T | null {
  const text = typeof reply.content === "string" ? reply.content : reply.content.map((c) => ("text" in c ? String(c.text) : "")).join("");
  const body = /```(?:json)?\s*([\s\S]*?)```/.exec(text)?.[1] ?? text;
  let json: unknown;
  try {
    json = JSON.parse(body.trim());
  } catch {
    o.session.note(`${o.label}: the model's answer was not valid JSON; the rules' result stands`);
    return null;
  }
  const parsed = o.answer.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    o.session.note(`${o.label}: the model's answer did not match the schema (${issue.path.join(".") || "$"}: ${issue.message}); the rules' result stands`);
    return null;
  }
  return parsed.data;
}

/** A zod error on tool arguments as one short line: "limit: Too big: expected number to be <=500". */
function argumentError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.map(String).join(".") || "$"}: ${i.message}`)
    .join("; ")
    .replace(/[\u0000-\u001f]+/g, " ")
    .slice(0, 200);
}
