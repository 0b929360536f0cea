/**
 * Who reads a subject: the topics its records go to (from the subject name strategy), the
 * consumer groups that read those topics (group assignments and committed offsets), and, where
 * the recording holds records in the Confluent wire format (magic byte 0, then the 4-byte
 * big-endian schema id), the subject versions each group was last seen with:
 *
 * - a DLQ record whose headers name the group (Spring `kafka_dlt-original-consumer-group`, or a
 *   Kafka Connect sink's connector, whose group is `connect-<connector>`) and the topic: the group
 *   failed on a record written with that version;
 * - a sampled record of the topic below the group's committed offset on its partition: the group
 *   has read past it.
 *
 * Topics, by strategy (Confluent's `*.subject.name.strategy`):
 * - TopicNameStrategy: `<topic>-value` / `<topic>-key`;
 * - TopicRecordNameStrategy: `<topic>-<record full name>`, the record name being one the
 *   subject's schemas declare, and `<topic>` a topic the cluster has;
 * - RecordNameStrategy (`<record full name>`): the topics the recording maps the subject to
 *   (`subjects[].topics`), else the topics whose recorded records carry one of its schema ids
 *   (ids are shared between subjects that hold the same schema, so this evidence is used only
 *   when the name says nothing).
 *
 * Record values, keys and headers are untrusted: they are decoded, never followed. A group named
 * only by a DLQ header is never made a reader: readers come from the cluster's group state.
 */
import protobuf from "protobufjs";
import type { Group, RecordSample, Subject } from "../../../contract/incident.ts";
import type { Sampled } from "../../../ports/ports.ts";
import { parseDlqHeaders } from "../../dlq/lib/error-headers.ts";

export type TopicSource = "recording" | "topic-name" | "topic-record-name" | "schema-ids";

export interface SubjectTopic {
  topic: string;
  via: TopicSource;
}

export interface LastSeen {
  version: number;
  schemaId: number;
  /** Where the record was read: a DLQ record the group failed on, or a sampled record it read past. */
  source: "dlq" | "sample";
  /** `topic-partition@offset` of the record read. */
  record: string;
  at: string;
}

export interface SubjectReader {
  group: string;
  topic: string;
  /** How the group is known to read the topic. */
  via: ("assignment" | "offsets")[];
  /** The newest record the group was seen with, when the recording holds one. */
  lastSeen?: LastSeen;
  /** Every version of the subject the group was seen with, oldest first. */
  versionsSeen: number[];
}

export interface ReadersInput {
  subject: Subject;
  /** Topic names the cluster has; undefined when not read (then a name strategy is taken at its word). */
  topics: readonly string[] | undefined;
  groups: readonly Sampled<Group[]>[];
  /** DLQ topic -> records read. */
  dlq: Readonly<Record<string, readonly RecordSample[]>>;
  /** Data topic -> sampled records. */
  samples: Readonly<Record<string, readonly RecordSample[]>>;
}

export interface Readers {
  topics: SubjectTopic[];
  readers: SubjectReader[];
}

export function subjectReaders(input: ReadersInput): Readers {
  const { subject } = input;
  const isKey = subject.subject.endsWith("-key");
  const versionOfId = new Map(subject.versions.map((v) => [v.id, v.version]));
  const topics = subjectTopics(input, versionOfId, isKey);
  const readers: SubjectReader[] = [];
  for (const { topic } of topics) {
    for (const [group, via] of readersOf(input.groups, topic)) {
      const seen = [...dlqSightings(input.dlq, topic, group, versionOfId, isKey), ...sampleSightings(input, topic, group, versionOfId, isKey)];
      seen.sort((a, b) => a.at.localeCompare(b.at) || a.version - b.version);
      const last = seen.at(-1);
      readers.push({ group, topic, via, ...(last && { lastSeen: last }), versionsSeen: [...new Set(seen.map((s) => s.version))].sort((a, b) => a - b) });
    }
  }
  readers.sort((a, b) => a.group.localeCompare(b.group) || a.topic.localeCompare(b.topic));
  return { topics, readers };
}

function subjectTopics(input: ReadersInput, versionOfId: Map<number, number>, isKey: boolean): SubjectTopic[] {
  const { subject, topics: known } = input;
  const exists = (t: string) => known === undefined || known.includes(t);
  if (subject.topics?.length) return [...new Set(subject.topics)].map((topic) => ({ topic, via: "recording" }));
  const topicName = /^(.+)-(value|key)$/.exec(subject.subject)?.[1];
  if (topicName !== undefined && exists(topicName)) return [{ topic: topicName, via: "topic-name" }];
  const names = recordNames(subject);
  const byRecordName = (known ?? [])
    .filter((t) => subject.subject.startsWith(`${t}-`) && names.has(subject.subject.slice(t.length + 1)))
    .map((topic): SubjectTopic => ({ topic, via: "topic-record-name" }));
  if (byRecordName.length) return byRecordName;
  // RecordNameStrategy with no map: the topics whose records carry this subject's ids.
  const carrying = new Set<string>();
  for (const [topic, records] of Object.entries(input.samples)) {
    if (records.some((r) => versionOfId.has(schemaIdOf(r, isKey) ?? -1))) carrying.add(topic);
  }
  for (const records of Object.values(input.dlq)) {
    for (const r of records) {
      const original = parseDlqHeaders(r.headers).originalTopic;
      if (original !== undefined && versionOfId.has(schemaIdOf(r, isKey) ?? -1)) carrying.add(original);
    }
  }
  if (carrying.size) return [...carrying].filter(exists).sort().map((topic) => ({ topic, via: "schema-ids" }));
  // Nothing known about the topics: the name as TopicNameStrategy would read it, if it reads as one.
  return topicName !== undefined ? [{ topic: topicName, via: "topic-name" }] : [];
}

/** Groups that read `topic` in any sample of the window, with how. */
function readersOf(samples: readonly Sampled<Group[]>[], topic: string): Map<string, ("assignment" | "offsets")[]> {
  const out = new Map<string, Set<"assignment" | "offsets">>();
  const add = (group: string, via: "assignment" | "offsets") => {
    let s = out.get(group);
    if (!s) out.set(group, (s = new Set()));
    s.add(via);
  };
  for (const { value } of samples) {
    for (const g of value) {
      if (g.members.some((m) => (m.assignment[topic]?.length ?? 0) > 0)) add(g.groupId, "assignment");
      if (g.offsets[topic] && Object.keys(g.offsets[topic]).length) add(g.groupId, "offsets");
    }
  }
  const order = ["assignment", "offsets"] as const;
  return new Map([...out].map(([g, s]) => [g, order.filter((v) => s.has(v))]));
}

function dlqSightings(
  dlq: ReadersInput["dlq"],
  topic: string,
  group: string,
  versionOfId: Map<number, number>,
  isKey: boolean,
): LastSeen[] {
  const out: LastSeen[] = [];
  for (const [dlqTopic, records] of Object.entries(dlq)) {
    for (const r of records) {
      const h = parseDlqHeaders(r.headers);
      if (h.originalTopic !== topic) continue;
      const failedGroup = h.consumerGroup ?? (h.connector !== undefined ? `connect-${h.connector}` : undefined);
      if (failedGroup !== group) continue;
      const id = schemaIdOf(r, isKey);
      const version = id === undefined ? undefined : versionOfId.get(id);
      if (id === undefined || version === undefined) continue;
      out.push({ version, schemaId: id, source: "dlq", record: `${dlqTopic}-${r.partition}@${r.offset}`, at: h.originalTimestamp ?? r.timestamp });
    }
  }
  return out;
}

function sampleSightings(input: ReadersInput, topic: string, group: string, versionOfId: Map<number, number>, isKey: boolean): LastSeen[] {
  const records = input.samples[topic];
  if (!records?.length) return [];
  // The group's committed offsets on the topic in the newest sample that has them.
  let committed: Record<string, string> | undefined;
  for (const { value } of input.groups) {
    const offsets = value.find((g) => g.groupId === group)?.offsets[topic];
    if (offsets && Object.keys(offsets).length) committed = offsets;
  }
  if (!committed) return [];
  // Per partition, the highest-offset record below the committed offset: the last one read.
  const last = new Map<number, RecordSample>();
  for (const r of records) {
    const c = committed[String(r.partition)];
    if (c === undefined || BigInt(r.offset) >= BigInt(c)) continue;
    const prev = last.get(r.partition);
    if (!prev || BigInt(r.offset) > BigInt(prev.offset)) last.set(r.partition, r);
  }
  const out: LastSeen[] = [];
  for (const r of last.values()) {
    const id = schemaIdOf(r, isKey);
    const version = id === undefined ? undefined : versionOfId.get(id);
    if (id !== undefined && version !== undefined) out.push({ version, schemaId: id, source: "sample", record: `${topic}-${r.partition}@${r.offset}`, at: r.timestamp });
  }
  return out;
}

/**
 * The schema id of a record in the Confluent wire format, or undefined. Values are recorded as
 * base64 with the header `x-encoding: base64` when binary; keys (and header values) as
 * `base64:<base64>`. Text is never wire format (its first byte is not 0).
 */
export function schemaIdOf(record: RecordSample, key = false): number | undefined {
  const text = key ? record.key : record.value;
  if (text === null) return undefined;
  let bytes: Buffer;
  if (key) {
    if (!text.startsWith("base64:")) return undefined;
    bytes = Buffer.from(text.slice("base64:".length), "base64");
  } else {
    if (record.headers["x-encoding"] !== "base64") return undefined;
    bytes = Buffer.from(text, "base64");
  }
  return bytes.length >= 5 && bytes[0] === 0 ? bytes.readUInt32BE(1) : undefined;
}

/** Full names of the records a subject's schemas declare (what record-name strategies put in a subject name). */
function recordNames(subject: Subject): Set<string> {
  const out = new Set<string>();
  for (const v of subject.versions) {
    try {
      if (v.schemaType === "PROTOBUF") {
        const parsed = protobuf.parse(v.schema, { keepCase: true });
        const ns = parsed.package ? parsed.root.lookup(parsed.package) : parsed.root;
        for (const t of (ns as protobuf.Namespace | null)?.nestedArray ?? []) {
          if (t instanceof protobuf.Type) out.add(parsed.package ? `${parsed.package}.${t.name}` : t.name);
        }
      } else {
        const json = JSON.parse(v.schema) as { type?: unknown; name?: unknown; namespace?: unknown; title?: unknown };
        if (v.schemaType === "JSON" && typeof json.title === "string") out.add(json.title);
        if (v.schemaType === "AVRO" && typeof json.name === "string") {
          out.add(json.name.includes(".") || typeof json.namespace !== "string" || !json.namespace ? json.name : `${json.namespace}.${json.name}`);
        }
      }
    } catch {
      // A schema that does not parse declares no name here; the checkers say why it does not parse.
    }
  }
  return out;
}
