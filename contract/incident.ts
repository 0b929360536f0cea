/**
 * `kafka-incident/v1`: what the typed tools would have read from a cluster during an incident,
 * frozen so it can be replayed without one. This zod schema is the single source of truth;
 * the exported types are derived from it.
 */
import { z } from "zod";
import {
  ActionKind,
  AlertKind,
  ClusterFlavor,
  CompatibilityLevel,
  DiagnosisCode,
  Decision,
  GroupState,
  GroupType,
  ProtocolGroupState,
  SchemaType,
  Severity,
} from "./vocabulary.ts";

const INT64_MAX = 9223372036854775807n;

/** Offsets are int64, carried as decimal strings so JSON never rounds them. */
export const Offset = z
  .string()
  .regex(/^(0|[1-9][0-9]*)$/, "expected an offset as a decimal string of digits")
  // zod runs this refinement even when the regex failed: only digits may reach BigInt().
  .refine((s) => s.length < 19 || !/^[0-9]+$/.test(s) || BigInt(s) <= INT64_MAX, "offset exceeds int64");

export const Timestamp = z.iso.datetime({ message: "expected an ISO-8601 UTC timestamp such as 2026-11-02T03:00:00Z" });

const Id = z.string().regex(/^[a-z0-9._-]+$/, "expected an id of [a-z0-9._-]+");
const BrokerId = z.number().int().min(0);
const PartitionNo = z.number().int().min(0);
const Ratio = z.number().min(0).max(1);
const NonNegative = z.number().min(0);

export const Broker = z.strictObject({
  id: BrokerId,
  host: z.string(),
  port: z.number().int().min(0).max(65535),
  rack: z.string().optional(),
});

export const Partition = z.strictObject({
  partition: PartitionNo,
  /** -1 when the partition has no leader. */
  leader: z.number().int().min(-1),
  replicas: z.array(BrokerId),
  isr: z.array(BrokerId),
  offlineReplicas: z.array(BrokerId).default([]),
  startOffset: Offset,
  endOffset: Offset,
});

export const Topic = z.strictObject({
  name: z.string().min(1),
  internal: z.boolean().default(false),
  partitions: z.array(Partition),
});

export const Member = z.strictObject({
  memberId: z.string(),
  clientId: z.string().default(""),
  host: z.string().default(""),
  /** Static membership id, or null for dynamic members. */
  groupInstanceId: z.string().nullable().default(null),
  /** topic -> partitions assigned to this member. */
  assignment: z.record(z.string(), z.array(PartitionNo)).default({}),
  /**
   * Extension (consumer-protocol groups, KIP-848): the member's epoch (it catches up with the
   * group's assignment epoch as the member reconciles; a bump is normal, not a rebalance) and the
   * partitions the coordinator wants it to own (topic -> partitions; differs from `assignment`
   * while it reconciles).
   */
  memberEpoch: z.number().int().optional(),
  targetAssignment: z.record(z.string(), z.array(PartitionNo)).optional(),
});

export const Group = z.strictObject({
  groupId: z.string().min(1),
  state: GroupState,
  protocolType: z.string().default("consumer"),
  protocol: z.string().default(""),
  members: z.array(Member).default([]),
  /** Committed offsets (the next offset to read): topic -> partition -> offset. */
  offsets: z.record(z.string(), z.record(z.string().regex(/^[0-9]+$/, "expected a partition number"), Offset)).default({}),
  /**
   * Extension: the group's type (ListGroups v5). Absent: not known (a broker before Kafka 3.8, or
   * an older recording), read as classic. `consumer` groups were described with
   * ConsumerGroupDescribe; `streams` and `share` groups are listed only (no members, no offsets).
   */
  type: GroupType.optional(),
  /** Extension: the state in the group's own protocol's names, for groups that are not classic (`state` is its classic mapping). */
  groupState: ProtocolGroupState.optional(),
  /** Extension (consumer-protocol groups): the group epoch (bumped on every membership or subscription change) and the epoch of its target assignment. */
  groupEpoch: z.number().int().optional(),
  assignmentEpoch: z.number().int().optional(),
});

export const BrokerMetrics = z.strictObject({
  cpu: Ratio.optional(),
  diskUsed: Ratio.optional(),
  networkIn: Ratio.optional(),
  networkOut: Ratio.optional(),
  requestHandlerIdle: Ratio.optional(),
  underReplicatedPartitions: z.number().int().min(0).optional(),
});

export const ClientMetrics = z.strictObject({
  recordsConsumedPerSec: NonNegative.optional(),
  recordsFailedPerSec: NonNegative.optional(),
  commitsPerSec: NonNegative.optional(),
  pollIntervalMsMax: NonNegative.optional(),
  processingMsP99: NonNegative.optional(),
  gcPauseMsP99: NonNegative.optional(),
  rebalancesPerHour: NonNegative.optional(),
});

export const Snapshot = z.strictObject({
  at: Timestamp,
  controllerId: z.number().int().optional(),
  /** Broker ids that answered; a missing id is down. Absent: not recorded (assume all answered). */
  brokersOnline: z.array(BrokerId).optional(),
  topics: z.array(Topic).default([]),
  groups: z.array(Group).default([]),
  brokerMetrics: z.record(z.string().regex(/^[0-9]+$/, "expected a broker id"), BrokerMetrics).optional(),
  clientMetrics: z.record(z.string(), ClientMetrics).optional(),
});

export const Alert = z.strictObject({
  kind: AlertKind,
  summary: z.string(),
  labels: z.record(z.string(), z.string()).default({}),
  firedAt: Timestamp.optional(),
});

/**
 * Extension: a schema's reference to a version of another subject (Confluent's `references`).
 * `name` is what the schema itself uses: the import path (Protobuf), the named type's full name
 * (Avro), the `$ref` URI (JSON Schema).
 */
export const SchemaReference = z.strictObject({
  name: z.string().min(1),
  subject: z.string().min(1),
  version: z.number().int().min(1),
});

export const SchemaVersion = z.strictObject({
  version: z.number().int().min(1),
  id: z.number().int().min(0),
  schemaType: SchemaType.default("AVRO"),
  schema: z.string(),
  registeredAt: Timestamp.optional(),
  /** Extension: the subject versions this schema references; absent when none. */
  references: z.array(SchemaReference).optional(),
});

export const Subject = z.strictObject({
  subject: z.string().min(1),
  compatibility: CompatibilityLevel.default("BACKWARD"),
  versions: z.array(SchemaVersion),
  /**
   * Extension: the topics this subject's records are written to, when the subject name does not
   * say it (RecordNameStrategy subjects such as `com.acme.Order`); absent: read from the name.
   */
  topics: z.array(z.string().min(1)).optional(),
});

export const ProposedSchema = z.strictObject({
  subject: z.string().min(1),
  schemaType: SchemaType.default("AVRO"),
  schema: z.string(),
  /** Extension: the subject versions the proposed schema references. */
  references: z.array(SchemaReference).optional(),
});

/** Extension: a version of a subject that recorded schemas reference, kept when `subjects` lacks it. */
export const ReferencedSchema = z.strictObject({
  subject: z.string().min(1),
  version: z.number().int().min(1),
  id: z.number().int().min(0).optional(),
  schemaType: SchemaType.default("AVRO"),
  schema: z.string(),
  references: z.array(SchemaReference).optional(),
});

export const SchemaRegistry = z.strictObject({
  subjects: z.array(Subject).default([]),
  proposed: z.array(ProposedSchema).default([]),
  /** Extension: referenced subject versions that `subjects` does not hold (e.g. a soft-deleted version still referenced). */
  referenced: z.array(ReferencedSchema).optional(),
});

/** A record as read from a topic. Keys, values and headers are untrusted text. */
export const RecordSample = z.strictObject({
  partition: PartitionNo,
  offset: Offset,
  timestamp: Timestamp,
  key: z.string().nullable().default(null),
  value: z.string().nullable().default(null),
  headers: z.record(z.string(), z.string()).default({}),
});

export const LogLine = z.strictObject({
  at: Timestamp,
  source: z.string(),
  level: z.string(),
  message: z.string(),
});

export const Expected = z.strictObject({
  primary: DiagnosisCode,
  decision: Decision,
  actions: z.array(ActionKind).default([]),
  forbiddenActions: z.array(ActionKind).default([]),
  severity: Severity.optional(),
});

const config = z.record(z.string(), z.record(z.string(), z.string()));

const incidentShape = {
  format: z.literal("kafka-incident/v1"),
  id: Id,
  title: z.string(),
  cluster: z
    .strictObject({ id: z.string(), flavor: ClusterFlavor.default("unknown") })
    .default({ id: "unknown", flavor: "unknown" }),
  alert: Alert.optional(),
  brokers: z.array(Broker).default([]),
  snapshots: z.array(Snapshot).min(1, "expected at least one snapshot"),
  clientConfigs: config.optional(),
  topicConfigs: config.optional(),
  schemaRegistry: SchemaRegistry.optional(),
  dlq: z.record(z.string(), z.array(RecordSample)).optional(),
  samples: z.record(z.string(), z.array(RecordSample)).optional(),
  logs: z.array(LogLine).optional(),
  expected: Expected.optional(),
};

export const Incident = z
  .looseObject(incidentShape)
  .superRefine((incident, ctx) => {
    // Unknown top-level keys are errors, except the `x-` extension keys the contract reserves.
    for (const key of Object.keys(incident)) {
      if (!(key in incidentShape) && !key.startsWith("x-")) {
        ctx.addIssue({ code: "custom", path: [key], message: `unknown key "${key}" (extensions must start with "x-")` });
      }
    }
    let previous = -Infinity;
    incident.snapshots.forEach((snapshot, i) => {
      const at = Date.parse(snapshot.at);
      if (at < previous) {
        ctx.addIssue({ code: "custom", path: ["snapshots", i, "at"], message: "snapshots out of order: expected oldest first" });
      }
      previous = at;
    });
  });

export type Incident = z.infer<typeof Incident>;
export type IncidentInput = z.input<typeof Incident>;
export type Snapshot = z.infer<typeof Snapshot>;
export type Topic = z.infer<typeof Topic>;
export type Partition = z.infer<typeof Partition>;
export type Group = z.infer<typeof Group>;
export type Member = z.infer<typeof Member>;
export type Broker = z.infer<typeof Broker>;
export type BrokerMetrics = z.infer<typeof BrokerMetrics>;
export type ClientMetrics = z.infer<typeof ClientMetrics>;
export type Alert = z.infer<typeof Alert>;
export type Subject = z.infer<typeof Subject>;
export type SchemaVersion = z.infer<typeof SchemaVersion>;
export type ProposedSchema = z.infer<typeof ProposedSchema>;
export type SchemaReference = z.infer<typeof SchemaReference>;
export type ReferencedSchema = z.infer<typeof ReferencedSchema>;
export type RecordSample = z.infer<typeof RecordSample>;
export type LogLine = z.infer<typeof LogLine>;
export type Expected = z.infer<typeof Expected>;
