/**
 * Reading what a model wrote as text when the server did not turn it into structure: tool calls
 * in the model's documented text format, and JSON answers in code fences or with prose around.
 *
 * llama.cpp's server (and others, depending on the chat template and version) can hand back a
 * model's tool call as plain content. Two shapes are recognised, only for tools that were
 * offered (anything else stays text):
 * - Qwen2.5 / Hermes: `<tool_call>{"name": "...", "arguments": {...}}</tool_call>`, one block per
 *   call (the closing tag may be missing when the server stops on it);
 * - a bare JSON object (or an array of them) naming a tool, `{"name", "arguments" | "parameters"}`,
 *   possibly in a ```json fence, which is what small models write when a tool is forced.
 */

export interface TextToolCall {
  name: string;
  args: Record<string, unknown>;
}

const TOOL_CALL_BLOCK = /<tool_call>\s*([\s\S]*?)\s*(?:<\/tool_call>|$)/g;
const FENCE = /```(?:json)?\s*([\s\S]*?)```/g;

/** Tool calls written as text, for the tools in `offered`; empty when there are none. */
export function parseTextToolCalls(text: string, offered: ReadonlySet<string>): TextToolCall[] {
  if (text.includes("<tool_call>")) {
    const calls: TextToolCall[] = [];
    for (const m of text.matchAll(TOOL_CALL_BLOCK)) {
      const call = asToolCall(parseJson(m[1] ?? ""), offered);
      if (call) calls.push(...call);
    }
    return calls;
  }
  for (const candidate of jsonCandidates(text)) {
    const calls = asToolCall(parseJson(candidate), offered);
    if (calls) return calls;
  }
  return [];
}

/**
 * A JSON value in a text answer: the whole text, else the first fenced block that parses, else
 * the span from the first `{` to the last `}`. Undefined when none parses.
 */
export function parseJsonAnswer(text: string): unknown {
  for (const candidate of jsonCandidates(text)) {
    const value = parseJson(candidate);
    if (value !== undefined) return value;
  }
  return undefined;
}

function* jsonCandidates(text: string): Generator<string> {
  yield text.trim();
  for (const m of text.matchAll(FENCE)) yield (m[1] ?? "").trim();
  const first = text.indexOf("{");
  const last = text.lastIndexOf("}");
  if (first >= 0 && last > first) yield text.slice(first, last + 1);
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function asToolCall(value: unknown, offered: ReadonlySet<string>): TextToolCall[] | null {
  const items = Array.isArray(value) ? value : [value];
  if (!items.length) return null;
  const calls: TextToolCall[] = [];
  for (const item of items) {
    if (!isObject(item) || typeof item.name !== "string" || !offered.has(item.name)) return null;
    let args: unknown = item.arguments ?? item.parameters ?? {};
    // The OpenAI wire format carries arguments as a JSON string; some models copy that.
    if (typeof args === "string") args = parseJson(args);
    if (!isObject(args)) return null;
    calls.push({ name: item.name, args });
  }
  return calls;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
