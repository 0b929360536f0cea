/**
 * Avro compatibility with the semantics Confluent uses: Avro Java's `SchemaCompatibility`
 * (ported in avro/compatibility.ts) over schemas read with Avro's naming rules (avro/model.ts).
 * A candidate is validated strictly with avsc (names, defaults, unions), as the registry
 * validates a new schema; a registered version is read as the registry holds it, without
 * validating its defaults again. Named types from other subjects arrive as `references` (full
 * name -> schema text) and are defined first, in the same names.
 */
import avsc from "avsc";
import { errorText, type Checker, type Parsed, type References } from "./checker.ts";
import { incompatibilities } from "./avro/compatibility.ts";
import { toNode, type AvroNames, type AvroNode } from "./avro/model.ts";

type AvroParsed = { node: AvroNode };

export const avroChecker: Checker<AvroParsed> = {
  label: "Avro",
  parse: (text, references) => parse(text, references ?? new Map(), true),
  parseRegistered: (text, references) => parse(text, references ?? new Map(), false),
  compare(candidate, old, directions) {
    const out: string[] = [];
    for (const direction of directions) {
      const readerIsNew = direction === "backward";
      const [reader, writer] = readerIsNew ? [candidate.node, old.node] : [old.node, candidate.node];
      out.push(...incompatibilities(reader, writer, readerIsNew).map((i) => i.message));
    }
    return [...new Set(out)];
  },
};

function parse(text: string, references: References, strict: boolean): Parsed<AvroParsed> {
  const json = jsonOf(text);
  if (!json.ok) return json;
  const names: AvroNames = new Map();
  const ordered = defineReferences(references, names);
  if (!ordered.ok) return ordered;
  let node: AvroNode;
  try {
    node = toNode(json.value, names);
  } catch (error) {
    return { ok: false, error: errorText(error) };
  }
  if (strict) {
    try {
      const registry = {};
      for (const reference of ordered.value) avsc.Type.forSchema(forAvsc(reference) as avsc.Schema, { registry });
      avsc.Type.forSchema(forAvsc(json.value) as avsc.Schema, { registry });
    } catch (error) {
      return { ok: false, error: errorText(error) };
    }
  }
  return { ok: true, value: { node } };
}

function jsonOf(text: string): Parsed<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    // A bare primitive name such as `string` is accepted by some clients; JSON requires quotes.
    if (/^[A-Za-z_][A-Za-z0-9_.]*$/.test(text.trim())) return { ok: true, value: text.trim() };
    return { ok: false, error: `not JSON: ${errorText(error)}` };
  }
}

/**
 * Defines the referenced named types in `names`; a reference may use another, so they are taken
 * in whatever order lets each be read. Answers the references' JSON in that order.
 */
function defineReferences(references: References, names: AvroNames): Parsed<unknown[]> {
  const pending = [...references];
  const ordered: unknown[] = [];
  while (pending.length > 0) {
    let lastError = "";
    const before = pending.length;
    for (let i = 0; i < pending.length; ) {
      const [name, text] = pending[i]!;
      const json = jsonOf(text);
      if (!json.ok) return { ok: false, error: `reference ${name}: ${json.error}` };
      const snapshot = new Map(names);
      try {
        toNode(json.value, names);
        ordered.push(json.value);
        pending.splice(i, 1);
      } catch (error) {
        names.clear();
        for (const [k, v] of snapshot) names.set(k, v);
        lastError = `reference ${name}: ${errorText(error)}`;
        i++;
      }
    }
    if (pending.length === before) return { ok: false, error: lastError };
  }
  return { ok: true, value: ordered };
}

/** avsc rejects the empty union Avro allows (no datum has it); for validation it stands in as `null`. */
function forAvsc(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.length === 0 ? "null" : schema.map(forAvsc);
  if (schema === null || typeof schema !== "object") return schema;
  const s = { ...(schema as Record<string, unknown>) };
  if (typeof s["type"] === "object") s["type"] = forAvsc(s["type"]);
  if ("items" in s) s["items"] = forAvsc(s["items"]);
  if ("values" in s) s["values"] = forAvsc(s["values"]);
  if (Array.isArray(s["fields"])) {
    s["fields"] = s["fields"].map((f: unknown) => (f !== null && typeof f === "object" ? { ...(f as object), type: forAvsc((f as Record<string, unknown>)["type"]) } : f));
  }
  return s;
}
