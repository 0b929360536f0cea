/**
 * Reports of the investigations this server ran (the `investigate` tool and the action tools),
 * in memory, newest last, served as the resources kafka-ops://reports/{id}. Bounded: a
 * long-running server keeps the last `max`.
 */
import type { Report } from "../contract/report.ts";

export interface StoredReport {
  id: string;
  /** The incident's title, or what a live investigation was about. */
  title: string;
  at: string;
  report: Report;
}

export interface ReportStore {
  add(entry: StoredReport): void;
  get(id: string): StoredReport | undefined;
  /** Newest first. */
  list(): StoredReport[];
}

export function reportStore(max = 200): ReportStore {
  const entries = new Map<string, StoredReport>();
  return {
    add(entry) {
      entries.delete(entry.id);
      entries.set(entry.id, entry);
      while (entries.size > max) entries.delete(entries.keys().next().value!);
    },
    get: (id) => entries.get(id),
    list: () => [...entries.values()].reverse(),
  };
}
