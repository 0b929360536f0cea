import { z } from "zod";
import type { RecordSample } from "../../contract/incident.ts";
import { defineTool, passThrough } from "../define-tool.ts";
import { subjectReaders } from "./lib/readers.ts";

const LastSeen = z.object({
  version: z.number(),
  schemaId: z.number(),
  source: z.enum(["dlq", "sample"]).describe("a DLQ record the group failed on, or a sampled record it read past"),
  record: z.string().describe("topic-partition@offset"),
  at: z.string(),
});

export const schemaReaders = defineTool({
  name: "schema_readers",
  description:
    "Who reads a Schema Registry subject: its topics (subject name strategy), the consumer groups reading them (assignments, committed offsets), and the subject versions each group was last seen with (Confluent wire-format schema ids in DLQ records and topic samples).",
  input: z.object({
    subject: z.string().describe("registry subject, e.g. orders-value"),
    limit: z.number().int().min(1).max(5000).default(500).describe("records read per DLQ or data topic, newest"),
  }),
  output: z.object({
    subject: z.string(),
    topics: z.array(z.object({ topic: z.string(), via: z.enum(["recording", "topic-name", "topic-record-name", "schema-ids"]) })),
    readers: z.array(
      z.object({
        group: z.string(),
        topic: z.string(),
        via: z.array(z.enum(["assignment", "offsets"])),
        lastSeen: LastSeen.optional(),
        versionsSeen: z.array(z.number()),
      }),
    ),
  }),
  async run(ports, input) {
    const [subjects, topics, groups, dlqTopics, sampledTopics] = await Promise.all([
      ports.registry.subjects(),
      ports.metadata.topics(),
      ports.groups.groups(),
      ports.records.dlqTopics(),
      ports.records.sampledTopics(),
    ]);
    if (subjects.kind !== "ok") return passThrough(subjects);
    const subject = subjects.value.find((s) => s.subject === input.subject);
    if (!subject) return { kind: "notRecorded", what: `schema registry subject ${input.subject}`, entity: { subject: input.subject } };
    if (groups.kind !== "ok") return passThrough(groups);
    const topicNames = topics.kind === "ok" ? [...new Set(topics.value.flatMap((s) => s.value.map((t) => t.name)))] : undefined;

    // Records are evidence only: a DLQ or topic that cannot be read leaves its versions unknown.
    const read = async (names: string[], fn: (t: string) => ReturnType<typeof ports.records.sample>) => {
      const out: Record<string, RecordSample[]> = {};
      for (const [t, r] of await Promise.all(names.map(async (t) => [t, await fn(t)] as const))) if (r.kind === "ok") out[t] = r.value;
      return out;
    };
    const byName = /^(.+)-(value|key)$/.exec(subject.subject)?.[1];
    const toSample = new Set([...(sampledTopics.kind === "ok" ? sampledTopics.value : []), ...(subject.topics ?? []), ...(byName !== undefined ? [byName] : [])]);
    const [dlq, samples] = await Promise.all([
      read(dlqTopics.kind === "ok" ? dlqTopics.value : [], (t) => ports.records.peekDlq(t, input.limit)),
      read([...toSample].filter((t) => topicNames === undefined || topicNames.includes(t)), (t) => ports.records.sample(t, input.limit)),
    ]);
    const { topics: subjectTopics, readers } = subjectReaders({ subject, topics: topicNames, groups: groups.value, dlq, samples });
    const said = readers.map((r) => `${r.group}${r.lastSeen ? ` (last seen with version ${r.lastSeen.version})` : ""}`);
    return {
      kind: "ok",
      value: { subject: subject.subject, topics: subjectTopics, readers },
      summary: `${subject.subject}: topics ${subjectTopics.map((t) => t.topic).join(", ") || "(none known)"}; readers ${said.join(", ") || "(none)"}`,
    };
  },
});
