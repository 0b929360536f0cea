/**
 * The replay adapter: serves every port from a recorded incident. A read the recording lacks
 * answers `notRecorded`, which agents treat as missing evidence.
 */
import type { Incident } from "../../contract/incident.ts";
import { checkWithReferences } from "../../tools/schema/lib/references.ts";
import { notRecorded, ok, type Ports, type Readout, type Sampled, type SubjectVersion } from "../ports.ts";

export function replayPorts(incident: Incident): Ports {
  const { snapshots } = incident;
  const series = <T>(pick: (s: Incident["snapshots"][number]) => T): Sampled<T>[] =>
    snapshots.map((s) => ({ at: s.at, value: pick(s) }));
  // Built once: every tool call of an investigation then sees the same arrays (and the
  // indexes tools memoize over them).
  const topicSeries = series((s) => s.topics);
  const groupSeries = series((s) => s.groups);
  const present = <T>(value: T | undefined, what: string): Readout<T> => (value === undefined ? notRecorded(what) : ok(value));
  const subjects = incident.schemaRegistry?.subjects;
  // A referenced version: from the recorded subjects, else from the versions recorded only
  // because something references them.
  const schemaVersion = async (subject: string, version: number): Promise<Readout<SubjectVersion>> => {
    const v = subjects?.find((s) => s.subject === subject)?.versions.find((x) => x.version === version);
    if (v) return ok({ subject, version, id: v.id, schemaType: v.schemaType, schema: v.schema, ...(v.references && { references: v.references }) });
    const r = incident.schemaRegistry?.referenced?.find((x) => x.subject === subject && x.version === version);
    if (r) return ok(r);
    return notRecorded(`version ${version} of schema registry subject ${subject}`, { entity: { subject } });
  };

  return {
    metadata: {
      brokers: async () => (incident.brokers.length ? ok(incident.brokers) : notRecorded("broker list")),
      cluster: async () =>
        ok(series((s) => ({ controllerId: s.controllerId ?? null, brokersOnline: s.brokersOnline ?? null }))),
      topics: async () => ok(topicSeries),
      flavor: async () => incident.cluster.flavor,
    },
    groups: {
      groups: async () => ok(groupSeries),
    },
    configs: {
      topicConfigs: async (topic) => incident.topicConfigs?.[topic] ? ok(incident.topicConfigs[topic]) : notRecorded("configs", { entity: { topic } }),
      clientConfigs: async (group) => incident.clientConfigs?.[group] ? ok(incident.clientConfigs[group]) : notRecorded("consumer configs", { entity: { group } }),
    },
    metrics: {
      brokerMetrics: async () =>
        snapshots.some((s) => s.brokerMetrics)
          ? ok(series((s) => s.brokerMetrics ?? {}))
          : notRecorded("broker metrics"),
      clientMetrics: async (group) => {
        const samples = snapshots.filter((s) => s.clientMetrics?.[group]);
        return samples.length
          ? ok(samples.map((s) => ({ at: s.at, value: s.clientMetrics![group]! })))
          : notRecorded("client metrics", { entity: { group } });
      },
    },
    registry: {
      subjects: async () => present(subjects, "schema registry subjects"),
      proposed: async () => present(incident.schemaRegistry?.proposed, "proposed schemas"),
      schemaVersion,
      testCompatibility: async ({ subject, schemaType, schema, references, level, beforeVersion }) => {
        const recorded = subjects?.find((s) => s.subject === subject);
        if (!recorded) return notRecorded(`schema registry subject ${subject}`);
        const effective = level ?? recorded.compatibility;
        const before = recorded.versions.filter((v) => beforeVersion === undefined || v.version < beforeVersion).sort((a, b) => a.version - b.version);
        // Only the versions the level checks against need their references resolved.
        const existing = effective.endsWith("_TRANSITIVE") ? before : before.slice(-1);
        return checkWithReferences({ schemaType, candidate: schema, candidateReferences: references, existing, level: effective }, schemaVersion);
      },
    },
    records: {
      dlqTopics: async () => present(incident.dlq && Object.keys(incident.dlq), "DLQ topics"),
      peekDlq: async (topic, limit) => {
        const records = incident.dlq?.[topic];
        return records ? ok(records.slice(-limit)) : notRecorded(`records of DLQ topic ${topic}`);
      },
      sample: async (topic, limit) => {
        const records = incident.samples?.[topic];
        return records ? ok(records.slice(-limit)) : notRecorded(`sampled records of topic ${topic}`);
      },
      sampledTopics: async () => present(incident.samples && Object.keys(incident.samples), "topic samples"),
    },
    logs: {
      logs: async () => present(incident.logs, "logs"),
    },
  };
}
