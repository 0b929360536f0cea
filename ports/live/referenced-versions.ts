/**
 * For a recording: the subject versions that recorded schemas reference and that the recorded
 * subjects do not hold (a soft-deleted version still referenced, a subject the listing missed),
 * read through the registry port, recursively, so that a replay resolves every reference the
 * live check could. What cannot be read is reported, not guessed.
 */
import type { ReferencedSchema, SchemaReference, Subject } from "../../contract/incident.ts";
import { MAX_DEPTH } from "../../tools/schema/lib/references.ts";
import type { RegistryPort } from "../ports.ts";

export interface ReferencedVersions {
  referenced: ReferencedSchema[];
  /** One line per reference that could not be read. */
  faults: string[];
}

export async function referencedVersions(registry: RegistryPort, subjects: readonly Subject[]): Promise<ReferencedVersions> {
  const key = (subject: string, version: number) => `${subject} v${version}`;
  const held = new Set(subjects.flatMap((s) => s.versions.map((v) => key(s.subject, v.version))));
  const referenced: ReferencedSchema[] = [];
  const faults: string[] = [];
  const seen = new Set<string>();
  // Breadth first, one level of references at a time, at most MAX_DEPTH levels.
  let wanted: SchemaReference[] = subjects.flatMap((s) => s.versions.flatMap((v) => v.references ?? []));
  for (let depth = 0; wanted.length && depth < MAX_DEPTH; depth++) {
    const next: SchemaReference[] = [];
    for (const ref of wanted) {
      const k = key(ref.subject, ref.version);
      if (held.has(k) || seen.has(k)) continue;
      seen.add(k);
      const r = await registry.schemaVersion(ref.subject, ref.version);
      if (r.kind !== "ok") {
        faults.push(`referenced schema ${k}: ${r.kind === "unavailable" ? `${r.what}: ${r.reason}` : `not found (${r.what})`}`);
        continue;
      }
      const { subject, version, id, schemaType, schema, references } = r.value;
      referenced.push({ subject, version, ...(id !== undefined && { id }), schemaType, schema, ...(references?.length && { references }) });
      next.push(...(references ?? []));
    }
    wanted = next;
  }
  if (wanted.some((ref) => !held.has(key(ref.subject, ref.version)) && !seen.has(key(ref.subject, ref.version)))) {
    faults.push(`schema references deeper than ${MAX_DEPTH} levels were not recorded`);
  }
  referenced.sort((a, b) => a.subject.localeCompare(b.subject) || a.version - b.version);
  return { referenced, faults };
}
