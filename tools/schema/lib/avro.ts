/**
 * Avro compatibility: avsc's resolver (namespaces ignored, as Avro Java's SchemaCompatibility
 * compares unqualified names) decides; the structural diff below explains why.
 */
import avsc from "avsc";
import { errorText, NEW_READS_OLD, OLD_READS_NEW, shortName, type Checker } from "./checker.ts";

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

export const avroChecker: Checker<AvroParsed> = {
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
