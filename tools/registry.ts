/**
 * Every tool, keyed by name: the one list agents, the LLM binding (agents/llm/langchain-tools.ts)
 * and the tests read. Loads no LangChain.
 */
import type { z } from "zod";
import { dlqRecords } from "./dlq/dlq-records.ts";
import { brokerMetrics } from "./kafka/broker-metrics.ts";
import { clientMetrics } from "./kafka/client-metrics.ts";
import { clusterOverview } from "./kafka/cluster-overview.ts";
import { consumerConfig } from "./kafka/consumer-config.ts";
import { consumerGroupLag } from "./kafka/consumer-group-lag.ts";
import { consumerGroups } from "./kafka/consumer-groups.ts";
import { topicConfig } from "./kafka/topic-config.ts";
import { topicPartitions } from "./kafka/topic-partitions.ts";
import { searchLogs } from "./logs/search-logs.ts";
import { topicSamples } from "./quality/topic-samples.ts";
import { schemaCompatibility } from "./schema/schema-compatibility.ts";
import { schemaReaders } from "./schema/schema-readers.ts";
import { schemaSubjects } from "./schema/schema-subjects.ts";

export const TOOLS = {
  cluster_overview: clusterOverview,
  topic_partitions: topicPartitions,
  consumer_groups: consumerGroups,
  consumer_group_lag: consumerGroupLag,
  broker_metrics: brokerMetrics,
  client_metrics: clientMetrics,
  consumer_config: consumerConfig,
  topic_config: topicConfig,
  schema_subjects: schemaSubjects,
  schema_compatibility: schemaCompatibility,
  schema_readers: schemaReaders,
  dlq_records: dlqRecords,
  topic_samples: topicSamples,
  search_logs: searchLogs,
} as const;

export type Tools = typeof TOOLS;
export type ToolName = keyof Tools;
export type ToolInput<N extends ToolName> = z.input<Tools[N]["input"]>;
export type ToolValue<N extends ToolName> = z.infer<Tools[N]["output"]>;

export const TOOL_NAMES = Object.keys(TOOLS) as ToolName[];
