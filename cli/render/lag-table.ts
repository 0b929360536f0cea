/**
 * The lag table of `kafka-ops lag`: the columns of `kafka-consumer-groups --describe`, plus
 * LAG-TIME. A pure function of the report, so its output is tested literally.
 */
import { safe } from "./text.ts";

export interface LagRow {
  topic: string;
  partition: number;
  /** The group's committed offset (the next offset to read); null when none is committed. */
  currentOffset: string | null;
  /** Null when the partition's offsets could not be read. */
  logEndOffset: string | null;
  /** logEndOffset - currentOffset (negative if the commit is ahead of the log); null without both. */
  lag: number | null;
  /** Seconds behind, estimated as lag / the partition's produce rate; null when no rate is known. */
  lagSeconds: number | null;
  /** The member the partition is assigned to; null when no member holds it. */
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

export interface LagGroup {
  group: string;
  state: string;
  partitions: LagRow[];
}

export interface LagReport {
  /** Time of the (last) sample. */
  at: string;
  groups: LagGroup[];
}

export const LAG_COLUMNS = [
  "GROUP",
  "TOPIC",
  "PARTITION",
  "CURRENT-OFFSET",
  "LOG-END-OFFSET",
  "LAG",
  "LAG-TIME",
  "CONSUMER-ID",
  "HOST",
  "CLIENT-ID",
] as const;

/**
 * One header line, then one line per group-partition in the order given; columns left-aligned
 * like the official tool's, two spaces apart, `-` for what is not known. Names are made safe
 * (control characters escaped) because group and topic names are whatever a client chose.
 */
export function renderLagTable(report: LagReport): string {
  const rows: string[][] = [[...LAG_COLUMNS]];
  for (const g of report.groups) {
    for (const p of g.partitions) {
      rows.push([
        safe(g.group),
        safe(p.topic),
        String(p.partition),
        p.currentOffset ?? "-",
        p.logEndOffset ?? "-",
        p.lag === null ? "-" : String(p.lag),
        formatSeconds(p.lagSeconds),
        cell(p.consumerId),
        cell(p.host),
        cell(p.clientId),
      ]);
    }
  }
  const widths = LAG_COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((text, i) => (i === r.length - 1 ? text : text.padEnd(widths[i]!))).join("  ").trimEnd() + "\n").join("");
}

/** `-` for no value or an empty one (an empty cell would shift the columns to its right). */
const cell = (value: string | null): string => (value === null || value === "" ? "-" : safe(value));

/** `-` when unknown; `0` when caught up; one decimal below 10 s; whole seconds above. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return "-";
  if (seconds === 0) return "0";
  return seconds < 10 ? seconds.toFixed(1) : String(Math.round(seconds));
}
