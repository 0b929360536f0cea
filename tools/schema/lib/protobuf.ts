/**
 * Protobuf compatibility with the semantics of Confluent Schema Registry's protobuf-provider:
 * protobufjs parses each file (the schema and, through `references`, what it imports), the diff
 * in protobuf/diff.ts is a port of Confluent's `SchemaDiff`, and a check fails on any difference
 * outside `COMPATIBLE_CHANGES` (protobuf/differences.ts). BACKWARD diffs old -> candidate,
 * FORWARD candidate -> old, as the registry does.
 */
import { errorText, type Checker, type Parsed, type References } from "./checker.ts";
import { DiffContext, type ProtoSchema } from "./protobuf/context.ts";
import { isIncompatible, schemaDiff } from "./protobuf/diff.ts";
import { describeDifference } from "./protobuf/messages.ts";
import { parseProtoFile, wellKnownFile, type ProtoFile, type ProtoMessage, type ProtoTypeElement } from "./protobuf/model.ts";

export const protoChecker: Checker<ProtoSchema> = {
  label: "Protobuf",
  parse: (text, references) => parseSchema(text, references ?? new Map(), true),
  parseRegistered: (text, references) => parseSchema(text, references ?? new Map(), false),
  compare(candidate, old, directions) {
    const out: string[] = [];
    for (const direction of directions) {
      const [original, update] = direction === "backward" ? [old, candidate] : [candidate, old];
      for (const difference of schemaDiff(original, update)) {
        if (isIncompatible(difference)) out.push(describeDifference(difference, direction));
      }
    }
    return [...new Set(out)];
  },
};

/**
 * `strict` is for a new schema: every import must be at hand and every type must resolve, as
 * the registry validates what it registers. A version already registered is taken as it is
 * (an unresolved type is then compared by its name, as Confluent's diff does).
 */
function parseSchema(text: string, references: References, strict: boolean): Parsed<ProtoSchema> {
  let main: ProtoFile;
  try {
    main = parseProtoFile("", text);
  } catch (error) {
    return { ok: false, error: errorText(error) };
  }
  const dependencies: ProtoFile[] = [];
  const seen = new Set<string>();
  let unloadable = false;
  const load = (file: ProtoFile): string | undefined => {
    for (const path of file.imports) {
      if (seen.has(path)) continue;
      seen.add(path);
      const referenced = references.get(path);
      let dependency: ProtoFile | "known" | undefined;
      try {
        dependency = referenced !== undefined ? parseProtoFile(path, referenced) : wellKnownFile(path);
      } catch (error) {
        return `import "${path}" is not valid Protobuf: ${errorText(error)}`;
      }
      if (dependency === "known") {
        unloadable = true;
        continue;
      }
      if (dependency === undefined) {
        if (strict) return `import "${path}" is neither a reference of the schema nor a well-known file`;
        continue;
      }
      const error = load(dependency);
      if (error) return error;
      dependencies.push(dependency);
    }
    return undefined;
  };
  const error = load(main);
  if (error) return { ok: false, error };
  const schema = { main, dependencies };
  if (strict && !unloadable) {
    const unresolved = unresolvedType(schema);
    if (unresolved) return { ok: false, error: unresolved };
  }
  return { ok: true, value: schema };
}

const SCALARS = new Set(["double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32", "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes"]);

/** The first field whose type the schema and its imports do not define, named; undefined when all resolve. */
function unresolvedType(schema: ProtoSchema): string | undefined {
  const ctx = DiffContext.of(schema, schema);
  const check = (types: ProtoTypeElement[]): string | undefined => {
    for (const type of types) {
      if (type.kind !== "message") continue;
      const found = ctx.inName(type.name, () => checkMessage(type) ?? check(type.nested));
      if (found) return found;
    }
    return undefined;
  };
  const checkMessage = (message: ProtoMessage): string | undefined => {
    for (const field of [...message.fields, ...message.oneofs.flatMap((o) => o.fields)]) {
      const names = field.type.map ? [field.type.value] : [field.type.name];
      for (const name of names) {
        if (!SCALARS.has(name) && ctx.resolve(name, true) === undefined) {
          return `message ${message.name}: field "${field.name}" has type ${name}, which neither the schema nor its imports define`;
        }
      }
    }
    return undefined;
  };
  return check(schema.main.types);
}
