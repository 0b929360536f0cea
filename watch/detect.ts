/**
 * The watch's detectors: the Streaming agent's own rules (every group's partition window and
 * group rules, the topics' replication, the brokers' balance and, with Prometheus, saturation)
 * run over the watch's window exactly as an investigation runs them, through the same tools and
 * the one lag computation. Nothing here judges lag a second way: it only says which entity each
 * finding is about and whether its verdict needs anyone.
 *
 * The detection ports serve the window and nothing live but broker metrics (see watch.ts): no DLQ
 * peek, log search or client metrics per group at every sample. The investigation an unhealthy
 * entity opens reads all of those.
 */
import { recordingCaller } from "../agents/agent.ts";
import type { Finding } from "../agents/finding.ts";
import { streamingAgent } from "../agents/streaming/streaming-agent.ts";
import type { Thresholds, ThresholdScope } from "../config/thresholds/index.ts";
import type { GroupLagView, ToolCall } from "../contract/report.ts";
import type { Fault } from "../ports/faults.ts";
import type { Ports } from "../ports/ports.ts";
import { VERDICTS } from "../remediation/verdicts.ts";

export type EntityKind = "group" | "topic" | "broker" | "cluster";

export interface Entity {
  /** "group:orders-svc", "topic:orders", "broker:2", "cluster". */
  key: string;
  kind: EntityKind;
  name: string;
  /** Where its thresholds are looked up (per-group and per-topic overrides). */
  scope: ThresholdScope;
}

export interface EntityReading extends Entity {
  /** The unhealthy finding that speaks for the entity this sample: the most confident one. */
  finding: Finding;
}

export interface Detection {
  /** Unhealthy entities by key; an entity not listed is healthy this sample. */
  unhealthy: Map<string, EntityReading>;
  /** Every consumer group's partitions with the window's verdict (what the metrics export). */
  lag: GroupLagView[];
}

/** Runs the Streaming agent's rules over `ports` (the window) and files each finding under its entity. */
export async function detect(ports: Ports, thresholds: Thresholds): Promise<Detection> {
  const log: ToolCall[] = [];
  const faults: Fault[] = [];
  const outcome = await streamingAgent.investigate({ call: recordingCaller(ports, "streaming", log, faults), thresholds, alert: undefined });
  const unhealthy = new Map<string, EntityReading>();
  for (const finding of outcome.findings) {
    if (!needsAttention(finding)) continue;
    const entity = entityOf(finding);
    const held = unhealthy.get(entity.key);
    if (!held || outranks(finding, held.finding)) unhealthy.set(entity.key, { ...entity, finding });
  }
  return { unhealthy, lag: outcome.lag ?? [] };
}

/** A finding whose runbook verdict is to act or escalate: `lag.recovering` and `healthy` page nobody. */
export function needsAttention(f: Finding): boolean {
  return VERDICTS[f.code].decision !== "none";
}

/**
 * The entity a finding is about: its consumer group when it names one (lag, rebalance, broker
 * saturation seen from a group); for replication, the broker whose loss it follows from, else the
 * topic; the cluster for balance; a DLQ's topic for DLQ findings.
 */
export function entityOf(f: Finding): Entity {
  const text = (v: unknown) => (v === undefined || v === null || v === "" ? undefined : String(v));
  const group = text(f.entities.group);
  const topic = text(f.entities.topic);
  if (group) return { key: `group:${group}`, kind: "group", name: group, scope: { group, topic } };
  const broker = text(f.entities.broker);
  if (f.code.startsWith("replication.") && broker) return { key: `broker:${broker}`, kind: "broker", name: broker, scope: {} };
  if (f.code === "cluster.imbalance") return { key: "cluster", kind: "cluster", name: "cluster", scope: {} };
  const dlq = text(f.entities.dlqTopic) ?? topic;
  if (dlq) return { key: `topic:${dlq}`, kind: "topic", name: dlq, scope: { topic: dlq } };
  if (broker) return { key: `broker:${broker}`, kind: "broker", name: broker, scope: {} };
  return { key: "cluster", kind: "cluster", name: "cluster", scope: {} };
}

/** More confident first; equal confidence: by code, so the same window always names the same diagnosis. */
function outranks(a: Finding, b: Finding): boolean {
  return a.confidence > b.confidence || (a.confidence === b.confidence && a.code < b.code);
}
