/**
 * The typed tools as LangChain tools bound to ports: what a tool-calling model calls. Kept on
 * the LLM side so that loading a tool (or the registry) never loads LangChain: the deterministic
 * agents and `kafka-ops lag` start without it.
 */
import { tool as langchainTool } from "@langchain/core/tools";
import type { z } from "zod";
import type { Ports } from "../../ports/ports.ts";
import type { ToolDefinition } from "../../tools/define-tool.ts";
import { TOOL_NAMES, TOOLS } from "../../tools/registry.ts";

/** One tool as a LangChain tool bound to ports; its answer is the tool result as JSON. */
export function asLangChainTool(definition: ToolDefinition<z.ZodObject, z.ZodType>, ports: Ports) {
  return langchainTool(
    async (input: Record<string, unknown>) => {
      const result = await definition.run(ports, input);
      return JSON.stringify(result);
    },
    { name: definition.name, description: definition.description, schema: definition.input },
  );
}

/** Every tool of the registry as a LangChain tool bound to ports. */
export function langChainTools(ports: Ports) {
  return TOOL_NAMES.map((name) => asLangChainTool(TOOLS[name] as unknown as ToolDefinition<z.ZodObject, z.ZodType>, ports));
}
