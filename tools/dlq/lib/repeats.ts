/**
 * Which DLQ records are the same original record failing again. A DLQ record names its source
 * position (topic-partition@offset) when its headers say so; a re-drive job re-publishes a record
 * at a new source offset, so identical key and value are the same record too. Records sharing
 * either identity are one record (a union of both); a record with neither is its own.
 *
 * This is what lets a report say "12 records failed, 4 distinct, 3 attempts each" instead of
 * counting twelve failures as twelve problems.
 */

export interface DlqIdentity {
  key: string | null;
  value: string | null;
  originalTopic?: string | undefined;
  originalPartition?: number | undefined;
  originalOffset?: string | undefined;
}

export interface RepeatedRecord {
  /** The record, as topic-partition@offset when its source position is known, else by key. */
  source: string;
  failures: number;
}

export interface Attempts {
  /** DLQ records read. */
  records: number;
  /** Distinct original records among them. */
  distinct: number;
  /** Fewest and most failures of one distinct record. */
  min: number;
  max: number;
  /** Distinct records that failed more than once, most failures first. */
  repeated: RepeatedRecord[];
}

export function countAttempts(records: readonly DlqIdentity[]): Attempts {
  const parent = records.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const firstWith = new Map<string, number>();
  const union = (identity: string, i: number) => {
    const first = firstWith.get(identity);
    if (first === undefined) firstWith.set(identity, i);
    else parent[find(i)] = find(first);
  };
  records.forEach((r, i) => {
    const position = positionOf(r);
    if (position !== undefined) union(`position ${position}`, i);
    // A key alone is not an identity: one customer's many orders share it with different values.
    if (r.key !== null) union(`content ${JSON.stringify([r.key, r.value])}`, i);
  });

  const groups = new Map<number, number[]>();
  records.forEach((_, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), i]);
  });
  const sizes = [...groups.values()].map((g) => g.length);
  const repeated = [...groups.values()]
    .filter((g) => g.length > 1)
    .map((g) => ({ source: label(records, g), failures: g.length }))
    .sort((a, b) => b.failures - a.failures || a.source.localeCompare(b.source));
  return {
    records: records.length,
    distinct: groups.size,
    min: sizes.length ? Math.min(...sizes) : 0,
    max: sizes.length ? Math.max(...sizes) : 0,
    repeated,
  };
}

/** "12 records failed, 4 distinct, 3 attempts each"; "5 records failed, each once". */
export function describeAttempts(a: Pick<Attempts, "records" | "distinct" | "min" | "max">): string {
  if (a.records === 0) return "no records failed";
  const failed = `${a.records} record${a.records === 1 ? "" : "s"} failed`;
  if (a.records === 1) return failed;
  if (a.distinct === a.records) return `${failed}, each once`;
  const each = a.min === a.max ? `${a.max} attempts each` : `${a.min}-${a.max} attempts each`;
  return `${failed}, ${a.distinct} distinct, ${each}`;
}

function positionOf(r: DlqIdentity): string | undefined {
  if (r.originalOffset === undefined) return undefined;
  return `${r.originalTopic ?? "?"}-${r.originalPartition ?? "?"}@${r.originalOffset}`;
}

/** How a person finds the record again: its source position when any failure names it. */
function label(records: readonly DlqIdentity[], group: number[]): string {
  for (const i of group) {
    const position = positionOf(records[i]!);
    if (position !== undefined) return position;
  }
  return `key ${records[group[0]!]!.key}`;
}
