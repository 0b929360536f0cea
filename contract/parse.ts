/**
 * Turning untrusted JSON text into validated contract objects, with errors that name the
 * source and the JSON path (`incident.snapshots[2].groups[0].offsets: expected object`).
 */
import type { z } from "zod";
import { BadInputError } from "../errors.ts";
import { Incident } from "./incident.ts";

/** `incident.snapshots[2].groups[0]` from zod's path array. */
export function jsonPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) out += `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, source: string, root: string): z.infer<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  // The first issue is the one to fix first; a wall of errors helps nobody at 3 AM.
  const issue = result.error.issues[0]!;
  const extra = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problems)` : "";
  throw new BadInputError(source, jsonPath(root, issue.path), describeIssue(issue) + extra);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") {
    const received = "input" in issue ? kindOf(issue.input) : "something else";
    const expected = issue.expected === "record" ? "object" : issue.expected;
    return `expected ${expected}, got ${received}`;
  }
  if (issue.code === "unrecognized_keys") return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  if (issue.code === "invalid_value") return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  return issue.message;
}

function kindOf(value: unknown): string {
  if (value === undefined) return "nothing (missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadInputError(source, "$", `not valid JSON (${(error as Error).message})`);
  }
}

/** Incidents this process has validated already: investigating one again skips the parse. */
const validated = new WeakSet<object>();

export function parseIncident(value: unknown, source = "incident"): Incident {
  if (typeof value === "object" && value !== null && validated.has(value)) return value as Incident;
  const incident = parseWith(Incident, value, source, "incident");
  validated.add(incident);
  return incident;
}

/** An incident from JSON text; a leading UTF-8 byte order mark is allowed, as the CLI allows it. */
export function parseIncidentText(text: string, source: string): Incident {
  return parseIncident(parseJsonText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, source), source);
}
