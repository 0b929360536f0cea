/**
 * A tiny builder of recorded incidents for unit tests: one topic, one group, offsets as
 * functions of (sample, partition). Tests state the numbers that matter and nothing else.
 */
import type { IncidentInput } from "../contract/incident.ts";
import { parseIncident } from "../contract/parse.ts";
import type { Incident } from "../contract/incident.ts";

export interface ScenarioSpec {
  samples?: number;
  intervalSec?: number;
  topic?: string;
  partitions?: number;
  /** Log end offset of partition p at sample s. */
  end?: (s: number, p: number) => number;
  group?: string;
  /** Members in sample s (0 = Empty group). */
  members?: (s: number) => number;
  /** Committed offset of partition p at sample s; null = none. */
  committed?: (s: number, p: number) => number | null;
  state?: (s: number) => "Stable" | "PreparingRebalance" | "CompletingRebalance" | "Empty";
  /** Member ids change every sample (churn) when true. */
  churn?: boolean;
  leader?: (p: number) => number;
  extra?: Partial<IncidentInput>;
  snapshotExtra?: (s: number) => Record<string, unknown>;
}

const T0 = Date.parse("2026-11-02T03:00:00Z");

export function scenario(spec: ScenarioSpec = {}): Incident {
  const samples = spec.samples ?? 5;
  const interval = spec.intervalSec ?? 60;
  const topic = spec.topic ?? "orders";
  const partitions = spec.partitions ?? 4;
  const end = spec.end ?? ((s) => 1000 + 100 * s);
  const groupId = spec.group ?? "orders-svc";
  const members = spec.members ?? (() => 2);
  const committed = spec.committed ?? ((s, p) => end(s, p));
  const brokers = [1, 2, 3];
  const snapshots = Array.from({ length: samples }, (_, s) => {
    const n = members(s);
    const memberList = Array.from({ length: n }, (_, m) => ({
      memberId: `${groupId}-${m}-${spec.churn ? s : 0}`,
      clientId: groupId,
      host: `/10.0.0.${m + 1}`,
      assignment: { [topic]: Array.from({ length: partitions }, (_, p) => p).filter((p) => p % n === m) },
    }));
    const offsets: Record<string, string> = {};
    for (let p = 0; p < partitions; p++) {
      const c = committed(s, p);
      if (c !== null) offsets[String(p)] = String(c);
    }
    return {
      at: new Date(T0 + s * interval * 1000).toISOString().replace(".000Z", "Z"),
      controllerId: 1,
      brokersOnline: brokers,
      topics: [
        {
          name: topic,
          partitions: Array.from({ length: partitions }, (_, p) => {
            const leader = spec.leader?.(p) ?? brokers[p % 3]!;
            const replicas = [leader, ...brokers.filter((b) => b !== leader)];
            return { partition: p, leader, replicas, isr: replicas, startOffset: "0", endOffset: String(end(s, p)) };
          }),
        },
      ],
      groups: [
        {
          groupId,
          state: spec.state?.(s) ?? (n ? "Stable" : "Empty"),
          protocolType: "consumer",
          protocol: n ? "cooperative-sticky" : "",
          members: memberList,
          offsets: { [topic]: offsets },
        },
      ],
      ...spec.snapshotExtra?.(s),
    };
  });
  return parseIncident({
    format: "kafka-incident/v1",
    id: "test",
    title: "test",
    cluster: { id: "test", flavor: "apache" },
    brokers: brokers.map((id) => ({ id, host: `b${id}`, port: 9092 })),
    snapshots,
    ...spec.extra,
  });
}
