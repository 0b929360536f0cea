/**
 * Schema compatibility, with the semantics of Confluent Schema Registry:
 *
 * - BACKWARD: the candidate (reader) can read data written with the latest existing version (writer).
 * - FORWARD: the latest existing version (reader) can read data written with the candidate (writer).
 * - FULL: both.
 * - `*_TRANSITIVE`: the same, against every existing version instead of only the latest.
 * - NONE: always compatible (the candidate must still parse).
 *
 * AVRO: avsc's resolver (`reader.createResolver(writer)`, namespaces ignored like Avro Java's
 * `SchemaCompatibility`, which compares unqualified names) is the authority on compatible or not;
 * a structural diff written here explains why (field path, old and new types). When avsc says
 * incompatible and the diff finds nothing, the message says so and quotes avsc.
 *
 * JSON: a structural check of the common cases only: a newly required property, a property that
 * is no longer required, a property type changed or narrowed, enum values removed, properties
 * removed from / added to a closed content model, additionalProperties closed. Local `$ref`s
 * (`#/definitions/..`, `#/$defs/..`) are followed; `oneOf`/`anyOf`/`allOf`/`not`, `if/then/else`,
 * `patternProperties`, numeric/string bounds and remote refs are NOT analysed. Confluent's
 * stricter rule that adding a property to an open content model is incompatible is not enforced.
 *
 * PROTOBUF: a light check over a hand-written parser of `message X { type name = N; }` blocks
 * (nested messages, `oneof`, `map<K,V>`, `reserved`): a field number reused with a wire-
 * incompatible type, a field number removed without being reserved, a message removed, a
 * proto2 `required` field added. Imports, extensions, options, enums' contents, `group`s and
 * services are ignored; the same rules are applied whatever the direction of the level.
 *
 * Never throws: unparsable schemas become `compatible: false` with a message.
 */
import avsc from "avsc";
import type { CompatibilityLevel, SchemaType } from "../../../contract/vocabulary.ts";

export type CompatibilityVerdict = {
  compatible: boolean;
  /** Why incompatible, one per problem, human-readable, naming the field path. Empty when compatible. */
  messages: string[];
  /** Versions checked. */
  checkedAgainst: number[];
};

export type ExistingSchema = { version: number; schema: string };

export type CheckCompatibilityArgs = {
  schemaType: SchemaType;
  candidate: string;
  /** Oldest first (sorted again by version here, to be safe). */
  existing: ExistingSchema[];
  level: CompatibilityLevel;
};

type Direction = "backward" | "forward";

const NEW_READS_OLD = "readers of the new schema cannot read old data";
const OLD_READS_NEW = "readers of the old schema cannot read new data";

export function checkCompatibility(args: CheckCompatibilityArgs): CompatibilityVerdict {
  try {
    return check(args);
  } catch (error) {
    // Defensive: nothing below should throw, but a verdict must always come back.
    return { compatible: false, messages: [`compatibility check failed: ${errorText(error)}`], checkedAgainst: [] };
  }
}

function check({ schemaType, candidate, existing, level }: CheckCompatibilityArgs): CompatibilityVerdict {
  const checker = CHECKERS[schemaType];
  const parsedCandidate = checker.parse(candidate);
  if (!parsedCandidate.ok) {
    return { compatible: false, messages: [`candidate schema is not valid ${checker.label}: ${parsedCandidate.error}`], checkedAgainst: [] };
  }
  if (level === "NONE" || existing.length === 0) {
    return { compatible: true, messages: [], checkedAgainst: [] };
  }
  const sorted = [...existing].sort((a, b) => a.version - b.version);
  const transitive = level.endsWith("_TRANSITIVE");
  const targets = transitive ? sorted : sorted.slice(-1);
  const directions: Direction[] =
    level.startsWith("BACKWARD") ? ["backward"] : level.startsWith("FORWARD") ? ["forward"] : ["backward", "forward"];

  // message text -> versions it applies to (in order), so that one problem seen against several
  // versions reads as one line.
  const problems = new Map<string, number[]>();
  const add = (text: string, version: number): void => {
    const versions = problems.get(text) ?? [];
    if (!versions.includes(version)) versions.push(version);
    problems.set(text, versions);
  };
  const checkedAgainst: number[] = [];
  for (const target of targets) {
    const parsedOld = checker.parse(target.schema);
    if (!parsedOld.ok) {
      add(`cannot check against version ${target.version}: its schema is not valid ${checker.label}: ${parsedOld.error}`, target.version);
      continue;
    }
    checkedAgainst.push(target.version);
    for (const message of checker.compare(parsedCandidate.value, parsedOld.value, directions)) add(message, target.version);
  }
  const messages = [...problems].map(([text, versions]) =>
    text.startsWith("cannot check") ? text : `${text} (against version${versions.length > 1 ? "s" : ""} ${versions.join(", ")})`,
  );
  return { compatible: messages.length === 0, messages, checkedAgainst };
}

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

interface Checker<T> {
  label: string;
  parse(text: string): Parsed<T>;
  /** Problems of `candidate` against `old` for the given directions; empty when compatible. */
  compare(candidate: T, old: T, directions: Direction[]): string[];
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

// ---------------------------------------------------------------------------------------------
// AVRO

/** The parts of avsc's Type objects the diff reads (avsc's typings leave most of them out). */
interface AvroType {
  typeName: string;
  name?: string | undefined;
  aliases?: string[] | undefined;
  fields?: AvroField[];
  symbols?: string[];
  default?: unknown;
  itemsType?: AvroType;
  valuesType?: AvroType;
  types?: AvroType[];
  size?: number;
  underlyingType?: AvroType;
}

interface AvroField {
  name: string;
  aliases?: string[];
  type: AvroType;
  defaultValue(): unknown;
}

type AvroParsed = { type: avsc.Type };

const avroChecker: Checker<AvroParsed> = {
  label: "Avro",
  parse(text) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      // A bare primitive name such as `string` is accepted by some clients; JSON requires quotes.
      if (/^[A-Za-z_][A-Za-z0-9_.]*$/.test(text.trim())) json = text.trim();
      else return { ok: false, error: `not JSON: ${errorText(error)}` };
    }
    try {
      return { ok: true, value: { type: avsc.Type.forSchema(json as avsc.Schema) } };
    } catch (error) {
      return { ok: false, error: errorText(error) };
    }
  },
  compare(candidate, old, directions) {
    const out: string[] = [];
    for (const direction of directions) {
      const readerIsNew = direction === "backward";
      const reader = readerIsNew ? candidate.type : old.type;
      const writer = readerIsNew ? old.type : candidate.type;
      let avscError: string | undefined;
      try {
        reader.createResolver(writer, { ignoreNamespaces: true });
      } catch (error) {
        avscError = errorText(error);
      }
      if (avscError === undefined) continue;
      const found = avroDiff(reader as unknown as AvroType, writer as unknown as AvroType, readerIsNew);
      if (found.length > 0) out.push(...found);
      else
        out.push(
          `${readerIsNew ? "new schema cannot read data written with the old one" : "old schema cannot read data written with the new one"}` +
            ` (Avro resolution failed: ${avscError})`,
        );
    }
    return [...new Set(out)];
  },
};

const PROMOTIONS: Record<string, string[]> = {
  int: ["long", "float", "double"],
  long: ["float", "double"],
  float: ["double"],
  string: ["bytes"],
  bytes: ["string"],
};

function kindOf(t: AvroType): string {
  if (t.typeName.startsWith("union")) return "union";
  if (t.typeName.startsWith("logical:")) return t.underlyingType ? kindOf(t.underlyingType) : t.typeName;
  if (t.typeName === "error") return "record";
  return t.typeName;
}

function unwrapLogical(t: AvroType): AvroType {
  return t.typeName.startsWith("logical:") && t.underlyingType ? unwrapLogical(t.underlyingType) : t;
}

function shortName(name: string | undefined): string {
  if (name === undefined) return "?";
  const i = name.lastIndexOf(".");
  return i < 0 ? name : name.slice(i + 1);
}

const NAMED = new Set(["record", "enum", "fixed"]);

/** Whether reader's named type accepts writer's name (unqualified names, or a reader alias). */
function namesMatch(reader: AvroType, writer: AvroType): boolean {
  if (shortName(reader.name) === shortName(writer.name)) return true;
  return (reader.aliases ?? []).some((alias) => alias === writer.name || shortName(alias) === shortName(writer.name));
}

/** Shallow match, as used to pick a reader union branch for a writer type. */
function shallowMatch(reader: AvroType, writer: AvroType): "same" | "promoted" | undefined {
  const rk = kindOf(reader);
  const wk = kindOf(writer);
  if (rk === wk) {
    if (NAMED.has(rk)) return namesMatch(reader, writer) ? "same" : undefined;
    return "same";
  }
  return PROMOTIONS[wk]?.includes(rk) ? "promoted" : undefined;
}

function describe(t: AvroType): string {
  const u = unwrapLogical(t);
  const kind = kindOf(u);
  switch (kind) {
    case "record":
    case "enum":
      return `${kind} ${shortName(u.name)}`;
    case "fixed":
      return `fixed ${shortName(u.name)}(${u.size ?? "?"})`;
    case "array":
      return u.itemsType ? `array<${describe(u.itemsType)}>` : "array";
    case "map":
      return u.valuesType ? `map<${describe(u.valuesType)}>` : "map";
    case "union":
      return `union [${(u.types ?? []).map(branchLabel).join(", ")}]`;
    default:
      return kind;
  }
}

/** Short label of a union branch: a primitive's name or a named type's unqualified name. */
function branchLabel(t: AvroType): string {
  const u = unwrapLogical(t);
  const kind = kindOf(u);
  if (NAMED.has(kind)) return shortName(u.name);
  if (kind === "array" || kind === "map") return describe(u);
  return kind;
}

function where(path: string): string {
  return path === "" ? "the top-level schema" : `field "${path}"`;
}

/**
 * Why `reader` cannot read data written with `writer`, following Avro's schema resolution rules.
 * `readerIsNew` only changes the wording (old/new instead of reader/writer).
 */
function avroDiff(reader: AvroType, writer: AvroType, readerIsNew: boolean): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const why = readerIsNew ? NEW_READS_OLD : OLD_READS_NEW;
  const oldOf = (r: AvroType, w: AvroType): AvroType => (readerIsNew ? w : r);
  const newOf = (r: AvroType, w: AvroType): AvroType => (readerIsNew ? r : w);
  const typeChanged = (r: AvroType, w: AvroType, path: string): void => {
    out.push(`${where(path)} type changed from ${describe(oldOf(r, w))} to ${describe(newOf(r, w))}: ${why}`);
  };

  const walk = (r0: AvroType, w0: AvroType, path: string): void => {
    const r = unwrapLogical(r0);
    const w = unwrapLogical(w0);
    const rk = kindOf(r);
    const wk = kindOf(w);

    if (wk === "union") {
      const branches = w.types ?? [];
      if (rk === "union") {
        for (const branch of branches) {
          const match = pickBranch(r.types ?? [], branch);
          if (match) walk(match, branch, path);
          else if (readerIsNew) out.push(`${where(path)}: union no longer contains "${branchLabel(branch)}": ${why}`);
          else out.push(`${where(path)}: union now also contains "${branchLabel(branch)}", which the old union does not: ${why}`);
        }
      } else {
        for (const branch of branches) {
          if (shallowMatch(r, branch)) walk(r, branch, path);
          else if (readerIsNew)
            out.push(`${where(path)}: union no longer contains "${branchLabel(branch)}" (type changed from ${describe(w)} to ${describe(r)}): ${why}`);
          else
            out.push(`${where(path)} type changed from ${describe(r)} to ${describe(w)}, whose "${branchLabel(branch)}" branch the old schema cannot read: ${why}`);
        }
      }
      return;
    }
    if (rk === "union") {
      const match = pickBranch(r.types ?? [], w);
      if (match) walk(match, w, path);
      else typeChanged(r, w, path);
      return;
    }
    if (rk !== wk) {
      if (!PROMOTIONS[wk]?.includes(rk)) typeChanged(r, w, path);
      return;
    }
    switch (rk) {
      case "record": {
        if (!namesMatch(r, w)) {
          out.push(
            `${where(path)}: record name changed from ${shortName(oldOf(r, w).name)} to ${shortName(newOf(r, w).name)}` +
              ` (an alias of the old name on the reader would keep it compatible): ${why}`,
          );
          return;
        }
        const key = `${r.name}<-${w.name}`;
        if (seen.has(key)) return; // recursive type: already compared
        seen.add(key);
        const writerFields = w.fields ?? [];
        for (const field of r.fields ?? []) {
          const fieldPath = path === "" ? field.name : `${path}.${field.name}`;
          const wf =
            writerFields.find((f) => f.name === field.name) ??
            writerFields.find((f) => (field.aliases ?? []).includes(f.name));
          if (wf) {
            walk(field.type, wf.type, fieldPath);
          } else if (field.defaultValue() === undefined) {
            out.push(
              readerIsNew
                ? `field "${fieldPath}" added without a default: ${why}`
                : `field "${fieldPath}" was removed and has no default in the reader: ${why}`,
            );
          }
        }
        return;
      }
      case "enum": {
        if (!namesMatch(r, w)) {
          out.push(`${where(path)}: enum name changed from ${shortName(oldOf(r, w).name)} to ${shortName(newOf(r, w).name)}: ${why}`);
          return;
        }
        if (r.default !== undefined) return; // the reader's enum default absorbs unknown symbols
        const readerSymbols = new Set(r.symbols ?? []);
        for (const symbol of w.symbols ?? []) {
          if (readerSymbols.has(symbol)) continue;
          out.push(
            readerIsNew
              ? `${where(path)}: enum symbol "${symbol}" removed (enum ${shortName(r.name)} has no default): ${why}`
              : `${where(path)}: enum symbol "${symbol}" added, and the old enum ${shortName(r.name)} has no default: ${why}`,
          );
        }
        return;
      }
      case "fixed": {
        if (!namesMatch(r, w)) {
          out.push(`${where(path)}: fixed name changed from ${shortName(oldOf(r, w).name)} to ${shortName(newOf(r, w).name)}: ${why}`);
        } else if (r.size !== w.size) {
          out.push(`${where(path)}: fixed ${shortName(r.name)} size changed from ${oldOf(r, w).size} to ${newOf(r, w).size}: ${why}`);
        }
        return;
      }
      case "array":
        if (r.itemsType && w.itemsType) walk(r.itemsType, w.itemsType, `${path}[]`);
        return;
      case "map":
        if (r.valuesType && w.valuesType) walk(r.valuesType, w.valuesType, `${path}{}`);
        return;
      default:
        return; // same primitive
    }
  };

  walk(reader, writer, "");
  return out;
}

/** The reader union branch Avro would use for a writer type: an exact match first, then a promotion. */
function pickBranch(readerBranches: AvroType[], writer: AvroType): AvroType | undefined {
  const w = unwrapLogical(writer);
  return (
    readerBranches.find((b) => shallowMatch(unwrapLogical(b), w) === "same") ??
    readerBranches.find((b) => shallowMatch(unwrapLogical(b), w) === "promoted")
  );
}

// ---------------------------------------------------------------------------------------------
// JSON Schema

type JsonSchemaNode = boolean | Record<string, unknown>;
type JsonParsed = { root: JsonSchemaNode };

const jsonChecker: Checker<JsonParsed> = {
  label: "JSON Schema",
  parse(text) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return { ok: false, error: `not JSON: ${errorText(error)}` };
    }
    if (typeof json === "boolean" || isObject(json)) return { ok: true, value: { root: json } };
    return { ok: false, error: "a JSON Schema must be an object or a boolean" };
  },
  compare(candidate, old, directions) {
    const out: string[] = [];
    for (const direction of directions) {
      const readerIsNew = direction === "backward";
      const reader = readerIsNew ? candidate.root : old.root;
      const writer = readerIsNew ? old.root : candidate.root;
      out.push(...jsonDiff(reader, writer, readerIsNew));
    }
    return [...new Set(out)];
  },
};

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function typesOf(node: Record<string, unknown>): Set<string> | undefined {
  const t = node["type"];
  if (typeof t === "string") return new Set([t]);
  if (Array.isArray(t)) return new Set(t.filter((x): x is string => typeof x === "string"));
  return undefined;
}

function describeTypes(types: Set<string> | undefined): string {
  if (!types) return "any";
  return types.size === 1 ? [...types][0]! : `[${[...types].join(", ")}]`;
}

/** Whether additional (undeclared) properties are refused; a schema-valued additionalProperties is returned as is. */
function additional(node: Record<string, unknown>): "open" | "closed" | Record<string, unknown> {
  const a = node["additionalProperties"];
  if (a === false) return "closed";
  if (isObject(a)) return a;
  return "open";
}

function resolveRef(root: JsonSchemaNode, node: JsonSchemaNode): JsonSchemaNode {
  let current = node;
  for (let depth = 0; depth < 20 && isObject(current) && typeof current["$ref"] === "string"; depth++) {
    const ref = current["$ref"];
    if (!ref.startsWith("#")) return current;
    let target: unknown = root;
    for (const part of ref.slice(1).split("/").filter((p) => p !== "")) {
      const key = decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~");
      target = isObject(target) ? target[key] : undefined;
    }
    if (typeof target !== "boolean" && !isObject(target)) return current;
    current = target;
  }
  return current;
}

function jsonDiff(readerRoot: JsonSchemaNode, writerRoot: JsonSchemaNode, readerIsNew: boolean): string[] {
  const out: string[] = [];
  const why = readerIsNew ? NEW_READS_OLD : OLD_READS_NEW;
  const at = (path: string): string => (path === "" ? "the top-level schema" : `property "${path}"`);

  // Recursive $refs are bounded by depth.
  const walk = (r0: JsonSchemaNode, w0: JsonSchemaNode, path: string, depth: number): void => {
    if (depth > 50) return;
    const r = resolveRef(readerRoot, r0);
    const w = resolveRef(writerRoot, w0);
    if (r === true || w === false) return; // reader accepts anything, or writer writes nothing
    if (r === false) {
      out.push(`${at(path)} is now forbidden (schema false): ${why}`);
      return;
    }
    if (w === true) return; // writer unconstrained ("true" schema): not analysed

    // type
    const rt = typesOf(r);
    const wt = typesOf(w);
    if (rt && wt) {
      const lost = [...wt].filter((t) => !rt.has(t) && !(t === "integer" && rt.has("number")));
      if (lost.length > 0) {
        const oldT = readerIsNew ? wt : rt;
        const newT = readerIsNew ? rt : wt;
        out.push(`${at(path)} type changed from ${describeTypes(oldT)} to ${describeTypes(newT)}: ${why}`);
        return;
      }
    } else if (rt && !wt && path !== "") {
      out.push(
        readerIsNew
          ? `${at(path)} type constrained to ${describeTypes(rt)} (was any): ${why}`
          : `${at(path)} type no longer constrained (was ${describeTypes(rt)}): ${why}`,
      );
    }

    // enum
    const re = Array.isArray(r["enum"]) ? (r["enum"] as unknown[]) : undefined;
    const we = Array.isArray(w["enum"]) ? (w["enum"] as unknown[]) : undefined;
    if (re) {
      const allowed = new Set(re.map((v) => JSON.stringify(v)));
      if (we) {
        for (const v of we) {
          if (allowed.has(JSON.stringify(v))) continue;
          out.push(
            readerIsNew
              ? `${at(path)}: enum value ${JSON.stringify(v)} removed: ${why}`
              : `${at(path)}: enum value ${JSON.stringify(v)} added: ${why}`,
          );
        }
      } else {
        out.push(readerIsNew ? `${at(path)}: enum constraint added: ${why}` : `${at(path)}: enum constraint removed: ${why}`);
      }
    }

    // object
    const rProps = isObject(r["properties"]) ? (r["properties"] as Record<string, JsonSchemaNode>) : {};
    const wProps = isObject(w["properties"]) ? (w["properties"] as Record<string, JsonSchemaNode>) : {};
    const rRequired = new Set(Array.isArray(r["required"]) ? (r["required"] as unknown[]).filter((x): x is string => typeof x === "string") : []);
    const wRequired = new Set(Array.isArray(w["required"]) ? (w["required"] as unknown[]).filter((x): x is string => typeof x === "string") : []);
    const child = (name: string): string => (path === "" ? name : `${path}.${name}`);
    for (const name of rRequired) {
      if (wRequired.has(name)) continue;
      out.push(
        readerIsNew
          ? `property "${child(name)}" is newly required: ${why}`
          : name in wProps
            ? `required property "${child(name)}" is no longer required: ${why}`
            : `required property "${child(name)}" was removed: ${why}`,
      );
    }
    const rAdditional = additional(r);
    const wAdditional = additional(w);
    for (const [name, wSchema] of Object.entries(wProps)) {
      const rSchema = rProps[name];
      if (rSchema !== undefined) {
        walk(rSchema, wSchema, child(name), depth + 1);
      } else if (rAdditional === "closed") {
        out.push(
          readerIsNew
            ? `property "${child(name)}" was removed and the new schema does not allow additional properties: ${why}`
            : `property "${child(name)}" was added but the old schema does not allow additional properties: ${why}`,
        );
      } else if (isObject(rAdditional)) {
        walk(rAdditional, wSchema, child(name), depth + 1);
      }
    }
    if (rAdditional === "closed" && wAdditional !== "closed" && (r["properties"] !== undefined || r["type"] === "object")) {
      out.push(
        readerIsNew
          ? `${at(path)}: additionalProperties closed (set to false): ${why}`
          : `${at(path)}: additionalProperties opened, but the old schema does not allow them: ${why}`,
      );
    }

    // array
    const rItems = r["items"];
    const wItems = w["items"];
    if ((typeof rItems === "boolean" || isObject(rItems)) && (typeof wItems === "boolean" || isObject(wItems))) {
      walk(rItems, wItems, `${path}[]`, depth + 1);
    }
  };

  walk(readerRoot, writerRoot, "", 0);
  return out;
}

// ---------------------------------------------------------------------------------------------
// PROTOBUF

type ProtoField = { name: string; number: number; type: string; label: "" | "optional" | "required" | "repeated" };
type ProtoMessage = { name: string; fields: Map<number, ProtoField>; reservedNumbers: Array<[number, number]>; reservedNames: Set<string> };
type ProtoParsed = { messages: Map<string, ProtoMessage> };

const protoChecker: Checker<ProtoParsed> = {
  label: "Protobuf",
  parse: parseProto,
  compare(candidate, old) {
    // The light rules below are direction-free: they are applied once per pair of versions.
    return protoDiff(old, candidate);
  },
};

/** Groups of scalar types that share a wire encoding and so can replace each other. */
const PROTO_WIRE_GROUPS = [
  ["int32", "uint32", "int64", "uint64", "bool"],
  ["sint32", "sint64"],
  ["fixed32", "sfixed32"],
  ["fixed64", "sfixed64"],
  ["string", "bytes"],
];

function protoTypesCompatible(a: string, b: string): boolean {
  const shortA = shortName(a);
  const shortB = shortName(b);
  if (shortA === shortB) return true;
  return PROTO_WIRE_GROUPS.some((g) => g.includes(a) && g.includes(b));
}

function protoDiff(old: ProtoParsed, next: ProtoParsed): string[] {
  const out: string[] = [];
  for (const [name, oldMessage] of old.messages) {
    const newMessage = next.messages.get(name);
    if (!newMessage) {
      out.push(`message ${name} was removed: readers of either schema may not find the type they expect`);
      continue;
    }
    for (const [number, oldField] of oldMessage.fields) {
      const newField = newMessage.fields.get(number);
      if (!newField) {
        const reserved = newMessage.reservedNumbers.some(([from, to]) => number >= from && number <= to);
        if (!reserved) {
          out.push(
            `message ${name}: field "${oldField.name}" (number ${number}) was removed without reserving number ${number}: a later field may reuse it with another type`,
          );
        }
        if (oldField.label === "required") out.push(`message ${name}: required field "${oldField.name}" (number ${number}) was removed: readers of the old schema cannot read new data`);
        continue;
      }
      if (!protoTypesCompatible(oldField.type, newField.type)) {
        out.push(
          `message ${name}: field number ${number} type changed from ${oldField.type} to ${newField.type}` +
            `${oldField.name === newField.name ? ` (field "${newField.name}")` : ` (field "${oldField.name}" is now "${newField.name}")`}: the wire encodings differ`,
        );
      }
    }
    for (const [number, newField] of newMessage.fields) {
      if (!oldMessage.fields.has(number) && newField.label === "required") {
        out.push(`message ${name}: required field "${newField.name}" (number ${number}) was added: readers of the new schema cannot read old data`);
      }
    }
  }
  return out;
}

function parseProto(text: string): Parsed<ProtoParsed> {
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\/\/[^\n]*/g, " ");
  const tokens = withoutComments.match(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[A-Za-z_][A-Za-z0-9_.]*|\.[A-Za-z_][A-Za-z0-9_.]*|-?[0-9]+(?:\.[0-9]+)?|[{}();=<>,\[\]]/g) ?? [];
  const messages = new Map<string, ProtoMessage>();
  let i = 0;
  let pkg = "";
  const peek = (): string | undefined => tokens[i];
  const skipStatement = (): void => {
    // Skip to the end of the statement: a `;` at depth 0 or a balanced `{ ... }` block.
    let depth = 0;
    while (i < tokens.length) {
      const t = tokens[i++];
      if (t === "{") depth++;
      else if (t === "}") {
        depth--;
        if (depth <= 0) return;
      } else if (t === ";" && depth === 0) return;
    }
  };
  const parseMessage = (fullName: string): string | undefined => {
    // tokens[i] is "{"
    if (tokens[i] !== "{") return `expected "{" after message ${fullName}`;
    i++;
    const message: ProtoMessage = { name: fullName, fields: new Map(), reservedNumbers: [], reservedNames: new Set() };
    messages.set(fullName, message);
    const parseBody = (inOneof: boolean): string | undefined => {
      while (i < tokens.length) {
        const t = peek();
        if (t === "}") {
          i++;
          return undefined;
        }
        if (t === ";") {
          i++;
          continue;
        }
        if (t === "message" && !inOneof) {
          const name = tokens[i + 1];
          if (!name) return "message without a name";
          i += 2;
          const error = parseMessage(`${fullName}.${name}`);
          if (error) return error;
          continue;
        }
        if (t === "oneof") {
          i += 2;
          if (tokens[i] !== "{") return `expected "{" after oneof in ${fullName}`;
          i++;
          const error = parseBody(true);
          if (error) return error;
          continue;
        }
        if (t === "enum" || t === "option" || t === "extensions" || t === "extend" || t === "group") {
          skipStatement();
          continue;
        }
        if (t === "reserved") {
          i++;
          while (i < tokens.length && tokens[i] !== ";") {
            const tok = tokens[i]!;
            if (/^[0-9]+$/.test(tok)) {
              const from = Number(tok);
              let to = from;
              if (tokens[i + 1] === "to") {
                const end = tokens[i + 2];
                to = end === "max" ? Number.MAX_SAFE_INTEGER : Number(end);
                i += 2;
              }
              message.reservedNumbers.push([from, Number.isFinite(to) ? to : from]);
            } else if (/^["']/.test(tok)) {
              message.reservedNames.add(tok.slice(1, -1));
            }
            i++;
          }
          i++;
          continue;
        }
        // A field: [label] type name = number [options] ;
        let label: ProtoField["label"] = "";
        if (t === "optional" || t === "required" || t === "repeated") {
          label = t;
          i++;
        }
        let type = tokens[i];
        if (type === undefined) return `unexpected end inside message ${fullName}`;
        i++;
        if (type === "map" && tokens[i] === "<") {
          const k = tokens[i + 1];
          const v = tokens[i + 3];
          if (tokens[i + 2] !== "," || tokens[i + 4] !== ">") return `malformed map field in ${fullName}`;
          type = `map<${k},${v}>`;
          i += 5;
        }
        const name = tokens[i];
        const eq = tokens[i + 1];
        const num = tokens[i + 2];
        if (name === undefined || eq !== "=" || num === undefined || !/^[0-9]+$/.test(num)) {
          return `cannot parse field "${[label, type, name, eq, num].filter(Boolean).join(" ")}" in message ${fullName}`;
        }
        i += 3;
        message.fields.set(Number(num), { name, number: Number(num), type: type.replace(/^\./, ""), label });
        // options and the terminating ';'
        while (i < tokens.length && tokens[i] !== ";" && tokens[i] !== "}") i++;
        if (tokens[i] === ";") i++;
      }
      return `unbalanced braces: message ${fullName} is not closed`;
    };
    return parseBody(false);
  };

  while (i < tokens.length) {
    const t = peek();
    if (t === "message") {
      const name = tokens[i + 1];
      if (!name || !/^[A-Za-z_]/.test(name)) return { ok: false, error: "message without a name" };
      i += 2;
      const error = parseMessage(pkg ? `${pkg}.${name}` : name);
      if (error) return { ok: false, error };
    } else if (t === "package") {
      pkg = tokens[i + 1] ?? "";
      skipStatement();
    } else if (t === "syntax" || t === "import" || t === "option" || t === "enum" || t === "service" || t === "extend" || t === "edition") {
      skipStatement();
    } else if (t === ";") {
      i++;
    } else {
      return { ok: false, error: `unexpected "${t}" at top level` };
    }
  }
  if (messages.size === 0) return { ok: false, error: "no message definition found" };
  return { ok: true, value: { messages } };
}

const CHECKERS: Record<SchemaType, Checker<unknown>> = {
  AVRO: avroChecker,
  JSON: jsonChecker,
  PROTOBUF: protoChecker,
};
