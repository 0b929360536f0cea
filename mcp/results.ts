/**
 * How a tool answers over MCP: structured content with a one-line text, or a tool error
 * (`isError`, one line) that the calling model reads and can act on. Everything that leaves
 * passes the redactor; a failure a caller must handle is a ToolFailure, anything else thrown
 * is reported as an internal error in one line, never a stack.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Redact } from "../config/secret.ts";
import { KafkaOpsError } from "../errors.ts";
import { oneLine } from "../cli/render/text.ts";

/** A tool call that cannot be answered as asked: bad arguments, nothing recorded, no cluster. */
export class ToolFailure extends Error {}

export function structured(redact: Redact, text: string, value: Record<string, unknown>, extra: CallToolResult["content"] = []): CallToolResult {
  return { content: [{ type: "text", text: redact(text) }, ...extra], structuredContent: redact.deep(value) };
}

export function toolError(redact: Redact, message: string): CallToolResult {
  return { content: [{ type: "text", text: redact(oneLine(message, 2000)) }], isError: true };
}

/** Runs a handler; what it throws becomes a one-line tool error, scrubbed of every secret. */
export async function guarded(redact: Redact, run: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ToolFailure || error instanceof KafkaOpsError) return toolError(redact, error.message);
    return toolError(redact, `internal error: ${error instanceof Error ? error.message : String(error)}`);
  }
}
