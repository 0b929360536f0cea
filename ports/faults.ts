/**
 * A fault: a read that did not answer, as a value. The recording tool caller (agents/agent.ts)
 * makes one from every tool result that is not ok, a live adapter from what it met outside any
 * read (a sampling window cut short, a cluster it could not connect to). The report's missing
 * evidence and the escalation's "could not read" are rendered from these values here, and only
 * here; nothing downstream parses their text.
 */
import type { FaultEntity, FaultKind, Readout } from "./ports.ts";

export interface Fault {
  /** The tool whose read it was, or the adapter step ("connect", "sampling"). */
  tool: string;
  kind: FaultKind;
  /** The data that could not be read; names the entity only when `entity` is empty. */
  what: string;
  entity: FaultEntity;
  /** Why: the failure's message, or why there is no such data; null when nothing more is known. */
  reason: string | null;
  /** Whether the same read could succeed if tried again. */
  retriable: boolean;
}

/** A failed read, not merely an unrecorded one: the evidence is incomplete. */
export const isFailure = (f: Fault): boolean => f.kind !== "notRecorded";

/** The fault of a readout (or tool result) that did not answer. */
export function faultOf(tool: string, r: Exclude<Readout<unknown>, { kind: "ok" }>): Fault {
  if (r.kind === "notRecorded") return { tool, kind: "notRecorded", what: r.what, entity: r.entity ?? {}, reason: r.reason ?? null, retriable: false };
  return { tool, kind: r.cause ?? "unavailable", what: r.what, entity: r.entity ?? {}, reason: r.reason, retriable: r.retriable ?? false };
}

const ENTITY_KEYS = ["group", "topic", "subject", "broker"] as const;

/** "group a", "topic t", "group a, topic t". */
function entityText(e: FaultEntity, groups?: readonly string[]): string {
  return ENTITY_KEYS.flatMap((k) => {
    if (k === "group" && groups) return [groups.length === 1 ? `group ${groups[0]}` : `${groups.length} groups (${shown(groups)})`];
    const v = e[k];
    return v === undefined ? [] : [`${k} ${v}`];
  }).join(", ");
}

const shown = (names: readonly string[]) => (names.length > 5 ? `${names.slice(0, 5).join(", ")}, ...` : names.join(", "));

function render(f: Fault, groups?: readonly string[]): string {
  const about = entityText(f.entity, groups);
  const subject = about ? `${f.what} of ${about}` : f.what;
  if (f.kind === "notRecorded") return `not recorded: ${subject}${f.reason ? ` (${f.reason})` : ""}`;
  return f.reason ? `${subject}: ${f.reason}` : subject;
}

/** One fault as one line: "not recorded: client metrics of group a (no Prometheus configured)". */
export const describeFault = (f: Fault): string => render(f);

/**
 * The report's missing evidence: one line per distinct fault, in the order met, and faults that
 * differ only by group folded into one line: on a cluster of 300 groups "client metrics of
 * group X" three hundred times helps nobody.
 */
export function missingEvidence(faults: readonly Fault[]): string[] {
  const lines: { fault: Fault; groups: string[] | undefined }[] = [];
  const byKey = new Map<string, { fault: Fault; groups: string[] | undefined }>();
  for (const f of faults) {
    const { group, ...rest } = f.entity;
    // Keyed by what the line says, not by which tool met it: two tools missing the same data are one gap.
    const key = JSON.stringify([f.kind, f.what, f.reason, group === undefined ? f.entity : rest, group === undefined]);
    const seen = byKey.get(key);
    if (seen) {
      if (group !== undefined && !seen.groups!.includes(group)) seen.groups!.push(group);
      continue;
    }
    const line = { fault: f, groups: group === undefined ? undefined : [group] };
    byKey.set(key, line);
    lines.push(line);
  }
  return [...new Set(lines.map((l) => render(l.fault, l.groups)))];
}
