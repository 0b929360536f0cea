/**
 * `kafka-ops record`: freezes what the live ports read into a kafka-incident/v1 document, so
 * the same investigation can be replayed later, offline, with the same verdict.
 */
import type { Alert, IncidentInput, RecordSample } from "../../contract/incident.ts";
import { parseIncident } from "../../contract/parse.ts";
import type { Incident } from "../../contract/incident.ts";
import type { Settings } from "../../config/settings.ts";
import type { ClusterFlavor } from "../../contract/vocabulary.ts";
import { mapBounded } from "./bounded.ts";
import type { LiveSession } from "./live-ports.ts";
import { referencedVersions } from "./referenced-versions.ts";

const DLQ_RECORDS = 200;

export interface RecordOptions {
  id?: string;
  title?: string;
  alert?: Alert;
  /** Default: what the live session says (kafka.flavor, else the bootstrap hosts). */
  flavor?: ClusterFlavor;
}

export async function recordIncident(session: LiveSession, settings: Settings, options: RecordOptions = {}): Promise<Incident> {
  const window = await session.window();
  if (!window.snapshots.length) throw new Error(`no sample could be read: ${window.faults.join("; ")}`);
  const { ports } = session;
  const last = window.snapshots.at(-1)!;
  const userTopics = last.topics.filter((t) => !t.internal).map((t) => t.name);

  const [topicConfigs, subjects, dlqTopics] = await Promise.all([
    mapBounded(userTopics, 8, async (t) => [t, await ports.configs.topicConfigs(t)] as const),
    ports.registry.subjects(),
    ports.records.dlqTopics(),
  ]);
  // A read that answered is written even when it found nothing (`dlq: {}`, `"orders.DLQ": []`),
  // so a replay says "read, nothing there" where live mode did, never "not recorded". A read
  // that failed is left out, and its reason kept with the recording's faults.
  const faults = [...window.faults];
  let dlq: Record<string, RecordSample[]> | undefined;
  if (dlqTopics.kind === "ok") {
    dlq = {};
    for (const [topic, read] of await mapBounded(dlqTopics.value, 4, async (t) => [t, await ports.records.peekDlq(t, DLQ_RECORDS)] as const)) {
      if (read.kind === "ok") dlq[topic] = read.value;
      else faults.push(read.kind === "unavailable" ? `${read.what}: ${read.reason}` : `not read: ${read.what}`);
    }
  } else if (dlqTopics.kind === "unavailable") faults.push(`${dlqTopics.what}: ${dlqTopics.reason}`);
  // Referenced versions the subjects lack, so that a replay resolves every reference.
  const references = subjects.kind === "ok" ? await referencedVersions(ports.registry, subjects.value) : { referenced: [], faults: [] };
  faults.push(...references.faults);
  const stamp = last.at.replace(/[:.]/g, "-").toLowerCase();
  const incident: IncidentInput = {
    format: "kafka-incident/v1",
    id: options.id ?? `recorded-${stamp}`,
    title: options.title ?? `Recorded from ${settings.kafka?.bootstrap.join(",") ?? "a live cluster"} at ${last.at}`,
    cluster: { id: window.clusterId ?? "unknown", flavor: options.flavor ?? (await ports.metadata.flavor?.()) ?? "unknown" },
    ...(options.alert && { alert: options.alert }),
    brokers: window.brokers,
    snapshots: window.snapshots,
    ...(Object.keys(settings.clientConfigs).length && { clientConfigs: settings.clientConfigs }),
    topicConfigs: Object.fromEntries(topicConfigs.flatMap(([t, r]) => (r.kind === "ok" ? [[t, r.value]] : []))),
    ...(subjects.kind === "ok" && {
      schemaRegistry: { subjects: subjects.value, proposed: [], ...(references.referenced.length && { referenced: references.referenced }) },
    }),
    ...(dlq && { dlq }),
    ...(faults.length && { "x-recording-faults": faults }),
  };
  // Validated before anyone writes it: a recording is a contract document like any other.
  return parseIncident(incident, "recorded incident");
}
