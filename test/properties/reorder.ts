/**
 * Reordering everything whose order carries no meaning: topics, partitions within a topic,
 * groups, members, a member's assignment, the topic keys of offset maps and of every other
 * map keyed by name, brokers, the online-broker, ISR and offline-replica lists, log lines, DLQ
 * and sampled records, subjects, alert labels and record headers.
 *
 * Kept in order: snapshots (time), a partition's replica list (its first replica is the
 * preferred leader) and a subject's versions (the registry lists them oldest first). Partition
 * keys of offset maps cannot be reordered in JavaScript (integer-like keys always iterate in
 * numeric order), so they are not.
 */
import type { Incident } from "../../contract/incident.ts";
import { Rng } from "../../fixtures/generator/prng.ts";

export function reorder(incident: Incident, seed: number): Incident {
  const rng = new Rng(`reorder/${seed}`);
  const shuffle = <T,>(xs: T[]): T[] => rng.shuffle(xs);
  const shuffleKeys = <V,>(o: Record<string, V>): Record<string, V> => Object.fromEntries(shuffle(Object.entries(o)));

  for (const s of incident.snapshots) {
    s.topics = shuffle(s.topics);
    for (const t of s.topics) {
      t.partitions = shuffle(t.partitions);
      for (const p of t.partitions) {
        p.isr = shuffle(p.isr);
        p.offlineReplicas = shuffle(p.offlineReplicas);
      }
    }
    s.groups = shuffle(s.groups);
    for (const g of s.groups) {
      g.members = shuffle(g.members);
      for (const m of g.members) m.assignment = Object.fromEntries(shuffle(Object.entries(m.assignment)).map(([t, ps]) => [t, shuffle(ps)]));
      g.offsets = shuffleKeys(g.offsets);
    }
    if (s.brokersOnline) s.brokersOnline = shuffle(s.brokersOnline);
    if (s.clientMetrics) s.clientMetrics = shuffleKeys(s.clientMetrics);
  }
  incident.brokers = shuffle(incident.brokers);
  if (incident.schemaRegistry) {
    incident.schemaRegistry.subjects = shuffle(incident.schemaRegistry.subjects);
  }
  const records = (byTopic: NonNullable<Incident["dlq"]>) => {
    const out = shuffleKeys(byTopic);
    for (const [topic, rs] of Object.entries(out)) out[topic] = shuffle(rs).map((r) => ({ ...r, headers: shuffleKeys(r.headers) }));
    return out;
  };
  if (incident.dlq) incident.dlq = records(incident.dlq);
  if (incident.samples) incident.samples = records(incident.samples);
  if (incident.logs) incident.logs = shuffle(incident.logs);
  if (incident.clientConfigs) incident.clientConfigs = shuffleKeys(incident.clientConfigs);
  if (incident.topicConfigs) incident.topicConfigs = shuffleKeys(incident.topicConfigs);
  if (incident.alert) incident.alert.labels = shuffleKeys(incident.alert.labels);
  return incident;
}
