/**
 * A .proto file as Confluent's diff sees it (Square Wire's `ProtoFileElement`): the package, the
 * types in declaration order, and every field's label and type *as written*. protobufjs parses
 * the text; nothing is resolved here (names are resolved by scope in context.ts, as Confluent's
 * `Context` does).
 */
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import protobuf from "protobufjs";

/** `null` is a proto3 field written without a label (Wire's `label == null`). */
export type ProtoLabel = "optional" | "required" | "repeated" | null;

export type ProtoFieldType = { map: false; name: string } | { map: true; key: string; value: string };

export type ProtoField = { name: string; tag: number; label: ProtoLabel; type: ProtoFieldType };

export type ProtoOneOf = { name: string; fields: ProtoField[] };

export type ProtoMessage = {
  kind: "message";
  name: string;
  /** Fields outside any oneof, in declaration order. */
  fields: ProtoField[];
  oneofs: ProtoOneOf[];
  nested: ProtoTypeElement[];
};

export type ProtoEnum = { kind: "enum"; name: string; constants: Array<{ name: string; tag: number }> };

export type ProtoTypeElement = ProtoMessage | ProtoEnum;

export type ProtoFile = {
  /** The import path ("" for the schema itself). */
  path: string;
  /** The text it was parsed from: two imports of the same path and text are the same subject version. */
  text: string;
  packageName: string;
  imports: string[];
  types: ProtoTypeElement[];
};

/** Parses one .proto text; throws protobufjs's error (with its line) when the text is not valid. */
export function parseProtoFile(path: string, text: string): ProtoFile {
  const parsed = protobuf.parse(text, { keepCase: true, alternateCommentMode: true });
  const packageName = parsed.package ?? "";
  return {
    path,
    text,
    packageName,
    imports: [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])],
    types: typesOf(packageNamespace(parsed.root, packageName)),
  };
}

/**
 * The well-known imports a registry resolves without references. The google/protobuf files come
 * from protobufjs (bundled JSON or .proto); the others Confluent also knows (`google/type/*`,
 * `confluent/*`) are accepted without their contents: a type from them stays unresolved, which
 * the diff handles as Confluent does (a message compared by name).
 */
export function wellKnownFile(path: string): ProtoFile | "known" | undefined {
  if (path.startsWith("google/protobuf/")) {
    const json = protobuf.common.get(path);
    if (json) {
      const root = protobuf.Root.fromJSON(json);
      return { path, text: `protobufjs:${path}`, packageName: "google.protobuf", imports: [], types: typesOf(packageNamespace(root, "google.protobuf")) };
    }
    const text = bundledProto(path);
    if (text !== undefined) return parseProtoFile(path, text);
  }
  if (path.startsWith("google/type/") || path.startsWith("confluent/") || path.startsWith("google/protobuf/")) return "known";
  return undefined;
}

const require = createRequire(import.meta.url);

function bundledProto(path: string): string | undefined {
  try {
    return readFileSync(require.resolve(`protobufjs/${path}`), "utf8");
  } catch {
    return undefined;
  }
}

function packageNamespace(root: protobuf.Root, packageName: string): protobuf.NamespaceBase {
  let ns: protobuf.NamespaceBase = root;
  for (const part of packageName === "" ? [] : packageName.split(".")) {
    const next = ns.nested?.[part];
    if (!(next instanceof protobuf.Namespace)) return ns;
    ns = next;
  }
  return ns;
}

function typesOf(ns: protobuf.NamespaceBase): ProtoTypeElement[] {
  const out: ProtoTypeElement[] = [];
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) out.push(messageOf(nested));
    else if (nested instanceof protobuf.Enum) out.push({ kind: "enum", name: nested.name, constants: Object.entries(nested.values).map(([name, tag]) => ({ name, tag })) });
  }
  return out;
}

/**
 * protobufjs records the file's syntax on its top-level reflection objects (`_edition`:
 * "proto2", "proto3" or an edition); a proto2 field without `repeated`/`required` was written
 * `optional`, a proto3 one was written without a label unless protobufjs marked it `proto3_optional`.
 */
function syntaxOf(object: protobuf.ReflectionObject): string {
  let at: protobuf.ReflectionObject | null = object;
  while (at) {
    const edition = (at as unknown as { _edition?: unknown })._edition;
    if (typeof edition === "string") return edition;
    at = at.parent;
  }
  return "proto2";
}

function messageOf(type: protobuf.Type): ProtoMessage {
  const proto2 = syntaxOf(type) === "proto2";
  // proto3 `optional` becomes a synthetic oneof in protobufjs; Wire keeps it a plain field.
  const synthetic = (oneof: protobuf.OneOf): boolean =>
    oneof.oneof.length === 1 && type.fields[oneof.oneof[0] ?? ""]?.options?.["proto3_optional"] === true;
  const labelOf = (field: protobuf.Field): ProtoLabel => {
    if (field.rule === "repeated" || field.rule === "required") return field.rule;
    if (field.options?.["proto3_optional"] === true) return "optional";
    const inRealOneof = field.partOf !== null && !synthetic(field.partOf);
    return proto2 && !field.map && !inRealOneof ? "optional" : null;
  };
  const fieldOf = (field: protobuf.Field): ProtoField => ({
    name: field.name,
    tag: field.id,
    label: labelOf(field),
    type: field instanceof protobuf.MapField ? { map: true, key: field.keyType, value: field.type } : { map: false, name: field.type },
  });
  const oneofs = type.oneofsArray.filter((o) => !synthetic(o));
  const inOneof = new Set(oneofs.flatMap((o) => o.oneof));
  return {
    kind: "message",
    name: type.name,
    fields: type.fieldsArray.filter((f) => !inOneof.has(f.name)).map(fieldOf),
    oneofs: oneofs.map((o) => ({ name: o.name, fields: o.oneof.flatMap((n) => (type.fields[n] ? [fieldOf(type.fields[n])] : [])) })),
    nested: typesOf(type),
  };
}
