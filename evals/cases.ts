/**
 * Loading eval cases: every `*.json` in the fixtures directory that carries an `expected` block.
 * A file that cannot be read, is not JSON or breaks the contract becomes a case with an error
 * (scored as failed), never a crash.
 */
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { Expected, type Incident } from "../contract/incident.ts";
import { parseIncident, parseJsonText } from "../contract/parse.ts";

export type EvalCase =
  | { name: string; file: string; ok: true; incident: Incident; raw: Record<string, unknown> }
  | { name: string; file: string; ok: false; error: string; expected?: Expected };

export interface LoadedCases {
  cases: EvalCase[];
  /** Files without an `expected` block: valid or not, they are not eval cases. */
  skipped: string[];
}

export function loadCases(dir: string, filter?: string): LoadedCases {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort();
  const cases: EvalCase[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    const name = basename(file, ".json");
    const c = loadCase(join(dir, file), file, name);
    if (c === null) {
      skipped.push(file);
      continue;
    }
    if (filter && !name.includes(filter) && !(c.ok && c.incident.id.includes(filter))) continue;
    cases.push(c);
  }
  return { cases, skipped };
}

/** One file as a case; null when it is valid JSON without an `expected` block. */
export function loadCase(path: string, file: string, name: string): EvalCase | null {
  let raw: unknown;
  try {
    raw = parseJsonText(readFileSync(path, "utf8"), file);
  } catch (error) {
    return { name, file, ok: false, error: message(error) };
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return { name, file, ok: false, error: `${file}: $: expected object, got ${Array.isArray(raw) ? "array" : raw === null ? "null" : typeof raw}` };
  }
  const record = raw as Record<string, unknown>;
  if (!("expected" in record)) return null;
  try {
    const incident = parseIncident(record, file);
    if (!incident.expected) return null;
    return { name, file, ok: true, incident, raw: record };
  } catch (error) {
    const expected = Expected.safeParse(record.expected);
    return { name, file, ok: false, error: message(error), ...(expected.success && { expected: expected.data }) };
  }
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
