/**
 * What must not change under a transformation that keeps the incident's meaning: the primary
 * cause, the decision, the kinds of the proposed actions, and the entities they name (mapped
 * through the transformation: a renamed group is the renamed group, a shifted offset is the
 * shifted offset).
 */
import type { Entities, Report } from "../../contract/report.ts";

/** Entity keys whose values are names (renamed by a rename). */
export const NAME_KEYS = new Set(["group", "topic", "dlqTopic", "targetTopic", "quarantineTopic", "subject", "connector", "member"]);

/** Numeric entities that say which thing, not how much of it. */
const NUMERIC_IDENTITY_KEYS = new Set(["partition", "broker"]);

/** Action parameters that name what the action touches (sizes and tunings are judgement, not identity). */
const ACTION_ENTITY_KEYS = new Set([...NAME_KEYS, "partition", "offset", "broker", "brokers"]);

/** How a transformation maps one entity value; identity for most keys. */
export type EntityMap = (key: string, value: string | number, entities: Entities) => string | number;

export const identity: EntityMap = (_k, v) => v;

export interface Verdict {
  primary: string;
  decision: string;
  actionKinds: string[];
  /** The primary finding's entities (null when no finding is the primary, e.g. healthy). */
  primaryEntities: Entities | null;
  /** Each action's kind with its entity-naming parameters, sorted. */
  actionEntities: string[];
  blastRadius: { groups: string[]; topics: string[]; subjects: string[]; brokers: number[] } | null;
  severity?: string | null;
}

export interface VerdictOptions {
  /** Compare the escalation's severity too (representation-only transformations). */
  severity?: boolean;
  /**
   * Compare numeric entities that measure (records deleted unread, member counts) as well as
   * those that identify (partition, broker). Default true; false where the transformation
   * rightly changes amounts (a longer window deletes more records unread).
   */
  quantities?: boolean;
}

const sorted = <T,>(xs: readonly T[]) => [...xs].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));

function mapEntities(e: Entities, map: EntityMap, quantities: boolean): Entities {
  const kept = Object.entries(e).filter(([k, v]) => quantities || typeof v !== "number" || NUMERIC_IDENTITY_KEYS.has(k));
  return Object.fromEntries(kept.map(([k, v]) => [k, map(k, v, e)]));
}

/** The verdict of a report, with its entities mapped through `map` (identity for the transformed report). */
export function verdictOf(r: Report, map: EntityMap = identity, options: VerdictOptions = {}): Verdict {
  const primary = r.diagnoses.find((d) => d.code === r.primary);
  const radius = r.blastRadius;
  const name = (key: string) => (v: string) => String(map(key, v, {}));
  return {
    primary: r.primary,
    decision: r.decision,
    actionKinds: sorted(r.actions.map((a) => a.kind)),
    primaryEntities: primary ? mapEntities(primary.entities, map, options.quantities ?? true) : null,
    actionEntities: sorted(
      r.actions.map((a) => {
        const params = Object.entries(a.params).filter(([k, v]) => ACTION_ENTITY_KEYS.has(k) && (typeof v === "string" || typeof v === "number"));
        const picked = Object.fromEntries(params.map(([k, v]) => [k, map(k, v as string | number, a.params as Entities)]));
        return `${a.kind} ${JSON.stringify(Object.fromEntries(sorted(Object.entries(picked))))}`;
      }),
    ),
    blastRadius: radius
      ? {
          groups: sorted(radius.groups.map(name("group"))),
          topics: sorted(radius.topics.map(name("topic"))),
          subjects: sorted(radius.subjects.map(name("subject"))),
          brokers: [...radius.brokers].sort((a, b) => a - b),
        }
      : null,
    ...(options.severity && { severity: r.escalation?.severity ?? null }),
  };
}
