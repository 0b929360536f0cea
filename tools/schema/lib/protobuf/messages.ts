/**
 * A Protobuf difference in words: the path Confluent reports (`#/Message/tag`), what changed, the
 * rule (Confluent's `Difference.Type`), and who cannot read whom.
 */
import { NEW_READS_OLD, OLD_READS_NEW, type Direction } from "../checker.ts";
import type { Difference } from "./context.ts";

export function describeDifference(d: Difference, direction: Direction): string {
  // original = the writer's schema, update = the reader's (see diff.ts).
  const writer = direction === "backward" ? "old" : "new";
  const reader = direction === "backward" ? "new" : "old";
  const values = (): string => {
    const [oldValue, newValue] = direction === "backward" ? [d.original, d.update] : [d.update, d.original];
    return `${oldValue ?? "?"} in the old schema, ${newValue ?? "?"} in the new one`;
  };
  const onlyIn = (side: "writer" | "reader"): string => `is only in the ${side === "writer" ? writer : reader} schema`;
  const what = ((): string => {
    switch (d.type) {
      case "PACKAGE_CHANGED":
        return `the package changed (${values()}): type names no longer match`;
      case "MESSAGE_REMOVED":
        return `${d.subject} ${onlyIn("writer")}: the ${reader} schema lacks the type`;
      case "FIELD_KIND_CHANGED":
        return `${d.subject} changed kind (${values()}): a scalar or enum, a message and a map are encoded differently`;
      case "FIELD_SCALAR_KIND_CHANGED":
        return `${d.subject} changed type (${values()}): the wire encodings differ`;
      case "FIELD_NAMED_TYPE_CHANGED":
        return `${d.subject} refers to another or incompatibly changed message type (${values()})`;
      case "FIELD_NUMERIC_LABEL_CHANGED":
        return `numeric ${d.subject} changed label (${values()}): packed repeated and single values are encoded differently`;
      case "REQUIRED_FIELD_ADDED":
        return `required ${d.subject} ${onlyIn("reader")}: data without it fails to parse`;
      case "REQUIRED_FIELD_REMOVED":
        return `required ${d.subject} ${onlyIn("writer")}: the ${reader} schema no longer has it`;
      case "ONEOF_FIELD_REMOVED":
        return `${d.subject} ${onlyIn("writer")}: a value set in it is lost`;
      case "MULTIPLE_FIELDS_MOVED_TO_ONEOF":
        return `${d.subject} of the ${reader} schema holds fields that are separate in the ${writer} one (${d.original ?? "?"}): data setting several of them no longer fits`;
      case "FIELD_MOVED_TO_EXISTING_ONEOF":
        return `${d.subject} of the ${reader} schema makes fields mutually exclusive that are not in the ${writer} one (${d.update ?? "?"})`;
      default:
        return `${d.subject}: ${d.type.toLowerCase().replaceAll("_", " ")}${d.original !== undefined || d.update !== undefined ? ` (${values()})` : ""}`;
    }
  })();
  return `${d.path} ${what} (${d.type}): ${direction === "backward" ? NEW_READS_OLD : OLD_READS_NEW}`;
}
