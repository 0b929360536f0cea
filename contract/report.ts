/**
 * `kafka-investigation/v1`: what an investigation concludes. `kafka-ops investigate --json`
 * prints exactly one of these; the library returns the same object. Fields beyond the
 * contract's are optional, as the contract requires of extensions.
 */
import { z } from "zod";
import { ActionKind, ActionStatus, AgentName, Decision, DiagnosisCode, Risk, Severity } from "./vocabulary.ts";

export const Evidence = z.strictObject({
  tool: z.string(),
  detail: z.string(),
});
export type Evidence = z.infer<typeof Evidence>;

/** What a finding is about: any of group, topic, partition, broker, subject, dlqTopic. */
export const Entities = z.record(z.string(), z.union([z.string(), z.number()]));
export type Entities = z.infer<typeof Entities>;

/**
 * Extension: a consumer group that reads a schema subject's topic, and the subject version it was
 * last seen with (a DLQ record it failed on, or a sampled record below its committed offset).
 */
export const SchemaReader = z.strictObject({
  subject: z.string(),
  topic: z.string(),
  group: z.string(),
  /** How the group is known to read the topic: its members' assignments, its committed offsets. */
  via: z.array(z.enum(["assignment", "offsets"])),
  /** The version of the newest record the group was seen with; absent when the recording holds none. */
  lastSeenVersion: z.number().int().optional(),
  /** Where: `dlq <topic-partition@offset>` or `sample <topic-partition@offset>`, and when. */
  lastSeenIn: z.string().optional(),
  lastSeenAt: z.string().optional(),
});
export type SchemaReader = z.infer<typeof SchemaReader>;

export const Diagnosis = z.strictObject({
  code: DiagnosisCode,
  agent: AgentName,
  confidence: z.number().min(0).max(1),
  summary: z.string(),
  entities: Entities,
  evidence: z.array(Evidence),
  /** Extension: codes of other findings this one explains (set by incident-debugging). */
  explains: z.array(DiagnosisCode).optional(),
  /** Extension: "model" when an LLM proposed this finding (validated against the tool results); absent for the rules'. */
  origin: z.enum(["rules", "model"]).optional(),
  /** Extension: for a schema change, the consumer groups that read the subject's topics (set by the Schema Evolution agent). */
  readers: z.array(SchemaReader).optional(),
});
export type Diagnosis = z.infer<typeof Diagnosis>;

/** An executor's dry run: the effect, the warnings, and the reading the apply step re-checks first. */
export const DryRunOutput = z.strictObject({
  at: z.string(),
  /** One line per change, with before and after values read from the cluster. */
  effect: z.array(z.string()),
  warnings: z.array(z.string()),
  /** Set when the action must not run as it stands (members still active, nothing to change...). */
  refusal: z.string().optional(),
  /** The reading the runner takes again right before applying; if it differs, the action is aborted (the cluster changed since this dry run). */
  precondition: z.unknown().optional(),
});
export type DryRunOutput = z.infer<typeof DryRunOutput>;

export const ApprovalRecord = z.strictObject({
  decision: z.enum(["approved", "rejected"]),
  by: z.string(),
  at: z.string(),
  reason: z.string().optional(),
  /** "policy" when the policy allowed it unattended (`--mode auto`), else "human". */
  via: z.enum(["human", "policy"]).optional(),
});
export type ApprovalRecord = z.infer<typeof ApprovalRecord>;

export const VerificationResult = z.strictObject({
  at: z.string(),
  ok: z.boolean(),
  detail: z.string(),
});
export type VerificationResult = z.infer<typeof VerificationResult>;

export const Action = z.strictObject({
  kind: ActionKind,
  risk: Risk,
  requiresApproval: z.boolean(),
  status: ActionStatus,
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.array(z.number())])),
  rationale: z.string(),
  /** Extension: how to check afterwards that the action worked. */
  verify: z.string().optional(),
  /** Extension: what exactly the action would change, read from the cluster when the dry run ran. */
  dryRun: DryRunOutput.optional(),
  /** Extension: who approved or rejected it, when, and why (the approval gate's record). */
  approval: ApprovalRecord.optional(),
  /** Extension: when the action was applied (ISO 8601). */
  appliedAt: z.string().optional(),
  /** Extension: what applying it printed, or why it failed or was refused. */
  output: z.array(z.string()).optional(),
  /** Extension: whether the action had its intended effect, re-read from the cluster after a settle time. */
  verification: VerificationResult.optional(),
  /** Extension: how to undo it, or why it cannot be undone (partitions cannot be removed). */
  rollback: z.string().optional(),
});
export type Action = z.infer<typeof Action>;



export const Escalation = z.strictObject({
  severity: Severity,
  reason: z.string(),
  owner: z.string(),
  /** Extension: what the on-call human needs first: what was read, what could not be. */
  context: z.array(z.string()).optional(),
});
export type Escalation = z.infer<typeof Escalation>;

export const ToolCall = z.strictObject({
  agent: AgentName,
  tool: z.string(),
  ms: z.number().min(0),
  ok: z.boolean(),
  /** Extension: "notRecorded" / "unavailable" when the read had no data, with what was missing. */
  outcome: z.enum(["ok", "notRecorded", "unavailable", "error"]).optional(),
  note: z.string().optional(),
});
export type ToolCall = z.infer<typeof ToolCall>;

export const TimelineEntry = z.strictObject({ at: z.string(), event: z.string(), source: z.string() });
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const BlastRadius = z.strictObject({
  groups: z.array(z.string()),
  topics: z.array(z.string()),
  subjects: z.array(z.string()),
  brokers: z.array(z.number()),
  /** Extension: the readers of the schema subjects reached, with the versions they were last seen with. */
  readers: z.array(SchemaReader).optional(),
});
export type BlastRadius = z.infer<typeof BlastRadius>;

/** Extension: what the LLM did in an investigation, when one took part. */
export const LlmUsage = z.strictObject({
  /** Model name, or a label such as "scripted responder (not a model)". */
  model: z.string(),
  calls: z.number().int().min(0),
  promptTokens: z.number().int().min(0),
  completionTokens: z.number().int().min(0),
  totalTokens: z.number().int().min(0),
  /** What happened that a reader must know: fallbacks to the rules, dropped output, budget stops. */
  notes: z.array(z.string()),
  /** The model's account of the incident (validated; the decision and actions stay the rules'). */
  narrative: z.string().optional(),
  /** Wall time spent waiting for the model. */
  ms: z.number().min(0).optional(),
});
export type LlmUsage = z.infer<typeof LlmUsage>;

/** Extension: a threshold configured away from its default, and where it applied. */
export const ThresholdInForce = z.strictObject({
  /** Catalog key, "area.name" (kafka-ops thresholds lists them). */
  key: z.string(),
  value: z.number(),
  default: z.number(),
  /** The override's selectors as configured (globs or /regex/); empty: everywhere. */
  scope: z.strictObject({ topic: z.string().optional(), group: z.string().optional() }),
});
export type ThresholdInForce = z.infer<typeof ThresholdInForce>;

/** Extension: one consumer-group partition as the partition window judged it. */
export const PartitionLagView = z.strictObject({
  topic: z.string(),
  partition: z.number(),
  /** The partition window's status (docs/partition-window.md). */
  status: z.enum(["ok", "idle", "catching_up", "growing", "stalled", "stopped", "rewind", "no_offsets"]),
  /** Records behind the log end in the latest sample; null when the group never committed. */
  lag: z.number().nullable(),
  /** Seconds behind the log end, interpolated from the window's log-end history; null when it cannot be estimated. */
  lagSeconds: z.number().nullable(),
  /** lagSeconds was extrapolated past the window's oldest log end. */
  lagSecondsExtrapolated: z.boolean(),
  /** Seconds to reach the log end at current rates; null when not shrinking. */
  timeToCatchUpSec: z.number().nullable(),
  /** Member that owns it in the latest sample. */
  owner: z.string().nullable(),
  /** Extension: records behind per sample of the window (the group's `samples`); null where unknown. */
  lagBySample: z.array(z.number().nullable()).optional(),
  /** Extension: seconds behind per sample of the window; null where it cannot be estimated. */
  lagSecondsBySample: z.array(z.number().nullable()).optional(),
});
export type PartitionLagView = z.infer<typeof PartitionLagView>;

/** Extension: a consumer group's lag per partition over the window. */
export const GroupLagView = z.strictObject({
  group: z.string(),
  /** Extension: the window's sample times, oldest first (what `lagBySample` is indexed by). */
  samples: z.array(z.string()).optional(),
  partitions: z.array(PartitionLagView),
});
export type GroupLagView = z.infer<typeof GroupLagView>;

export const Report = z.strictObject({
  format: z.literal("kafka-investigation/v1"),
  incidentId: z.string(),
  decision: Decision,
  primary: DiagnosisCode,
  diagnoses: z.array(Diagnosis),
  actions: z.array(Action),
  escalation: Escalation.nullable(),
  agents: z.array(AgentName),
  toolCalls: z.array(ToolCall),
  timings: z.looseObject({
    totalMs: z.number().min(0),
    /** Extension: wall time per graph node. */
    nodes: z.record(z.string(), z.number()).optional(),
  }),
  /** Extension: one-paragraph explanation of the root cause and how the findings connect. */
  rootCause: z.string().optional(),
  /** Extension: which groups, topics, subjects and brokers the root cause reaches. */
  blastRadius: BlastRadius.optional(),
  /** Extension: events in time order, from snapshots, schema registrations, DLQ and logs. */
  timeline: z.array(TimelineEntry).optional(),
  /** Extension: reads the agents wanted and the recording or cluster could not give. */
  missingEvidence: z.array(z.string()).optional(),
  /** Extension: model, LLM calls, token usage and notes, when an LLM took part. */
  llm: LlmUsage.optional(),
  /**
   * Extension: how the actions were handled. `mode` is what the caller asked for (propose: nothing
   * runs; dry-run: effects read from the cluster; approve: stops at the approval gate; auto: what
   * the policy allows runs unattended). `investigationId` names the checkpointed thread that
   * `kafka-ops approvals` resumes; `awaitingApproval` lists the action indexes (1-based) the gate holds.
   */
  remediation: z
    .strictObject({
      mode: z.enum(["propose", "dry-run", "approve", "auto"]),
      investigationId: z.string().optional(),
      awaitingApproval: z.array(z.number().int().min(1)).optional(),
      /** The policy file in force (path), when one was given. */
      policy: z.string().optional(),
      /** Where dry runs and applies act: "live cluster HOSTS", or "simulation on recorded incident ID (...)" for a replay. */
      target: z.string().optional(),
    })
    .optional(),
  /** Extension: thresholds that were not at their defaults (config file overrides); absent when none. */
  thresholds: z.array(ThresholdInForce).optional(),
  /** Extension: every observed consumer group's lag per partition, in records and in seconds, with its window status. */
  lag: z.array(GroupLagView).optional(),
});
export type Report = z.infer<typeof Report>;
