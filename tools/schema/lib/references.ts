/**
 * Resolves a schema's references (Confluent's `references: [{name, subject, version}]`) into
 * the flat map the checkers parse with: reference name -> schema text, nested references
 * included. The versions are read through a caller-given reader (the registry port's
 * `schemaVersion`), so live and replay resolve the same way.
 *
 * Guards: a reference chain deeper than MAX_DEPTH, or one that comes back to a subject version
 * already on the chain, is refused with the chain named (a registry cannot hold a cycle, since
 * a reference must exist before the schema naming it; a recording written by hand can). The
 * same name bound to two different texts is refused too: the checker could not tell which one
 * the schema means.
 */
import type { SchemaReference } from "../../../contract/incident.ts";
import { notRecorded, ok, type Readout } from "../../../ports/ports.ts";
import type { References } from "./checker.ts";
import { checkCompatibility, type CheckCompatibilityArgs, type CompatibilityVerdict, type ExistingSchema } from "./compatibility.ts";

/** Deeper than any real import chain; what stops a runaway recording. */
export const MAX_DEPTH = 16;

/** What resolution needs of a referenced version. */
export interface ReferencedText {
  schema: string;
  references?: readonly SchemaReference[] | undefined;
}

export type ReadVersion = (subject: string, version: number) => Promise<Readout<ReferencedText>>;

/**
 * The flattened references of one schema; `ok(empty map)` when it has none. A reference that
 * cannot be read answers the reader's own gap (notRecorded / unavailable), naming the chain.
 */
export async function resolveReferences(
  references: readonly SchemaReference[] | undefined,
  read: ReadVersion,
  maxDepth: number = MAX_DEPTH,
): Promise<Readout<References>> {
  const resolved = new Map<string, string>();
  // One read per subject version, however many schemas on the tree reference it (a diamond).
  const cache = new Map<string, Promise<Readout<ReferencedText>>>();
  const readOnce = (ref: SchemaReference) => {
    const key = versionKey(ref);
    let hit = cache.get(key);
    if (!hit) cache.set(key, (hit = read(ref.subject, ref.version)));
    return hit;
  };

  const visit = async (refs: readonly SchemaReference[], chain: string[]): Promise<Readout<void>> => {
    for (const ref of refs) {
      const here = versionKey(ref);
      const path = [...chain, here];
      if (chain.includes(here)) return notRecorded(`schema references: a cycle (${path.join(" -> ")})`);
      if (path.length > maxDepth) return notRecorded(`schema references: deeper than ${maxDepth} (${path.join(" -> ")})`);
      const r = await readOnce(ref);
      if (r.kind !== "ok") return { ...r, what: `referenced schema ${here}${chain.length ? ` (via ${chain.join(" -> ")})` : ""}: ${r.what}` };
      const known = resolved.get(ref.name);
      if (known !== undefined && known !== r.value.schema) {
        return notRecorded(`schema references: the name ${JSON.stringify(ref.name)} is bound to two different schemas (${here} and an earlier one)`);
      }
      resolved.set(ref.name, r.value.schema);
      const nested = await visit(r.value.references ?? [], path);
      if (nested.kind !== "ok") return nested;
    }
    return ok(undefined);
  };

  const done = await visit(references ?? [], []);
  return done.kind === "ok" ? ok(resolved) : done;
}

const versionKey = (ref: { subject: string; version: number }) => `${ref.subject} v${ref.version}`;

/** A schema as the registry port holds it: text plus unresolved references. */
export interface SchemaWithReferences {
  version: number;
  schema: string;
  references?: readonly SchemaReference[] | undefined;
}

/**
 * `checkCompatibility` with every reference of the candidate and of the existing versions
 * resolved first through `read`. A reference that cannot be resolved is a gap in what was
 * read (the recording lacks the referenced version, the registry did not answer), not a
 * verdict: the check answers that gap instead of guessing.
 */
export async function checkWithReferences(
  args: Omit<CheckCompatibilityArgs, "candidateReferences" | "existing"> & {
    candidateReferences?: readonly SchemaReference[] | undefined;
    existing: readonly SchemaWithReferences[];
  },
  read: ReadVersion,
): Promise<Readout<CompatibilityVerdict>> {
  const candidateReferences = await resolveReferences(args.candidateReferences, read);
  if (candidateReferences.kind !== "ok") return { ...candidateReferences, what: `the candidate's ${candidateReferences.what}` };
  const existing: ExistingSchema[] = [];
  for (const v of args.existing) {
    const references = await resolveReferences(v.references, read);
    if (references.kind !== "ok") return { ...references, what: `version ${v.version}'s ${references.what}` };
    existing.push({ version: v.version, schema: v.schema, references: references.value });
  }
  return ok(checkCompatibility({ schemaType: args.schemaType, level: args.level, candidate: args.candidate, candidateReferences: candidateReferences.value, existing }));
}
