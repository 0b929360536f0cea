/**
 * The differences between two Protobuf schemas, ported from Confluent's protobuf-provider
 * (`diff/SchemaDiff`, `MessageSchemaDiff`, `FieldSchemaDiff`, `EnumSchemaDiff`). `original` is
 * the schema the data was written with, `update` the one that reads it: a BACKWARD check is
 * diff(old, candidate), a FORWARD one diff(candidate, old), as the registry's
 * `isBackwardCompatible` is called in each direction.
 */
import { DiffContext, type Difference, type ProtoSchema } from "./context.ts";
import { COMPATIBLE_CHANGES } from "./differences.ts";
import type { ProtoEnum, ProtoField, ProtoFieldType, ProtoLabel, ProtoMessage, ProtoOneOf, ProtoTypeElement } from "./model.ts";

export function schemaDiff(original: ProtoSchema, update: ProtoSchema): Difference[] {
  const ctx = DiffContext.of(original, update);
  if (original.main.packageName !== update.main.packageName) {
    ctx.add("PACKAGE_CHANGED", { subject: "the package", original: original.main.packageName, update: update.main.packageName });
  }
  compareTypeElements(ctx, original.main.types, update.main.types);
  return ctx.differences;
}

export function isIncompatible(difference: Difference): boolean {
  return !COMPATIBLE_CHANGES.has(difference.type);
}

function compareTypeElements(ctx: DiffContext, original: ProtoTypeElement[], update: ProtoTypeElement[]): void {
  const index = (types: ProtoTypeElement[]) => {
    const messages = new Map<string, { message: ProtoMessage; index: number }>();
    const enums = new Map<string, ProtoEnum>();
    for (const type of types) {
      if (type.kind === "message") messages.set(type.name, { message: type, index: messages.size });
      else enums.set(type.name, type);
    }
    return { messages, enums };
  };
  const o = index(original);
  const u = index(update);
  for (const name of new Set([...o.messages.keys(), ...u.messages.keys()])) {
    ctx.inName(name, () => {
      const om = o.messages.get(name);
      const um = u.messages.get(name);
      if (!um) ctx.add("MESSAGE_REMOVED", { subject: `message ${name}` });
      else if (!om) ctx.add("MESSAGE_ADDED", { subject: `message ${name}` });
      else {
        compareMessages(ctx, om.message, um.message);
        // Reordering is compatible: message indexes are relative to the schema id the data carries.
        if (om.index !== um.index) ctx.add("MESSAGE_MOVED", { subject: `message ${name}` });
      }
    });
  }
  for (const name of new Set([...o.enums.keys(), ...u.enums.keys()])) {
    ctx.inName(name, () => {
      const oe = o.enums.get(name);
      const ue = u.enums.get(name);
      if (!ue) ctx.add("ENUM_REMOVED", { subject: `enum ${name}` });
      else if (!oe) ctx.add("ENUM_ADDED", { subject: `enum ${name}` });
      else compareEnums(ctx, oe, ue);
    });
  }
}

function compareEnums(ctx: DiffContext, original: ProtoEnum, update: ProtoEnum): void {
  const o = new Map(original.constants.map((c) => [c.tag, c.name]));
  const u = new Map(update.constants.map((c) => [c.tag, c.name]));
  for (const tag of new Set([...o.keys(), ...u.keys()])) {
    ctx.inPath(String(tag), () => {
      const on = o.get(tag);
      const un = u.get(tag);
      const subject = `enum ${update.name} value ${tag}`;
      if (un === undefined) ctx.add("ENUM_CONST_REMOVED", { subject, original: on });
      else if (on === undefined) ctx.add("ENUM_CONST_ADDED", { subject, update: un });
      else if (on !== un) ctx.add("ENUM_CONST_CHANGED", { subject, original: on, update: un });
    });
  }
}

type FieldIndex = { byTag: Map<number, ProtoField>; oneofOf: Map<number, string>; oneofs: Map<string, ProtoOneOf> };

function indexFields(message: ProtoMessage): FieldIndex {
  const byTag = new Map<number, ProtoField>();
  const oneofOf = new Map<number, string>();
  const oneofs = new Map<string, ProtoOneOf>();
  for (const field of message.fields) byTag.set(field.tag, field);
  for (const oneof of message.oneofs) {
    oneofs.set(oneof.name, oneof);
    for (const field of oneof.fields) {
      byTag.set(field.tag, field);
      oneofOf.set(field.tag, oneof.name);
    }
  }
  return { byTag, oneofOf, oneofs };
}

const fieldSubject = (field: ProtoField): string => `field "${field.name}" (number ${field.tag})`;

function compareMessages(ctx: DiffContext, original: ProtoMessage, update: ProtoMessage): void {
  ctx.inSchema(original, () => {
    const o = indexFields(original);
    const u = indexFields(update);

    // A oneof removed with none of its members left anywhere is a deletion, accepted as such.
    const deletedOneofs = new Set<string>();
    for (const [name, oneof] of o.oneofs) {
      if (!u.oneofs.has(name) && !oneof.fields.some((f) => u.byTag.has(f.tag))) deletedOneofs.add(name);
    }

    // Fields that were independent and are now mutually exclusive: old data may set several.
    for (const oneof of update.oneofs) {
      ctx.inPath(oneof.name, () => {
        const groups = new Set<string>();
        const movedIn: string[] = [];
        const joined: string[] = [];
        for (const field of oneof.fields) {
          const from = o.oneofOf.get(field.tag);
          if (from !== undefined) {
            groups.add(`oneof:${from}`);
            joined.push(field.name);
          } else if (o.byTag.has(field.tag)) {
            groups.add(`field:${field.tag}`);
            movedIn.push(field.name);
            joined.push(field.name);
          }
        }
        if (groups.size > 1) {
          const detail = { subject: `oneof "${oneof.name}"`, update: joined.join(", "), original: movedIn.join(", ") };
          ctx.add(movedIn.length > 1 ? "MULTIPLE_FIELDS_MOVED_TO_ONEOF" : "FIELD_MOVED_TO_EXISTING_ONEOF", detail);
        }
      });
    }

    for (const name of [...new Set([...o.oneofs.keys(), ...u.oneofs.keys()])].sort()) {
      ctx.inPath(name, () => {
        if (!u.oneofs.has(name)) ctx.add("ONEOF_REMOVED", { subject: `oneof "${name}"` });
        else if (!o.oneofs.has(name)) ctx.add("ONEOF_ADDED", { subject: `oneof "${name}"` });
      });
    }

    const tags = [...new Set([...o.byTag.keys(), ...u.byTag.keys()])].sort((a, b) => a - b);
    for (const tag of tags) {
      const of = o.byTag.get(tag);
      const uf = u.byTag.get(tag);
      const oOneof = o.oneofOf.get(tag);
      const uOneof = u.oneofOf.get(tag);
      if (!uf && of) {
        if (oOneof !== undefined) {
          if (!deletedOneofs.has(oOneof)) ctx.inPath(oOneof, () => ctx.inPath(String(tag), () => ctx.add("ONEOF_FIELD_REMOVED", { subject: `${fieldSubject(of)} of oneof "${oOneof}"` })));
        } else {
          ctx.inPath(String(tag), () => ctx.add(of.label === "required" ? "REQUIRED_FIELD_REMOVED" : "FIELD_REMOVED", { subject: fieldSubject(of) }));
        }
      } else if (uf && !of) {
        if (uOneof !== undefined) ctx.inPath(uOneof, () => ctx.inPath(String(tag), () => ctx.add("ONEOF_FIELD_ADDED", { subject: `${fieldSubject(uf)} of oneof "${uOneof}"` })));
        else ctx.inPath(String(tag), () => ctx.add(uf.label === "required" ? "REQUIRED_FIELD_ADDED" : "FIELD_ADDED", { subject: fieldSubject(uf) }));
      } else if (uf && of) {
        if (oOneof !== undefined && uOneof === undefined) {
          ctx.inPath(String(tag), () => ctx.add("ONEOF_FIELD_MOVED_TO_TOP_LEVEL", { subject: fieldSubject(uf), original: oOneof }));
        }
        // Compared whatever their oneofs, reported where the field now is.
        if (uOneof !== undefined) ctx.inPath(uOneof, () => ctx.inPath(String(tag), () => compareFields(ctx, of, uf)));
        else ctx.inPath(String(tag), () => compareFields(ctx, of, uf));
      }
    }
  });
  compareTypeElements(ctx, original.nested, update.nested);
}

function compareFields(ctx: DiffContext, original: ProtoField, update: ProtoField): void {
  if (original.name !== update.name) ctx.add("FIELD_NAME_CHANGED", { subject: `field number ${update.tag}`, original: original.name, update: update.name });
  const subject = original.name === update.name ? fieldSubject(update) : `field number ${update.tag} ("${original.name}", now "${update.name}")`;
  compareLabelsAndTypes(ctx, subject, original.label, update.label, original.type, update.type);
}

const SCALAR_KINDS: Record<string, string> = {
  int32: "GENERAL_NUMBER",
  int64: "GENERAL_NUMBER",
  uint32: "GENERAL_NUMBER",
  uint64: "GENERAL_NUMBER",
  bool: "GENERAL_NUMBER",
  sint32: "SIGNED_NUMBER",
  sint64: "SIGNED_NUMBER",
  string: "STRING_OR_BYTES",
  bytes: "STRING_OR_BYTES",
  fixed32: "FIXED32",
  sfixed32: "FIXED32",
  fixed64: "FIXED64",
  sfixed64: "FIXED64",
  float: "FLOAT",
  double: "DOUBLE",
};

export function typeText(type: ProtoFieldType): string {
  return type.map ? `map<${type.key}, ${type.value}>` : type.name;
}

type Kind = "SCALAR" | "MAP" | "MESSAGE";

/** Enums count as scalars: on the wire they are varints, like int32. */
function kindOf(ctx: DiffContext, type: ProtoFieldType, isOriginal: boolean): Kind {
  if (type.map) return "MAP";
  if (SCALAR_KINDS[type.name] !== undefined) return "SCALAR";
  return ctx.getType(type.name, isOriginal)?.type.kind === "enum" ? "SCALAR" : "MESSAGE";
}

function scalarKind(ctx: DiffContext, name: string, isOriginal: boolean): string {
  if (ctx.getType(name, isOriginal)?.type.kind === "enum") return "GENERAL_NUMBER";
  return SCALAR_KINDS[name] ?? "ANY";
}

function compareLabelsAndTypes(
  ctx: DiffContext,
  subject: string,
  originalLabel: ProtoLabel,
  updateLabel: ProtoLabel,
  original: ProtoFieldType,
  update: ProtoFieldType,
): void {
  const ok = kindOf(ctx, original, true);
  const uk = kindOf(ctx, update, false);
  if (ok !== uk) {
    ctx.add("FIELD_KIND_CHANGED", { subject, original: `${typeText(original)} (${ok.toLowerCase()})`, update: `${typeText(update)} (${uk.toLowerCase()})` });
    return;
  }
  if (original.map && update.map) {
    compareLabelsAndTypes(ctx, `${subject}, its map key`, null, null, { map: false, name: original.key }, { map: false, name: update.key });
    compareLabelsAndTypes(ctx, `${subject}, its map value`, null, null, { map: false, name: original.value }, { map: false, name: update.value });
    return;
  }
  if (original.map || update.map) return;
  if (ok === "SCALAR") {
    const os = scalarKind(ctx, original.name, true);
    const us = scalarKind(ctx, update.name, false);
    if (os !== us) {
      ctx.add("FIELD_SCALAR_KIND_CHANGED", { subject, original: original.name, update: update.name });
    } else if (originalLabel !== null && updateLabel !== null && originalLabel !== updateLabel) {
      // Confluent compares labels only when both are written: proto3 `int32 x` -> `repeated int32 x` passes.
      const detail = { subject, original: `${originalLabel} ${original.name}`, update: `${updateLabel} ${update.name}` };
      if (os === "STRING_OR_BYTES") ctx.add("FIELD_STRING_OR_BYTES_LABEL_CHANGED", detail);
      else if (os !== "ANY") ctx.add("FIELD_NUMERIC_LABEL_CHANGED", detail);
    }
  } else if (ok === "MESSAGE") {
    compareMessageTypes(ctx, subject, original.name, update.name);
  }
}

function compareMessageTypes(ctx: DiffContext, subject: string, original: string, update: string): void {
  const originalFull = ctx.resolve(original, true);
  const updateFull = ctx.resolve(update, false);
  if (originalFull === undefined || updateFull === undefined) {
    // Unresolved (an import not at hand): compared by the name as written.
    if (original !== update) ctx.add("FIELD_NAMED_TYPE_CHANGED", { subject, original, update });
    return;
  }
  const o = ctx.getType(originalFull, true);
  const u = ctx.getType(updateFull, false);
  if (!o || !u || o.type.kind !== "message" || u.type.kind !== "message") return;
  const localName = (full: string, packageName: string) => (full.startsWith(`${packageName}.`) ? full.slice(packageName.length + 1) : full);
  const originalLocal = localName(originalFull, o.packageName);
  const updateLocal = localName(updateFull, u.packageName);
  if (originalLocal !== updateLocal) {
    ctx.add("FIELD_NAMED_TYPE_CHANGED", { subject, original: originalFull, update: updateFull });
    return;
  }
  // Types of the schema itself are compared where they are defined; an imported one is compared
  // here unless both sides import the very same file (same subject version).
  const sameSource = o.file.path === u.file.path && (o.file.path === "" || o.file.text === u.file.text);
  if (sameSource) return;
  const sub = ctx.subcontext();
  sub.setPackageName(o.packageName, true);
  sub.setPackageName(u.packageName, false);
  sub.setFullName(originalLocal);
  compareMessages(sub, o.type, u.type);
  ctx.differences.push(...sub.differences);
  if (sub.differences.some(isIncompatible)) ctx.add("FIELD_NAMED_TYPE_CHANGED", { subject, original: originalFull, update: updateFull });
}
