/**
 * The typed tools as a model sees them (name, description, input schema), per specialist, and
 * a caller that records what every answered read showed (for validating the model's claims).
 */
import type { Specialist } from "../../contract/vocabulary.ts";
import type { LlmSession, ModelTool } from "../../llm/session.ts";
import { TOOLS, type ToolName } from "../../tools/registry.ts";
import type { CallTool } from "../agent.ts";

export const SPECIALIST_TOOLS: Record<Specialist | "chat", readonly ToolName[]> = {
  streaming: ["consumer_groups", "consumer_group_lag", "client_metrics", "consumer_config", "topic_partitions", "topic_config", "cluster_overview", "broker_metrics", "dlq_records", "search_logs"],
  schema: ["schema_subjects", "schema_compatibility", "dlq_records", "search_logs", "consumer_groups"],
  quality: ["topic_samples", "topic_partitions", "consumer_groups", "topic_config", "search_logs"],
  chat: Object.keys(TOOLS) as ToolName[],
};

/** What each specialist covers, for the prompts. */
export const COVERS: Record<Specialist, string> = {
  streaming: "consumer lag, rebalances, DLQs, replication, broker load and partition balance",
  schema: "Schema Registry subjects, compatibility of registered and proposed schemas, deserialization failures",
  quality: "topic write rates, volume drops and null spikes in sampled records",
};

export function modelTools(names: readonly ToolName[]): ModelTool[] {
  return names.map((n) => ({ name: n, description: TOOLS[n].description, schema: TOOLS[n].input }));
}

/** Wraps a tool caller so that every ok result feeds the session's evidence index. */
export function observing(call: CallTool, session: LlmSession): CallTool {
  return (async (name, input) => {
    const result = await call(name, input);
    if (result.kind === "ok") session.evidence.observe(name, result.value);
    return result;
  }) as CallTool;
}
