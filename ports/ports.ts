/**
 * Ports: what the tools need to read from a Kafka estate, as interfaces. A replay adapter
 * serves them from a recorded incident; a live adapter from kafkajs and the Schema Registry.
 * Tools never know which one they hold.
 *
 * Cluster state is read as a series of samples (oldest first), because every useful lag or
 * rebalance judgement is about change over a window, not one reading.
 */
import type {
  Broker,
  BrokerMetrics,
  ClientMetrics,
  Group,
  LogLine,
  ProposedSchema,
  RecordSample,
  SchemaReference,
  Subject,
  Topic,
} from "../contract/incident.ts";
import type { ClusterFlavor, CompatibilityLevel, SchemaType } from "../contract/vocabulary.ts";
import type { Fault } from "./faults.ts";

/**
 * What kind of gap a read left: no such data (`notRecorded`), or a failure, as precisely as the
 * source could tell (`timeout`, `unreachable`, `notKafka`, `unauthorized`, else `unavailable`).
 */
export type FaultKind = "notRecorded" | "unavailable" | "timeout" | "unreachable" | "notKafka" | "unauthorized";
/** The kinds a failed (not merely unrecorded) read can have. */
export type FailureKind = Exclude<FaultKind, "notRecorded">;

/** What a read was about: the entity a missing-evidence line names. */
export interface FaultEntity {
  group?: string;
  topic?: string;
  /** "host:port" or a broker id. */
  broker?: string;
  subject?: string;
}

/** The optional detail of a read that did not answer. */
export interface GapDetail {
  /**
   * The entity the read was about. When given, `what` names the kind of data only ("client
   * metrics"), and the entity is said once, by whoever renders the gap ("... of group a").
   */
  entity?: FaultEntity;
  /** Why there is no such data (notRecorded), e.g. "no Prometheus configured". */
  reason?: string;
}

export interface FailureDetail {
  entity?: FaultEntity;
  /** What kind of failure; `unavailable` when absent. */
  cause?: FailureKind;
  /** Whether the same read could succeed if tried again; false when absent. */
  retriable?: boolean;
}

/** A read either answers, or says why it could not: a value the caller must handle, not an exception. */
export type Readout<T> =
  | { kind: "ok"; value: T }
  /** The recording (or the cluster's setup) has no such data: missing evidence, not a fault. */
  | ({ kind: "notRecorded"; what: string } & GapDetail)
  /** The source was there but failed (broker gone, registry 5xx, deadline). */
  | ({ kind: "unavailable"; what: string; reason: string } & FailureDetail);

export const ok = <T>(value: T): Readout<T> => ({ kind: "ok", value });
export const notRecorded = <T>(what: string, detail: GapDetail = {}): Readout<T> => ({ kind: "notRecorded", what, ...detail });
export const unavailable = <T>(what: string, reason: string, detail: FailureDetail = {}): Readout<T> => ({ kind: "unavailable", what, reason, ...detail });

/** One reading taken at a point in time. */
export interface Sampled<T> {
  at: string;
  value: T;
}

export interface ClusterSample {
  controllerId: number | null;
  /** Broker ids that answered; null when not recorded (then assume all did). */
  brokersOnline: number[] | null;
}

export interface MetadataPort {
  brokers(): Promise<Readout<Broker[]>>;
  cluster(): Promise<Readout<Sampled<ClusterSample>[]>>;
  /** Every topic with its partitions (leaders, replicas, ISR, start/end offsets), per sample. */
  topics(): Promise<Readout<Sampled<Topic[]>[]>>;
  /**
   * The platform the cluster runs on (config/flavors.ts): the recording's `cluster.flavor`, or in
   * live mode `kafka.flavor` / what the bootstrap hosts say. Absent: unknown (Apache Kafka's operations).
   */
  flavor?(): Promise<ClusterFlavor>;
}

export interface GroupPort {
  /** Every group's state, members, assignments and committed offsets, per sample. */
  groups(): Promise<Readout<Sampled<Group[]>[]>>;
}

export interface ConfigPort {
  topicConfigs(topic: string): Promise<Readout<Record<string, string>>>;
  clientConfigs(group: string): Promise<Readout<Record<string, string>>>;
}

export interface MetricsPort {
  brokerMetrics(): Promise<Readout<Sampled<Record<string, BrokerMetrics>>[]>>;
  clientMetrics(group: string): Promise<Readout<Sampled<ClientMetrics>[]>>;
}

export interface CompatibilityAnswer {
  compatible: boolean;
  /** Why not, one line a problem, naming the field. */
  messages: string[];
  /** Versions the candidate was checked against. */
  checkedAgainst: number[];
}

/** One version of a subject, as read to resolve a reference to it. */
export interface SubjectVersion {
  subject: string;
  version: number;
  id?: number;
  schemaType: SchemaType;
  schema: string;
  references?: SchemaReference[];
}

export interface RegistryPort {
  subjects(): Promise<Readout<Subject[]>>;
  /** Schemas about to be registered (a pre-deploy check). */
  proposed(): Promise<Readout<ProposedSchema[]>>;
  /** One version of a subject (what a reference names); notRecorded when there is no such version. */
  schemaVersion(subject: string, version: number): Promise<Readout<SubjectVersion>>;
  /**
   * Tests a schema against a subject under the given (or the subject's own) compatibility level.
   * References (the candidate's and every version's) are resolved through `schemaVersion`.
   */
  testCompatibility(args: {
    subject: string;
    schemaType: SchemaType;
    schema: string;
    /** The candidate's references to other subjects' versions. */
    references?: SchemaReference[];
    level?: CompatibilityLevel;
    /** Check against the versions registered before this one only (to judge a registered version). */
    beforeVersion?: number;
  }): Promise<Readout<CompatibilityAnswer>>;
}

export interface RecordPort {
  /** Topics known to hold dead letters. */
  dlqTopics(): Promise<Readout<string[]>>;
  /** Recent records of a DLQ topic, read without joining any group. */
  peekDlq(topic: string, limit: number): Promise<Readout<RecordSample[]>>;
  /** Recent records of a data topic, for quality checks. */
  sample(topic: string, limit: number): Promise<Readout<RecordSample[]>>;
  sampledTopics(): Promise<Readout<string[]>>;
}

export interface LogPort {
  logs(): Promise<Readout<LogLine[]>>;
}

/** Everything the tools can read. */
export interface Ports {
  metadata: MetadataPort;
  groups: GroupPort;
  configs: ConfigPort;
  metrics: MetricsPort;
  registry: RegistryPort;
  records: RecordPort;
  logs: LogPort;
  /** Faults an adapter met outside any single read (a sampling window cut short); none when absent. */
  faults?(): Promise<Fault[]>;
}
