/**
 * The runbook's verdict for each diagnosis code: fix it (and how), escalate it (to whom,
 * how urgently), or leave it alone. Actions are built only from a finding's own entities,
 * which the rules took from tool results: never from record values, headers or log text.
 */
import { consumerNumber } from "../config/consumer-defaults.ts";
import type { Action, Diagnosis } from "../contract/report.ts";
import type { ActionKind, DiagnosisCode, Severity } from "../contract/vocabulary.ts";
import { HEADROOM, partitionsNeeded, perPartition } from "./executors/partition-target.ts";

export type ActionDraft = Pick<Action, "kind" | "params" | "rationale" | "verify">;

export type Verdict =
  | { decision: "remediate"; actions: (f: Diagnosis) => ActionDraft[] }
  | { decision: "escalate"; severity: Severity | ((f: Diagnosis) => Severity); owner: (f: Diagnosis) => string; why: string }
  | { decision: "none" };

const str = (v: unknown) => (v === undefined ? "" : String(v));
const platform = () => "kafka-platform on-call";
const groupOwner = (f: Diagnosis) => `owners of consumer group ${str(f.entities.group)}`;
const producers = (f: Diagnosis) => `producers of topic ${str(f.entities.topic)}`;

function draft(kind: ActionKind, params: ActionDraft["params"], rationale: string, verify: string): ActionDraft {
  return { kind, params, rationale, verify };
}

export const VERDICTS: Record<DiagnosisCode, Verdict> = {
  "lag.slow_consumer": {
    decision: "remediate",
    actions: (f) => {
      const members = Number(f.entities.members ?? 1);
      const partitions = Number(f.entities.partitions ?? members * 2);
      const target = Math.min(partitions, Math.max(members + 1, members * 2));
      return [draft("scale_consumers", { group: str(f.entities.group), from: members, to: target },
        `${members} members share ${partitions} partitions; up to ${partitions} members can consume in parallel`,
        "lag stops growing within two sampling intervals and the new members own partitions")];
    },
  },
  "lag.partition_bound": {
    decision: "remediate",
    actions: (f) =>
      addPartitions(f, "every partition already has its own consumer and lag grows: only more partitions add parallelism",
        "the new partitions receive writes, the group scales out onto them and lag stops growing"),
  },
  "partition.under_provisioned": {
    decision: "remediate",
    actions: (f) =>
      addPartitions(f, "each partition is written at what one consumer can process: more partitions before lag builds",
        `per-partition write rate falls below ${Math.round(HEADROOM * 100)}% of one consumer's capacity`),
  },
  "lag.poison_message": {
    decision: "remediate",
    actions: (f) => [draft("skip_poison_message",
      { group: str(f.entities.group), topic: str(f.entities.topic), partition: Number(f.entities.partition), offset: str(f.entities.offset) },
      "the record at this offset fails again and again; copy it to quarantine, then commit past it so the partition moves",
      "the partition's committed offset advances past the skipped offset and its lag shrinks")],
  },
  "rebalance.storm": {
    decision: "remediate",
    actions: (f) => [stormFix(f)],
  },
  "cluster.imbalance": {
    decision: "remediate",
    actions: (f) =>
      f.entities.fix === "elect"
        ? [draft("elect_preferred_leaders", { scope: "all partitions whose leader is not the preferred replica" },
            "leadership drifted away from preferred replicas (after restarts); a preferred leader election restores the spread",
            "each broker leads close to its share of partitions")]
        : [draft("reassign_partitions", { brokers: str(f.entities.broker), throttleBytesPerSec: 50_000_000 },
            "replicas are concentrated on some brokers; a throttled reassignment moves them onto the others",
            "replica counts per broker within 10% of the mean and no under-replicated partitions during the move")],
  },
  "dlq.transient": {
    decision: "remediate",
    actions: (f) => [draft("replay_dlq", { dlqTopic: str(f.entities.dlqTopic), targetTopic: str(f.entities.topic), backoffMs: 1000 },
      "the failures were transient (timeouts, unavailable dependency); replay with backoff once the dependency answers",
      "replayed records are not dead-lettered again")],
  },
  "dlq.poison": {
    decision: "remediate",
    actions: (f) => [draft("quarantine_messages", { dlqTopic: str(f.entities.dlqTopic), quarantineTopic: `${str(f.entities.dlqTopic)}.quarantine` },
      "the same records fail every time; move them out of the DLQ with diagnostic headers instead of replaying them into the loop",
      "the repeated records stop reappearing in the DLQ")],
  },
  "lag.recovering": { decision: "none" },
  healthy: { decision: "none" },
  "lag.hot_partition": { decision: "escalate", severity: "sev3", owner: producers, why: "key skew is a producer design issue: more consumers cannot split one partition" },
  "lag.consumer_down": { decision: "escalate", severity: "sev2", owner: groupOwner, why: "no consumer is making progress for the group (none running, or members hung): its deployment must be restarted or fixed" },
  "lag.broker_saturated": { decision: "escalate", severity: "sev2", owner: platform, why: "brokers are saturated: capacity or load must be handled by the platform team" },
  "replication.under_replicated": { decision: "escalate", severity: "sev2", owner: platform, why: "replicas fell out of sync: a broker is down or slow, with data loss risk if another fails" },
  "replication.offline": { decision: "escalate", severity: "sev1", owner: platform, why: "partitions have no leader: writes and reads on them fail until a replica returns" },
  "dlq.schema_mismatch": { decision: "escalate", severity: "sev2", owner: producers, why: "records do not deserialize against the registered schemas; replay only after the schema or producer is fixed" },
  "dlq.business_logic": { decision: "escalate", severity: "sev3", owner: (f) => `owners of ${str(f.entities.topic || f.entities.dlqTopic)}`, why: "application rules rejected the records: the owning team decides what to do with them" },
  // Registered and breaking readers now: sev2. Only proposed (caught before deploy): sev3.
  "schema.incompatible_change": { decision: "escalate", severity: (f) => (f.entities.version === undefined ? "sev3" : "sev2"), owner: (f) => `owners of subject ${str(f.entities.subject)}`, why: "a schema change breaks readers: block or revert it; a producer is never auto-fixed" },
  "quality.volume_drop": { decision: "escalate", severity: "sev2", owner: producers, why: "a topic that normally flows stopped receiving writes: an upstream producer is down or stuck" },
  "quality.null_spike": { decision: "escalate", severity: "sev3", owner: producers, why: "records arrive with a field suddenly null or missing: a producer change or bug" },
  unknown: { decision: "escalate", severity: "sev3", owner: platform, why: "no known pattern explains the evidence" },
};

/**
 * The escalation severity a verdict gives a finding (or the verdict's default without one).
 * Records that retention deleted before their group read them are lost data: one level up.
 */
export function severityOf(verdict: Extract<Verdict, { decision: "escalate" }>, f: Diagnosis | undefined): Severity {
  const base = typeof verdict.severity === "function" ? (f ? verdict.severity(f) : "sev2") : verdict.severity;
  return Number(f?.entities.deletedUnread ?? 0) > 0 ? raise(base) : base;
}

const raise = (s: Severity): Severity => (s === "sev3" ? "sev2" : "sev1");

/**
 * add_partitions sized from the finding's measured rates (what the topic is written at, what one
 * consumer processes), never a fixed multiple. Without both rates there is no basis for a count:
 * no draft (the plan then escalates, saying no safe action could be proposed).
 */
function addPartitions(f: Diagnosis, why: string, verify: string): ActionDraft[] {
  const from = Number(f.entities.partitions);
  const producedPerSec = Number(f.entities.producedPerSec);
  const consumerCapacityPerSec = Number(f.entities.consumerCapacityPerSec);
  if (!Number.isInteger(from) || from < 1) return [];
  const to = partitionsNeeded({ producedPerSec, consumerCapacityPerSec }, from);
  if (to === null) return [];
  const members = f.entities.members === undefined ? undefined : Number(f.entities.members);
  const scaleOut = members !== undefined && members < to ? `; the group needs ${to} members to use them all (it runs ${members})` : "";
  return [draft("add_partitions", { topic: str(f.entities.topic), from, to, producedPerSec, consumerCapacityPerSec },
    `${why}. ${producedPerSec}/s written against about ${consumerCapacityPerSec}/s per consumer: ${to} partitions take ${perPartition(producedPerSec, to)}/s each, at most ${Math.round(HEADROOM * 100)}% of one consumer${scaleOut} (this changes key-to-partition mapping for new records)`,
    verify)];
}

/** The consumer settings that stop a storm depend on why members are evicted. */
function stormFix(f: Diagnosis): ActionDraft {
  const group = str(f.entities.group);
  const verify = "no rebalance for 15 minutes and the group stays Stable with the same member ids";
  if (f.entities.cause === "poll_interval") {
    const records = consumerNumber(f.entities, "max.poll.records");
    const interval = consumerNumber(f.entities, "max.poll.interval.ms");
    return draft("tune_consumer_config",
      { group, "max.poll.records": String(Math.max(1, Math.floor(records / 4))), "max.poll.interval.ms": String(interval * 2) },
      "processing one poll's batch outlasts max.poll.interval.ms, so members are evicted and rejoin; a quarter of the records per poll and twice the interval restore the headroom",
      verify);
  }
  if (f.entities.cause === "session_timeout") {
    const session = consumerNumber(f.entities, "session.timeout.ms");
    return draft("tune_consumer_config",
      { group, "session.timeout.ms": String(session * 2), "group.instance.id": "one stable id per instance (static membership)" },
      "pauses outlast session.timeout.ms, so the coordinator drops members; a longer session and static membership let a paused member keep its partitions",
      verify);
  }
  return draft("tune_consumer_config",
    { group, "partition.assignment.strategy": "org.apache.kafka.clients.consumer.CooperativeStickyAssignor", "group.instance.id": "one stable id per instance (static membership)" },
    "members keep joining and leaving; static membership and the cooperative assignor make each change cheap while the cause is investigated",
    verify);
}
