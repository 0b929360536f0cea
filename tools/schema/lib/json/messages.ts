/**
 * An incompatible difference as one line in the checkers' style: where (the field), what changed
 * (old -> new values), the rule (Confluent's Difference.Type) with its JSON path, and who cannot
 * read whom. The diff compares writer (original) with reader (update); a backward check writes
 * with the old schema and reads with the new one, a forward check the other way round.
 */
import { NEW_READS_OLD, OLD_READS_NEW, type Direction } from "../checker.ts";
import { jsonPath, type Difference } from "./difference.ts";

const CRITERIA = new Set(["allOf", "anyOf", "oneOf"]);
const KEYWORDS: Record<string, string> = {
  MAX_LENGTH: "maxLength", MIN_LENGTH: "minLength", MAXIMUM: "maximum", MINIMUM: "minimum",
  EXCLUSIVE_MAXIMUM: "exclusiveMaximum", EXCLUSIVE_MINIMUM: "exclusiveMinimum", MULTIPLE_OF: "multipleOf", PATTERN: "pattern",
  MAX_PROPERTIES: "maxProperties", MIN_PROPERTIES: "minProperties", MAX_ITEMS: "maxItems", MIN_ITEMS: "minItems",
  MAX_CONTAINS: "maxContains", MIN_CONTAINS: "minContains",
};

export function renderDifference(d: Difference, direction: Direction): string {
  const backward = direction === "backward";
  const why = backward ? NEW_READS_OLD : OLD_READS_NEW;
  return `${explain(d, backward)}: ${why}`;
}

function explain(d: Difference, backward: boolean): string {
  const line = `${location(d.path)}: ${describe(d, backward)} [${d.type} at ${jsonPath(d)}]`;
  const because = (d.because ?? []).slice(0, 2).map((b) => ({ ...b, path: [...d.path, ...b.path] }));
  return because.length === 0 ? line : `${line}, closest misses: ${because.map((b) => explain(b, backward)).join("; ")}`;
}

/** `property "lines[].qty"`, `property "pay.oneOf[1]"`, `the top-level schema`... from Confluent's path segments. */
export function location(path: readonly string[]): string {
  let field = "";
  let named = false;
  const append = (name: string): void => {
    field = field === "" ? name : `${field}.${name}`;
  };
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const next = path[i + 1];
    const last = i === path.length - 1;
    if ((segment === "properties" || segment === "required") && next !== undefined) {
      append(next);
      named = true;
      i++;
    } else if (segment === "dependencies" && next !== undefined) {
      append(`dependencies[${next}]`);
      i++;
    } else if (segment === "items") {
      if (next !== undefined && /^\d+$/.test(next)) {
        field += `[${next}]`;
        i++;
      } else field += "[]";
    } else if (segment === "additionalItems" || segment === "unevaluatedItems") {
      // As the last segment it is the keyword itself, which the rule says.
      if (!last) field += "[+]";
    } else if (segment === "additionalProperties" || segment === "unevaluatedProperties") {
      if (!last) append("*");
    } else if (CRITERIA.has(segment) && next !== undefined) {
      append(`${segment}[${next}]`);
      i++;
    } else if (segment === "not") {
      append("not");
    }
  }
  if (field === "") return "the top-level schema";
  if (named) return `property "${field}"`;
  return field.startsWith("[") ? `items "${field}"` : `the top-level schema's "${field}"`;
}

function show(value: unknown): string {
  return value === undefined ? "none" : JSON.stringify(value);
}

function describe(d: Difference, backward: boolean): string {
  const reader = backward ? "the new schema" : "the old schema";
  const writer = backward ? "the old schema" : "the new schema";
  const oldValue = backward ? d.original : d.update;
  const newValue = backward ? d.update : d.original;
  const change = `${show(oldValue)} -> ${show(newValue)}`;
  const bound = /^(.*)_(ADDED|REMOVED|INCREASED|DECREASED|EXPANDED|REDUCED|CHANGED)$/.exec(d.type);
  if (bound && KEYWORDS[bound[1]!] !== undefined) {
    return `${KEYWORDS[bound[1]!]} ${change} (${backward ? "narrowed" : "the old schema is narrower"})`;
  }
  switch (d.type) {
    case "TYPE_CHANGED":
      return `type ${String(oldValue)} -> ${String(newValue)}`;
    case "TYPE_NARROWED":
      return `type ${String(oldValue)} -> ${String(newValue)} (${reader} accepts integers only)`;
    case "ENUM_ARRAY_NARROWED":
    case "ENUM_ARRAY_CHANGED": {
      if (d.path.at(-1) === "const") return `const ${change}`;
      const readable = Array.isArray(d.update) ? d.update : [];
      const lost = (Array.isArray(d.original) ? d.original : []).filter((v) => !readable.some((r) => JSON.stringify(r) === JSON.stringify(v)));
      return `enum ${change} (${reader} rejects ${lost.map(show).join(", ")})`;
    }
    case "REQUIRED_ATTRIBUTE_ADDED":
      return `required by ${reader}, optional in ${writer}`;
    case "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL":
    case "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL":
      return `required by ${reader}, not declared by ${writer}`;
    case "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL":
    case "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL":
      return `declared by ${reader} only: ${writer} has an open content model, where it may hold any value`;
    case "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL":
      return `declared by ${writer} only: ${reader} has a closed content model, which rejects it`;
    case "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL":
      return `declared by ${reader} only, with a schema that does not accept what ${writer}'s additional or pattern properties allow`;
    case "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL":
      return `declared by ${writer} only: ${reader}'s additional or pattern properties schema does not accept it`;
    case "ITEM_ADDED_TO_OPEN_CONTENT_MODEL":
      return `tuple item declared by ${reader} only: ${writer} allows any additional item`;
    case "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL":
      return `tuple item declared by ${writer} only: ${reader} allows no additional item`;
    case "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL":
      return `tuple item declared by ${reader} only, with a schema that does not accept ${writer}'s additional items`;
    case "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL":
      return `tuple item declared by ${writer} only: ${reader}'s additional items schema does not accept it`;
    case "ADDITIONAL_PROPERTIES_REMOVED":
    case "UNEVALUATED_PROPERTIES_REMOVED":
      return `additional properties closed by ${reader} (allowed by ${writer})`;
    case "ADDITIONAL_PROPERTIES_NARROWED":
    case "UNEVALUATED_PROPERTIES_NARROWED":
      return `additional properties constrained by a schema in ${reader} (unconstrained in ${writer})`;
    case "ADDITIONAL_ITEMS_REMOVED":
    case "UNEVALUATED_ITEMS_REMOVED":
      return `additional items closed by ${reader} (allowed by ${writer})`;
    case "ADDITIONAL_ITEMS_NARROWED":
    case "UNEVALUATED_ITEMS_NARROWED":
      return `additional items constrained by a schema in ${reader} (unconstrained in ${writer})`;
    case "UNIQUE_ITEMS_ADDED":
      return `uniqueItems required by ${reader}, not by ${writer}`;
    case "DEPENDENCY_ARRAY_ADDED":
    case "DEPENDENCY_ARRAY_EXTENDED":
    case "DEPENDENCY_ARRAY_CHANGED":
      return `dependent required properties ${change} (${reader} requires more)`;
    case "DEPENDENCY_SCHEMA_ADDED":
      return `dependent schema added by ${reader}`;
    case "SCHEMA_ADDED":
      return `constrained by ${reader}, unconstrained in ${writer}`;
    case "COMBINED_TYPE_CHANGED":
      return `combined schema ${String(oldValue)} -> ${String(newValue)}`;
    case "COMBINED_TYPE_SUBSCHEMAS_CHANGED":
      return `the branches of ${writer} do not each match a compatible branch of ${reader}`;
    case "SUM_TYPE_NARROWED":
      return `${reader} has fewer anyOf/oneOf branches than ${writer}`;
    case "PRODUCT_TYPE_EXTENDED":
      return `${reader} has more allOf branches than ${writer}`;
    case "NOT_TYPE_EXTENDED":
      return `"not" of ${reader} rejects values ${writer} allows`;
    default:
      return `${d.type.toLowerCase().replace(/_/g, " ")}${d.original !== undefined || d.update !== undefined ? ` ${change}` : ""}`;
  }
}
