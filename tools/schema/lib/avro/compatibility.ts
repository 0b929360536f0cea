/**
 * Whether an Avro reader schema can read data written with a writer schema: a port of Avro Java's
 * `SchemaCompatibility.ReaderWriterCompatibilityChecker` (the check Confluent's AvroSchema runs),
 * with the same rules (promotions, unions branch by branch, unqualified names or reader aliases,
 * field defaults, enum defaults, fixed sizes) and the same recursion guard (a pair already being
 * compared is compatible unless proven otherwise).
 *
 * Where Avro Java only says "reader union lacking writer type", the reader branch of the same
 * name or kind is compared to say what inside it breaks (the verdict is the same).
 */
import { NEW_READS_OLD, OLD_READS_NEW } from "../checker.ts";
import { unqualified, type AvroField, type AvroNamed, type AvroNode } from "./model.ts";

export type IncompatibilityType =
  | "TYPE_MISMATCH"
  | "NAME_MISMATCH"
  | "FIXED_SIZE_MISMATCH"
  | "MISSING_ENUM_SYMBOLS"
  | "READER_FIELD_MISSING_DEFAULT_VALUE"
  | "MISSING_UNION_BRANCH";

/** `say` words it once the field path is known; locations and paths are relative to the pair compared. */
type Finding = { rule: IncompatibilityType; location: string[]; path: string[]; say: (where: string, path: string, words: Words) => string[] };

type Words = { why: string; readerIsNew: boolean; old: (r: AvroNode, w: AvroNode) => AvroNode; new: (r: AvroNode, w: AvroNode) => AvroNode };

export type Incompatibility = { rule: IncompatibilityType; location: string; path: string; message: string };

/** Every reason `reader` cannot read `writer`'s data; empty when it can. `readerIsNew` only picks the words. */
export function incompatibilities(reader: AvroNode, writer: AvroNode, readerIsNew: boolean): Incompatibility[] {
  const words: Words = {
    why: readerIsNew ? NEW_READS_OLD : OLD_READS_NEW,
    readerIsNew,
    old: (r, w) => (readerIsNew ? w : r),
    new: (r, w) => (readerIsNew ? r : w),
  };
  return new PairChecker().compare(reader, writer).flatMap((f) => {
    const path = pathText(f.path);
    return f.say(path === "" ? "the top-level schema" : `field "${path}"`, path, words).map((message) => ({ rule: f.rule, location: `/${f.location.join("/")}`, path, message }));
  });
}

function pathText(segments: string[]): string {
  return segments.reduce((text, s) => (s === "[]" || s === "{}" ? text + s : text === "" ? s : `${text}.${s}`), "");
}

const within = (findings: Finding[], location: string[], path: string[]): Finding[] =>
  findings.map((f) => ({ ...f, location: [...location, ...f.location], path: [...path, ...f.path] }));

const PROMOTIONS: Record<string, string[]> = { long: ["int"], float: ["int", "long"], double: ["int", "long", "float"], bytes: ["string"], string: ["bytes"] };

class PairChecker {
  private readonly memo = new Map<AvroNode, Map<AvroNode, Finding[] | "in progress">>();

  compare(reader: AvroNode, writer: AvroNode): Finding[] {
    let byWriter = this.memo.get(reader);
    if (!byWriter) this.memo.set(reader, (byWriter = new Map()));
    const known = byWriter.get(writer);
    if (known === "in progress") return []; // recursion: compatible unless proven otherwise
    if (known) return known;
    byWriter.set(writer, "in progress");
    const found = this.calculate(reader, writer);
    byWriter.set(writer, found);
    return found;
  }

  private calculate(r: AvroNode, w: AvroNode): Finding[] {
    if (r.type === w.type) {
      switch (r.type) {
        case "array":
          return within(this.compare(r.items, (w as typeof r).items), ["items"], ["[]"]);
        case "map":
          return within(this.compare(r.values, (w as typeof r).values), ["values"], ["{}"]);
        case "fixed": {
          const wf = w as typeof r;
          const size: Finding[] =
            r.size === wf.size
              ? []
              : [{ rule: "FIXED_SIZE_MISMATCH", location: ["size"], path: [], say: (where, _p, x) => [`${where}: fixed ${unqualified(r.name)} size changed from ${(x.old(r, w) as typeof r).size} to ${(x.new(r, w) as typeof r).size}: ${x.why}`] }];
          return [...nameCheck(r, wf), ...size];
        }
        case "enum":
          return [...nameCheck(r, w as typeof r), ...symbolsCheck(r, w as typeof r)];
        case "record":
          return [...nameCheck(r, w as typeof r), ...this.fields(r, w as typeof r)];
        case "union":
          return (w as typeof r).types.flatMap((branch, i) => {
            if (this.compare(r, branch).length === 0) return [];
            const inside = this.explain(r, branch);
            const missing: Finding = {
              rule: "MISSING_UNION_BRANCH",
              location: [],
              path: [],
              say: (where, _p, x) => [
                x.readerIsNew
                  ? `${where}: union no longer contains "${branchLabel(branch)}": ${x.why}`
                  : `${where}: union now also contains "${branchLabel(branch)}", which the old union does not: ${x.why}`,
              ],
            };
            return within(inside.length > 0 ? inside : [missing], [String(i)], []);
          });
        default:
          return [];
      }
    }
    if (w.type === "union") {
      return w.types.flatMap((branch, i) => {
        const found = this.compare(r, branch);
        // A branch the reader's type cannot take at all reads as a union change, not a field type change.
        const shallow = found.length > 0 && found.every((f) => f.location.length === 0 && f.rule === "TYPE_MISMATCH");
        return within(shallow ? [unionBranchMismatch(r, w, branch)] : found, [String(i)], []);
      });
    }
    if (r.type === "union") {
      if (r.types.some((branch) => this.compare(branch, w).length === 0)) return [];
      const inside = this.explain(r, w);
      return inside.length > 0 ? inside : [{ ...typeMismatch(r, w), rule: "MISSING_UNION_BRANCH" }];
    }
    return PROMOTIONS[r.type]?.includes(w.type) ? [] : [typeMismatch(r, w)];
  }

  /** What breaks inside the reader union's branch that Avro would pick for `writer` (same name or kind first, then a promotion). */
  private explain(readerUnion: AvroNode & { type: "union" }, writer: AvroNode): Finding[] {
    const same = readerUnion.types.find((b) => b.type === writer.type && (!("name" in b) || namesMatch(b, writer as AvroNamed)));
    const branch = same ?? readerUnion.types.find((b) => PROMOTIONS[b.type]?.includes(writer.type));
    return branch ? this.compare(branch, writer) : [];
  }

  private fields(r: AvroNode & { type: "record" }, w: AvroNode & { type: "record" }): Finding[] {
    return r.fields.flatMap((field, i): Finding[] => {
      const at = ["fields", String(i)];
      const matches = w.fields.filter((wf) => wf.name === field.name || field.aliases.includes(wf.name));
      if (matches.length > 1) {
        return [{ rule: "TYPE_MISMATCH", location: at, path: [field.name], say: (where, _p, x) => [`${where} matches several fields of the writer's record (${matches.map((m) => m.name).join(", ")}) through its aliases: ${x.why}`] }];
      }
      const writerField = matches[0];
      if (writerField) return within(this.compare(field.type, writerField.type), [...at, "type"], [field.name]);
      if (field.hasDefault) return [];
      // Avro Java: without a field default, an enum with its own default is compared to the writer record.
      if (field.type.type === "enum" && field.type.default !== undefined) return within(this.compare(field.type, w), [...at, "type"], [field.name]);
      return [missingDefault(field, at)];
    });
  }
}

function missingDefault(field: AvroField, location: string[]): Finding {
  return {
    rule: "READER_FIELD_MISSING_DEFAULT_VALUE",
    location,
    path: [field.name],
    say: (where, _p, x) => [x.readerIsNew ? `${where} added without a default: ${x.why}` : `${where} was removed and has no default in the reader: ${x.why}`],
  };
}

function typeMismatch(r: AvroNode, w: AvroNode): Finding {
  return { rule: "TYPE_MISMATCH", location: [], path: [], say: (where, _p, x) => [`${where} type changed from ${describe(x.old(r, w))} to ${describe(x.new(r, w))}: ${x.why}`] };
}

function unionBranchMismatch(r: AvroNode, writerUnion: AvroNode, branch: AvroNode): Finding {
  return {
    rule: "TYPE_MISMATCH",
    location: [],
    path: [],
    say: (where, _p, x) => [
      x.readerIsNew
        ? `${where}: union no longer contains "${branchLabel(branch)}" (type changed from ${describe(writerUnion)} to ${describe(r)}): ${x.why}`
        : `${where} type changed from ${describe(r)} to ${describe(writerUnion)}, whose "${branchLabel(branch)}" branch the old schema cannot read: ${x.why}`,
    ],
  };
}

/** Avro Java's schemaNameEquals: the unqualified names, or a reader alias naming the writer. */
function namesMatch(reader: AvroNamed, writer: AvroNamed): boolean {
  return unqualified(reader.name) === unqualified(writer.name) || reader.aliases.includes(writer.name);
}

function nameCheck(r: AvroNamed, w: AvroNamed): Finding[] {
  if (namesMatch(r, w)) return [];
  const hint = r.type === "record" ? " (an alias of the old name on the reader would keep it compatible)" : "";
  return [
    {
      rule: "NAME_MISMATCH",
      location: ["name"],
      path: [],
      say: (where, _p, x) => [`${where}: ${r.type} name changed from ${unqualified((x.old(r, w) as AvroNamed).name)} to ${unqualified((x.new(r, w) as AvroNamed).name)}${hint}: ${x.why}`],
    },
  ];
}

function symbolsCheck(r: AvroNode & { type: "enum" }, w: AvroNode & { type: "enum" }): Finding[] {
  const missing = [...new Set(w.symbols.filter((s) => !r.symbols.includes(s)))].sort();
  // The reader's enum default absorbs the symbols it does not know.
  if (missing.length === 0 || (r.default !== undefined && r.symbols.includes(r.default))) return [];
  return [
    {
      rule: "MISSING_ENUM_SYMBOLS",
      location: ["symbols"],
      path: [],
      say: (where, _p, x) =>
        missing.map((symbol) =>
          x.readerIsNew
            ? `${where}: enum symbol "${symbol}" removed (enum ${unqualified(r.name)} has no default): ${x.why}`
            : `${where}: enum symbol "${symbol}" added, and the old enum ${unqualified(r.name)} has no default: ${x.why}`,
        ),
    },
  ];
}

export function describe(t: AvroNode): string {
  switch (t.type) {
    case "record":
    case "enum":
      return `${t.type} ${unqualified(t.name)}`;
    case "fixed":
      return `fixed ${unqualified(t.name)}(${t.size})`;
    case "array":
      return `array<${describe(t.items)}>`;
    case "map":
      return `map<${describe(t.values)}>`;
    case "union":
      return `union [${t.types.map(branchLabel).join(", ")}]`;
    default:
      return t.type;
  }
}

function branchLabel(t: AvroNode): string {
  if ("name" in t) return unqualified(t.name);
  return t.type === "array" || t.type === "map" ? describe(t) : t.type;
}
