/**
 * Incidents whose numbers try to break the arithmetic behind a report: partitions with empty
 * replica lists, metric values near the largest double, a window of zero length (every
 * snapshot at the same instant), and rates and metrics carrying binary floating-point noise.
 * Each keeps the contract (the incident validates); only the numbers are hostile.
 */
import type { ClientMetrics, Incident } from "../../contract/incident.ts";

export type Hostility = "emptyReplicas" | "hugeMetrics" | "zeroWindow" | "floatNoise";
export const HOSTILITIES: readonly Hostility[] = ["emptyReplicas", "hugeMetrics", "zeroWindow", "floatNoise"];

const CLIENT_KEYS = ["recordsConsumedPerSec", "recordsFailedPerSec", "commitsPerSec", "pollIntervalMsMax", "processingMsP99", "gcPauseMsP99", "rebalancesPerHour"] as const;

/** `which` picks the topic (empty replicas) or the value (huge metrics); any integer works. */
export function hostile(incident: Incident, kind: Hostility, which: number): Incident {
  const groups = [...new Set(incident.snapshots.flatMap((s) => s.groups.map((g) => g.groupId)))].sort();
  switch (kind) {
    case "emptyReplicas": {
      // Metadata that lists partitions without replicas (a topic being created or deleted, a
      // broker's view mid-update): every topic or one, with or without a leader.
      const topics = [...new Set(incident.snapshots.flatMap((s) => s.topics.map((t) => t.name)))].sort();
      const all = which % 3 === 0;
      const keepLeader = which % 2 === 1;
      const target = topics[which % Math.max(1, topics.length)];
      for (const s of incident.snapshots) {
        for (const t of s.topics) {
          if (!all && t.name !== target) continue;
          for (const p of t.partitions) Object.assign(p, { replicas: [], isr: [], offlineReplicas: [], leader: keepLeader ? p.leader : -1 });
        }
      }
      return incident;
    }
    case "hugeMetrics": {
      const huge = [1e308, Number.MAX_VALUE, 9.999e307, 2 ** 1023][which % 4]!;
      for (const s of incident.snapshots) {
        const metrics: Record<string, ClientMetrics> = (s.clientMetrics ??= {});
        for (const g of groups) metrics[g] = Object.fromEntries(CLIENT_KEYS.map((k) => [k, huge]));
      }
      return incident;
    }
    case "zeroWindow": {
      const at = incident.snapshots[0]!.at;
      for (const s of incident.snapshots) s.at = at;
      return incident;
    }
    case "floatNoise": {
      // Values as a JVM metrics reporter prints them, and intervals that do not divide evenly.
      const t0 = Date.parse(incident.snapshots[0]!.at);
      incident.snapshots.forEach((s, i) => {
        s.at = new Date(t0 + i * 7_003).toISOString();
        for (const g of groups) {
          const m: ClientMetrics = (s.clientMetrics ??= {})[g] ?? {};
          s.clientMetrics[g] = {
            ...m,
            recordsConsumedPerSec: 35.769999999999996 + i * 0.1,
            commitsPerSec: 0.1 + 0.2,
            processingMsP99: 12.300000000000001,
            pollIntervalMsMax: 1000.0000000000001,
            gcPauseMsP99: 0.30000000000000004,
            rebalancesPerHour: (m.rebalancesPerHour ?? 0) + 0.1 + 0.2,
          };
        }
        for (const [id, b] of Object.entries(s.brokerMetrics ?? {})) {
          s.brokerMetrics![id] = { ...b, cpu: Math.min(1, (b.cpu ?? 0.3) + 0.1 + 0.2 - 0.3), requestHandlerIdle: 0.30000000000000004 };
        }
      });
      return incident;
    }
  }
}
