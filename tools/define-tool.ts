/**
 * What a tool is: a named, typed read over the ports. Callable as a plain async function
 * (`run(ports, input)`) by the deterministic agents; agents/llm/langchain-tools.ts wraps it as a
 * LangChain `tool()` for an LLM, so that loading a tool never loads LangChain.
 */
import type { z } from "zod";
import type { Effect } from "../contract/vocabulary.ts";
import type { Ports, Readout } from "../ports/ports.ts";

/** A tool answer: the value with a one-line summary, or why there is none (a port's gap, as is). */
export type ToolResult<T> = { kind: "ok"; value: T; summary: string } | Exclude<Readout<never>, { kind: "ok" }>;

/**
 * What a tool may do, said the way MCP clients read it (readOnlyHint, destructiveHint). Every
 * tool in this registry reads; changes go through the executors (remediation/executors/), which
 * carry the same `effect`, never through a tool a model can call.
 */
export interface ToolAnnotations {
  effect: Effect;
  readOnlyHint: boolean;
  destructiveHint: boolean;
}

export interface ToolDefinition<I extends z.ZodObject, O extends z.ZodType> {
  name: string;
  description: string;
  input: I;
  /** Schema of the `value` of an ok result. */
  output: O;
  annotations: ToolAnnotations;
  run(ports: Ports, input: z.input<I>): Promise<ToolResult<z.infer<O>>>;
}

export function defineTool<const N extends string, I extends z.ZodObject, O extends z.ZodType>(spec: {
  name: N;
  description: string;
  input: I;
  output: O;
  run(ports: Ports, input: z.infer<I>): Promise<ToolResult<z.infer<O>>>;
}): ToolDefinition<I, O> & { name: N } {
  return {
    ...spec,
    annotations: { effect: "read-only", readOnlyHint: true, destructiveHint: false },
    // Inputs come from agents and, later, from an LLM: always validated, defaults applied.
    run: async (ports, input) => spec.run(ports, spec.input.parse(input)),
  };
}

/** Passes a port's missing or failed read through as the tool's own answer. */
export function passThrough<T>(readout: Exclude<Readout<T>, { kind: "ok" }>): ToolResult<never> {
  return readout; // with its entity, cause and retriable flag: the recording caller makes the fault of it
}
