/**
 * Builders for the project's own compatibility corpus: one pair (or history) per case, its change
 * class, and the verdict the documented rules (docs/schema-compatibility.md) give it. The schemas
 * are written here for this project; none is copied from another project's tests.
 */
import type { CompatibilityLevel, SchemaType } from "../../../../contract/vocabulary.ts";
import type { ReferenceCase } from "../reference-cases.ts";

type Schema = unknown;

export type PairOptions = {
  level?: CompatibilityLevel;
  /** Versions registered before `old` (oldest first): the history then is [...before, old]. */
  before?: Schema[];
  /** Name -> schema, for the candidate and for every registered version. */
  candidateReferences?: Record<string, Schema>;
  oldReferences?: Record<string, Schema>;
  /** The verdict under the JSON Schema LENIENT policy, when the case pins it. */
  lenient?: boolean;
};

export type Corpus = {
  /** A change the rules accept. */
  accepts(cls: string, description: string, old: Schema, candidate: Schema, options?: PairOptions): ReferenceCase;
  /** A change the rules refuse; `paths` are where its messages must locate the break (see `namesPath`). */
  refuses(cls: string, description: string, old: Schema, candidate: Schema, paths: string[], options?: PairOptions): ReferenceCase;
};

export function corpus(schemaType: SchemaType, prefix: string): Corpus {
  const text = (s: Schema): string => (typeof s === "string" && schemaType === "PROTOBUF" ? s : JSON.stringify(s));
  const refs = (r: Record<string, Schema> | undefined) =>
    r === undefined ? undefined : Object.fromEntries(Object.entries(r).map(([name, s]) => [name, text(s)]));
  const build = (cls: string, description: string, old: Schema, candidate: Schema, expected: ReferenceCase["expected"], o: PairOptions = {}): ReferenceCase => {
    const history = [...(o.before ?? []), old];
    const oldReferences = refs(o.oldReferences);
    return {
      source: `${prefix}/${cls}`,
      description,
      schemaType,
      candidate: text(candidate),
      ...(o.candidateReferences && { references: refs(o.candidateReferences) }),
      existing: history.map((s, i) => ({ version: i + 1, schema: text(s), ...(oldReferences && { references: oldReferences }) })),
      level: o.level ?? "BACKWARD",
      expected: { ...expected, ...(o.lenient !== undefined && { lenient: o.lenient }) },
    };
  };
  return {
    accepts: (cls, description, old, candidate, options) => build(cls, description, old, candidate, { compatible: true }, options),
    refuses: (cls, description, old, candidate, paths, options) => build(cls, description, old, candidate, { compatible: false, paths }, options),
  };
}

/** The change class of a case (`own/json/pattern` -> `pattern`). */
export const classOf = (c: ReferenceCase): string => c.source.slice(c.source.lastIndexOf("/") + 1);
