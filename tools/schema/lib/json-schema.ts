/**
 * JSON Schema compatibility with the semantics of Confluent Schema Registry's json-schema-provider
 * (see docs/schema-compatibility.md, "JSON Schema"): both schemas are loaded the way the registry
 * loads them (json/load.ts), diffed by a port of its `SchemaDiff` (json/schema-diff.ts), and the
 * change is compatible when every difference is in the policy's compatible set (json/difference.ts;
 * the registry's default, STRICT, or LENIENT).
 */
import type { Checker, Direction } from "./checker.ts";
import { COMPATIBLE_CHANGES, type Policy } from "./json/difference.ts";
import { loadJsonSchema } from "./json/load.ts";
import { renderDifference } from "./json/messages.ts";
import type { Schema } from "./json/model.ts";
import { diffSchemas } from "./json/schema-diff.ts";

export type { Policy as JsonCompatibilityPolicy } from "./json/difference.ts";

export function createJsonChecker(options: { policy?: Policy } = {}): Checker<Schema> {
  const policy = options.policy ?? "STRICT";
  return {
    label: "JSON Schema",
    parse: (text, references) => loadJsonSchema(text, references),
    compare(candidate, old, directions: Direction[]) {
      const out: string[] = [];
      for (const direction of directions) {
        // The registry's backward check is the new schema's isBackwardCompatible(old): the diff
        // of old (writer) -> new (reader); forward is the old schema's check of the new one.
        const [writer, reader] = direction === "backward" ? [old, candidate] : [candidate, old];
        for (const d of diffSchemas(writer, reader, policy)) {
          if (!COMPATIBLE_CHANGES[policy].has(d.type)) out.push(renderDifference(d, direction));
        }
      }
      return [...new Set(out)];
    },
  };
}

export const jsonChecker = createJsonChecker();
