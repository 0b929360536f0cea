/**
 * Guards no policy lifts. The policy (remediation/policy.ts) says what may run how; these say
 * what never runs, whatever the policy, the mode or a human's approval says:
 *
 * - internal topics are never touched: Kafka's own (`__consumer_offsets`, `__transaction_state`,
 *   `__cluster_metadata`, any `__*`), the Schema Registry's `_schemas`, Confluent's `_confluent*`,
 *   Connect's (`connect-configs`, `connect-offsets`, `connect-status`, and the names a policy's
 *   `protectedTopics` adds: a policy may protect more, never less);
 * - an action acts only on entities the findings name (findings take them from tool results);
 * - nothing is deleted outside the quarantine path: only the kinds that move records into
 *   quarantine may be destructive, and no config change may shorten retention;
 * - partitions are never reduced;
 * - the blast radius is capped per action (entities named, partitions added or moved, records moved);
 * - the precondition is re-read right before applying: if the cluster changed since the dry run
 *   that was approved, the action is aborted.
 */
import { isDeepStrictEqual } from "node:util";
import { selector, type Selector } from "../config/thresholds/selector.ts";
import type { Action, Diagnosis } from "../contract/report.ts";
import type { ActionKind } from "../contract/vocabulary.ts";
import type { Effect } from "./executors/executor.ts";
import type { Policy } from "./policy.ts";
import { actionEntities } from "./policy.ts";
import type { ActionDraft } from "./verdicts.ts";

/** Topics no action may touch: Kafka's, the registry's, Confluent's, Connect's default names. */
export const INTERNAL_TOPICS: readonly { pattern: string; owner: string }[] = [
  { pattern: "__*", owner: "Kafka (__consumer_offsets, __transaction_state, __cluster_metadata, __share_group_state...)" },
  { pattern: "_schemas", owner: "the Schema Registry" },
  { pattern: "_confluent*", owner: "Confluent Platform" },
  { pattern: "connect-configs", owner: "Kafka Connect" },
  { pattern: "connect-offsets", owner: "Kafka Connect" },
  { pattern: "connect-status", owner: "Kafka Connect" },
];
const INTERNAL = INTERNAL_TOPICS.map((t) => ({ ...t, sel: selector(t.pattern) }));

/** Kinds whose executor may be destructive: they take records out of a flow into a quarantine topic. */
export const QUARANTINE_PATH: ReadonlySet<ActionKind> = new Set(["skip_poison_message", "quarantine_messages", "replay_dlq"]);

/** The cap per action, under any policy. */
export const BLAST_RADIUS = {
  /** Distinct topics and groups one action names. */
  entities: 4,
  /** Partitions one action adds or moves. */
  partitions: 256,
  /** Records one action replays or moves. */
  records: 100_000,
} as const;

/** Topic configs whose lowering (or removal, back to an unknown default) deletes records. */
/** Broker configs that decide, for every topic without its own value, when records are deleted. */
const BROKER_DELETION_KEY = /^log\.(retention|local\.retention|cleanup\.policy|cleaner\.delete\.retention)/;

export const RETENTION_KEYS: readonly string[] = ["retention.ms", "retention.bytes", "local.retention.ms", "local.retention.bytes"];

/** Why a topic is internal, or null. */
export function internalTopic(name: string, protectedTopics: readonly Selector[] = []): string | null {
  const hit = INTERNAL.find((t) => t.sel.matches(name));
  if (hit) return `${JSON.stringify(name)} is an internal topic of ${hit.owner}`;
  const own = protectedTopics.find((s) => s.matches(name));
  if (own) return `${JSON.stringify(name)} is protected by the policy (${own.text})`;
  return null;
}

/**
 * An action may only name groups and topics that a finding names (findings take their
 * entities from tool results). The same check an LLM-proposed action must pass.
 */
export function unnamedEntity(d: Pick<ActionDraft, "params">, findings: readonly Diagnosis[]): string | null {
  const known = new Set(findings.flatMap((f) => Object.values(f.entities).map(String)));
  for (const key of ["group", "topic", "dlqTopic", "targetTopic"] as const) {
    const v = d.params[key];
    if (v === undefined) continue;
    if (typeof v !== "string" || v === "" || !known.has(v)) return `${key} ${JSON.stringify(v)} is not an entity any finding names`;
  }
  return null;
}

/** Numbers of partitions and records an action would add, move or replay: from its dry run, or estimated from its params. */
export interface Cost {
  partitions: number;
  records: number;
  /** Partitions in flight at once when the action runs in batches; absent: all of them at once. */
  partitionsAtOnce?: number;
}

/** What the params alone say an action costs (the dry run's own count replaces it when it gives one). */
export function paramsCost(action: Pick<Action, "kind" | "params">): Cost {
  const p = action.params;
  const num = (k: string) => (typeof p[k] === "number" && Number.isFinite(p[k]) ? p[k] : undefined);
  if (action.kind === "add_partitions") {
    const from = num("from");
    const to = num("to");
    return { partitions: to !== undefined && from !== undefined ? Math.max(0, to - from) : 0, records: 0 };
  }
  if (action.kind === "reassign_partitions") return { partitions: num("partitions") ?? 0, records: 0 };
  if (action.kind === "replay_dlq" || action.kind === "quarantine_messages") return { partitions: 0, records: num("maxRecords") ?? num("records") ?? 0 };
  if (action.kind === "skip_poison_message") return { partitions: 0, records: 1 };
  return { partitions: 0, records: 0 };
}

export interface StaticGuardInput {
  findings: readonly Diagnosis[];
  policy: Pick<Policy, "protectedTopics">;
}

/**
 * Every guard that needs no reading of the cluster: internal topics, entities the findings name,
 * never reduce partitions (by the params), retention never shortened to an unknown value, blast radius.
 */
export function staticGuards(action: Pick<Action, "kind" | "params">, input: StaticGuardInput): string[] {
  const out: string[] = [];
  const protectedTopics = input.policy.protectedTopics.map(selector);
  const { topics, groups } = actionEntities(action);
  for (const t of topics) {
    const why = internalTopic(t, protectedTopics);
    if (why) out.push(why);
  }
  const unnamed = unnamedEntity(action, input.findings);
  if (unnamed) out.push(unnamed);
  if (topics.length + groups.length > BLAST_RADIUS.entities) out.push(`names ${topics.length + groups.length} topics and groups, more than the cap of ${BLAST_RADIUS.entities} per action`);
  const p = action.params;
  if (action.kind === "add_partitions") {
    const { from, to } = p;
    if (typeof to !== "number" || !Number.isInteger(to) || to < 1) out.push(`add_partitions: target ${JSON.stringify(to)} is not a whole number of partitions`);
    else if (typeof from === "number" && to <= from) out.push(`add_partitions: target ${to} is not above the current ${from}: partitions are never reduced`);
  }
  if (action.kind === "alter_topic_config") {
    for (const k of RETENTION_KEYS) {
      if (Object.values(p).some((v) => Array.isArray(v) && (v as unknown[]).includes(k))) out.push(`alter_topic_config: removing ${k} would fall back to a default that may delete records`);
    }
    const named = [...Object.keys(p), ...(Array.isArray(p.delete) ? p.delete.map(String) : [])];
    // A compacted topic switched to (or back to) deletion loses records, whatever retention says.
    if (named.includes("cleanup.policy")) out.push("alter_topic_config: cleanup.policy is never changed by an action: switching between compaction and deletion can delete records");
    // Broker-level retention reaches every topic that has no value of its own.
    if (p.broker !== undefined) {
      for (const k of named.filter((n) => BROKER_DELETION_KEY.test(n))) out.push(`alter_topic_config: broker config ${k} is never changed by an action: it sets how long every topic without its own value keeps records`);
    }
  }
  out.push(...costProblems(paramsCost(action)));
  return out;
}

/** The blast-radius cap on a cost. */
export function costProblems(cost: Cost): string[] {
  const out: string[] = [];
  // A reassignment runs batch by batch: what can go wrong at once is one batch, whatever the total.
  const atOnce = cost.partitionsAtOnce ?? cost.partitions;
  if (atOnce > BLAST_RADIUS.partitions) {
    out.push(cost.partitionsAtOnce === undefined ? `adds or moves ${atOnce} partitions, more than the cap of ${BLAST_RADIUS.partitions} per action` : `moves ${atOnce} partitions at once in one batch, more than the cap of ${BLAST_RADIUS.partitions} at once`);
  }
  if (cost.records > BLAST_RADIUS.records) out.push(`moves ${cost.records} records, more than the cap of ${BLAST_RADIUS.records} per action`);
  return out;
}

/** The executor's own nature: only the quarantine path may be destructive. */
export function effectProblem(kind: ActionKind, effect: Effect): string | null {
  return effect === "destructive" && !QUARANTINE_PATH.has(kind) ? `${kind} is destructive and not on the quarantine path: nothing is deleted outside it` : null;
}

/** What the cluster says now, for the guards that need a reading. */
export interface LiveReadings {
  /** Partition count of a topic now; null when the topic does not exist. */
  partitionCount(topic: string): Promise<number | null>;
  /** A topic's dynamic configs now (null: set, value not disclosed). */
  topicConfigs(topic: string): Promise<Record<string, string | null>>;
}

/** The guards that read the cluster: partitions never reduced (by the count now), retention never shortened. */
export async function liveGuards(action: Pick<Action, "kind" | "params">, read: LiveReadings): Promise<string[]> {
  const out: string[] = [];
  const p = action.params;
  if (action.kind === "add_partitions" && typeof p.topic === "string" && typeof p.to === "number") {
    const now = await read.partitionCount(p.topic);
    if (now === null) out.push(`add_partitions: topic ${JSON.stringify(p.topic)} does not exist`);
    else if (p.to <= now) out.push(`add_partitions: ${p.topic} has ${now} partitions now, the target ${p.to} is not above it: partitions are never reduced`);
  }
  if (action.kind === "alter_topic_config" && typeof p.topic === "string") {
    const set = RETENTION_KEYS.filter((k) => p[k] !== undefined);
    if (set.length) {
      const current = await read.topicConfigs(p.topic);
      for (const k of set) {
        const next = Number(p[k]);
        const raw = current[k];
        const before = raw === undefined || raw === null || !Number.isFinite(Number(raw)) ? undefined : Number(raw);
        if (!Number.isFinite(next)) out.push(`alter_topic_config: ${k} ${JSON.stringify(p[k])} is not a number`);
        else if (next === -1) continue; // unlimited: never deletes more
        else if (before === undefined) out.push(`alter_topic_config: ${k} has no value set on ${p.topic} to compare with; setting ${next} could shorten retention and delete records`);
        else if (before === -1 || next < before) out.push(`alter_topic_config: ${k} ${before} -> ${next} shortens retention: records would be deleted`);
      }
    }
  }
  return out;
}

/**
 * Where two precondition readings differ ("members: 3 -> 4"), or null when they are equal.
 * Compared as JSON: what the runner stored with the approved dry run against a reading now.
 */
export function preconditionChange(before: unknown, now: unknown): string | null {
  const a = JSON.parse(JSON.stringify(before ?? null)) as unknown;
  const b = JSON.parse(JSON.stringify(now ?? null)) as unknown;
  if (isDeepStrictEqual(a, b)) return null;
  return firstDifference(a, b, "") ?? "the reading differs";
}

function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (isDeepStrictEqual(a, b)) return null;
  if (a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k);
      if (d) return d;
    }
  }
  return `${path || "reading"}: ${JSON.stringify(a) ?? "absent"} -> ${JSON.stringify(b) ?? "absent"}`;
}
