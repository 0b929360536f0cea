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

/** A registered or proposed schema that breaks its subject's compatibility for its readers. */
export function incompatibleChange(o: CompatibilityObservation): Finding | null {
  if (o.compatible || o.level === "NONE") return null;
  const what = o.version === undefined ? "the proposed schema" : `version ${o.version}${o.registeredAt ? ` (registered ${o.registeredAt})` : ""}`;
  return finding(
    "schema",
    "schema.incompatible_change",
    o.messages.length ? 0.93 : 0.8,
    `${what} of ${o.subject} breaks ${o.level} compatibility with version${o.checkedAgainst.length > 1 ? "s" : ""} ${o.checkedAgainst.join(", ")}: ${o.messages.join("; ") || "the registry's check failed"}`,
    { subject: o.subject, ...(o.version !== undefined && { version: o.version }), topic: topicOfSubject(o.subject) },
    [evidence("schema_compatibility", `${o.subject} ${what} vs ${o.checkedAgainst.join(", ")} under ${o.level}: ${o.messages.join("; ")}`)],
  );
}

/** TopicNameStrategy: subject `orders-value` belongs to topic `orders`. */
export function topicOfSubject(subject: string): string {
  return subject.replace(/-(value|key)$/, "");
}
