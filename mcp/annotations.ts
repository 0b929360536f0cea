/**
 * The project's effect of a tool or an action kind (contract/vocabulary.ts: read-only, mutating,
 * destructive), as MCP's tool annotations say it. MCP clients read these hints to decide what
 * to ask their user before calling; they are hints, so the server never relies on them: an
 * action tool stops at the approval gate whatever the client does.
 */
import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import type { Effect } from "../contract/vocabulary.ts";

export function mcpAnnotations(effect: Effect, title: string): ToolAnnotations {
  return {
    title,
    readOnlyHint: effect === "read-only",
    destructiveHint: effect === "destructive",
    // Reading twice changes nothing; asking for an action twice holds two approvals.
    idempotentHint: effect === "read-only",
    // Every tool reaches a Kafka estate (a recording of one, or a live cluster).
    openWorldHint: true,
  };
}
