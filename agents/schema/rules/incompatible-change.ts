import type { SchemaReader } from "../../../contract/report.ts";
import { evidence, finding, type Finding } from "../../finding.ts";

export interface CompatibilityObservation {
  subject: string;
  level: string;
  /** The registered version judged, or undefined for a proposed schema. */
  version: number | undefined;
  registeredAt: string | undefined;
  compatible: boolean;
  messages: string[];
  checkedAgainst: number[];
}

/** Who reads the subject (the schema_readers tool), when it was read. */
export interface ReadersObservation {
  topics: { topic: string; via: string }[];
  readers: {
    group: string;
    topic: string;
    via: ("assignment" | "offsets")[];
    lastSeen?: { version: number; source: "dlq" | "sample"; record: string; at: string } | undefined;
  }[];
}

/**
 * A registered or proposed schema that breaks its subject's compatibility for its readers. With
 * the readers read, the finding names the groups that read the subject's topics and, for a
 * registered version, the version each was last seen with.
 */
export function incompatibleChange(o: CompatibilityObservation, who?: ReadersObservation): Finding | null {
  if (o.compatible || o.level === "NONE") return null;
  const what = o.version === undefined ? "the proposed schema" : `version ${o.version}${o.registeredAt ? ` (registered ${o.registeredAt})` : ""}`;
  const topic = who?.topics[0]?.topic ?? topicOfSubject(o.subject);
  const readers: SchemaReader[] = (who?.readers ?? []).map((r) => ({
    subject: o.subject,
    topic: r.topic,
    group: r.group,
    via: r.via,
    // Versions seen matter for a registered break: which readers already met it, which have not yet.
    ...(o.version !== undefined && r.lastSeen && { lastSeenVersion: r.lastSeen.version, lastSeenIn: `${r.lastSeen.source} ${r.lastSeen.record}`, lastSeenAt: r.lastSeen.at }),
  }));
  const readerText = readers.map((r) => `${r.group}${r.lastSeenVersion !== undefined ? ` (last seen with version ${r.lastSeenVersion})` : ""}`);
  const f = finding(
    "schema",
    "schema.incompatible_change",
    o.messages.length ? 0.93 : 0.8,
    `${what} of ${o.subject} breaks ${o.level} compatibility with version${o.checkedAgainst.length > 1 ? "s" : ""} ${o.checkedAgainst.join(", ")}: ${o.messages.join("; ") || "the registry's check failed"}` +
      (readers.length ? `; read by ${readerText.join(", ")}` : ""),
    { subject: o.subject, ...(o.version !== undefined && { version: o.version }), topic },
    [
      evidence("schema_compatibility", `${o.subject} ${what} vs ${o.checkedAgainst.join(", ")} under ${o.level}: ${o.messages.join("; ")}`),
      ...(readers.length
        ? [
            evidence(
              "schema_readers",
              `${o.subject} is read on ${[...new Set(readers.map((r) => r.topic))].join(", ")} by ${readers
                .map((r) => `${r.group} (${r.via.join(" and ")}${r.lastSeenVersion !== undefined ? `; version ${r.lastSeenVersion} in ${r.lastSeenIn} at ${r.lastSeenAt}` : ""})`)
                .join(", ")}`,
            ),
          ]
        : []),
    ],
  );
  return readers.length ? { ...f, readers } : f;
}

/** TopicNameStrategy: subject `orders-value` belongs to topic `orders`. */
export function topicOfSubject(subject: string): string {
  return subject.replace(/-(value|key)$/, "");
}
