/**
 * The watch's Prometheus metrics (prom-client, a registry of its own): every consumer group's
 * lag per partition in records and in seconds, the window's status per partition and group in
 * Burrow's numbers, the partitions' offsets, and the watch's own health. Names and labels follow
 * kafka-lag-exporter's (`kafka_consumergroup_*` -> `kafka_ops_group_*`, `kafka_partition_*` ->
 * `kafka_ops_partition_*`, the same labels) and Burrow's statuses, so dashboards and alerts built
 * on either move over with a rename; docs/watch.md has the table.
 *
 * Every value comes from what the watch already judged: the Streaming agent's lag views (the one
 * lag computation, the partition window's status) and the latest sample of the window. Series
 * are rebuilt after every sample, so a group or partition that went away leaves with it.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Redact } from "../config/secret.ts";
import type { Snapshot } from "../contract/incident.ts";
import type { DiagnosisCode } from "../contract/vocabulary.ts";
import type { Detection, Entity } from "../watch/detect.ts";
import type { SampleOutcome } from "../watch/sampler.ts";
import type { WatchObserver } from "../watch/watch.ts";
import type { RollingWindow } from "../watch/window.ts";
import { BURROW, BURROW_OF, groupStatus } from "./burrow-status.ts";

const PARTITION_LABELS = ["cluster_name", "group", "topic", "partition", "member_host", "consumer_id", "client_id"] as const;
const STATUS_LABELS = ["cluster_name", "group", "topic", "partition"] as const;
const GROUP_LABELS = ["cluster_name", "group"] as const;
const TOPIC_PARTITION_LABELS = ["cluster_name", "topic", "partition"] as const;

export interface ExporterOptions {
  /** The `cluster_name` label; default the cluster id Kafka reports. */
  clusterName?: string;
  /** Label values come from the cluster (client ids, hosts): scrubbed like every other way out. */
  redact?: Redact;
}

export interface WatchExporter extends WatchObserver {
  registry: Registry;
}

export function watchExporter(options: ExporterOptions = {}): WatchExporter {
  const registry = new Registry();
  const registers = [registry];
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Gauge({ name, help, labelNames, registers });
  const m = {
    offset: gauge("kafka_ops_group_offset", "Committed offset of the group on the partition in the latest sample (kafka-lag-exporter: kafka_consumergroup_group_offset)", PARTITION_LABELS),
    lag: gauge("kafka_ops_group_lag", "Records the group is behind the log end on the partition in the latest sample (kafka_consumergroup_group_lag)", PARTITION_LABELS),
    lagSeconds: gauge("kafka_ops_group_lag_seconds", "Seconds the group is behind the log end on the partition, read off the window's log-end history (kafka_consumergroup_group_lag_seconds); absent while it cannot be estimated", PARTITION_LABELS),
    partitionStatus: gauge("kafka_ops_partition_status", "The partition window's verdict in Burrow's numbers: 0 NOTFOUND, 1 OK, 2 WARN, 4 STOP, 5 STALL, 6 REWIND", STATUS_LABELS),
    windowStatus: gauge("kafka_ops_partition_window_status", "1 for the partition window's own status (ok, idle, catching_up, growing, stalled, stopped, rewind, no_offsets)", [...STATUS_LABELS, "status"]),
    groupStatus: gauge("kafka_ops_group_status", "The group's status in Burrow's numbers: 1 OK, 2 WARN, 3 ERR (a partition stopped, stalled or rewound)", GROUP_LABELS),
    maxLag: gauge("kafka_ops_group_max_lag", "The group's largest partition lag in records (kafka_consumergroup_group_max_lag)", GROUP_LABELS),
    maxLagSeconds: gauge("kafka_ops_group_max_lag_seconds", "The group's largest partition lag in seconds (kafka_consumergroup_group_max_lag_seconds)", GROUP_LABELS),
    sumLag: gauge("kafka_ops_group_sum_lag", "The group's lag summed over its partitions (kafka_consumergroup_group_sum_lag)", GROUP_LABELS),
    topicSumLag: gauge("kafka_ops_group_topic_sum_lag", "The group's lag summed over the partitions of one topic (kafka_consumergroup_group_topic_sum_lag)", [...GROUP_LABELS, "topic"]),
    latestOffset: gauge("kafka_ops_partition_latest_offset", "Log end offset of a partition some group reads (kafka_partition_latest_offset)", TOPIC_PARTITION_LABELS),
    earliestOffset: gauge("kafka_ops_partition_earliest_offset", "Log start offset of a partition some group reads (kafka_partition_earliest_offset)", TOPIC_PARTITION_LABELS),
    samples: new Counter({ name: "kafka_ops_watch_samples_total", help: "Samples taken, by outcome: ok, incomplete (some offsets unread: dropped), failed (the cluster could not be read)", labelNames: ["outcome"] as const, registers }),
    sampleSeconds: new Histogram({ name: "kafka_ops_watch_sample_duration_seconds", help: "Time to read one sample of the whole cluster (kafka-lag-exporter: kafka_consumergroup_poll_time_ms)", buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers }),
    lastSample: gauge("kafka_ops_watch_last_sample_timestamp_seconds", "Time of the latest sample in the window (epoch seconds): a stale value means the watch is not seeing the cluster", []),
    windowSamples: gauge("kafka_ops_watch_window_samples", "Samples in the rolling window", []),
    opened: new Counter({ name: "kafka_ops_watch_investigations_total", help: "Investigations the watch opened, by diagnosis code and reason (raised, changed, restarted)", labelNames: ["code", "reason"] as const, registers }),
    failed: new Counter({ name: "kafka_ops_watch_investigation_failures_total", help: "Investigations that ended without a report", registers }),
    cleared: new Counter({ name: "kafka_ops_watch_cleared_total", help: "Entities whose open investigation cleared, by the code that was open", labelNames: ["code"] as const, registers }),
    open: gauge("kafka_ops_watch_open", "1 per entity with an open investigation, with its diagnosis code", ["kind", "entity", "code"]),
    sinkFailures: new Counter({ name: "kafka_ops_watch_sink_failures_total", help: "Deliveries a sink could not make (stdout, file, topic, webhook)", labelNames: ["sink"] as const, registers }),
  };
  // Zero, not absent, before the first failure: rate() and alerts need the series.
  for (const outcome of ["ok", "incomplete", "failed"] as const) m.samples.inc({ outcome }, 0);
  const clean = (v: string) => (options.redact ? options.redact(v) : v);

  return {
    registry,
    sampled(outcome: SampleOutcome["kind"], seconds: number) {
      m.samples.inc({ outcome });
      m.sampleSeconds.observe(seconds);
    },
    judged(window: RollingWindow, detection: Detection) {
      const last = window.snapshots.at(-1);
      if (!last) return;
      for (const g of Object.values(m)) if (g instanceof Gauge) g.reset();
      m.windowSamples.set(window.snapshots.length);
      m.lastSample.set(Date.parse(last.at) / 1000);
      const cluster = clean(options.clusterName ?? window.clusterId ?? "unknown");
      exportLag(m, last, detection, cluster, clean);
    },
    opened(_entity: Entity, code: DiagnosisCode, reason: string) {
      m.opened.inc({ code, reason });
    },
    cleared(_entity: Entity, code: DiagnosisCode) {
      m.cleared.inc({ code });
    },
    investigationFailed() {
      m.failed.inc();
    },
    sinkFailed(sink: string) {
      m.sinkFailures.inc({ sink: clean(sink) });
    },
    open(entities) {
      m.open.reset();
      for (const { entity, code } of entities) m.open.set({ kind: entity.kind, entity: clean(entity.name), code }, 1);
    },
  };
}

type Metrics = Record<
  "offset" | "lag" | "lagSeconds" | "partitionStatus" | "windowStatus" | "groupStatus" | "maxLag" | "maxLagSeconds" | "sumLag" | "topicSumLag" | "latestOffset" | "earliestOffset",
  Gauge<string>
>;

/**
 * The lag series: the groups of the latest sample (not Dead), each partition with the values
 * of that sample, the way `kafka-ops lag --json` shows them (lag and lag in seconds of the last
 * sample, the member that holds the partition then).
 */
function exportLag(m: Metrics, last: Snapshot, detection: Detection, cluster: string, clean: (v: string) => string): void {
  const groups = new Map(last.groups.filter((g) => g.state !== "Dead").map((g) => [g.groupId, g]));
  const offsets = new Map<string, { start: string; end: string }>();
  for (const t of last.topics) for (const p of t.partitions) offsets.set(`${t.name}\u0000${p.partition}`, { start: p.startOffset, end: p.endOffset });
  const read = new Set<string>();
  for (const view of detection.lag) {
    const group = groups.get(view.group);
    if (!group) continue;
    const members = new Map(group.members.map((x) => [x.memberId, x]));
    const g = { cluster_name: cluster, group: clean(view.group) };
    let max: number | undefined;
    let maxSeconds: number | undefined;
    let sum = 0;
    const perTopic = new Map<string, number>();
    for (const p of view.partitions) {
      const member = p.owner === null ? undefined : members.get(p.owner);
      const at = { ...g, topic: clean(p.topic), partition: String(p.partition) };
      const labels = { ...at, member_host: clean(member?.host ?? ""), consumer_id: clean(p.owner ?? ""), client_id: clean(member?.clientId ?? "") };
      const committed = group.offsets[p.topic]?.[String(p.partition)];
      if (committed !== undefined) m.offset.set(labels, Number(committed));
      const lag = p.lagBySample?.at(-1) ?? null;
      const seconds = p.lagSecondsBySample?.at(-1) ?? null;
      if (lag !== null) {
        m.lag.set(labels, lag);
        sum += lag;
        max = Math.max(max ?? 0, lag);
        perTopic.set(p.topic, (perTopic.get(p.topic) ?? 0) + lag);
      }
      if (seconds !== null) {
        m.lagSeconds.set(labels, seconds);
        maxSeconds = Math.max(maxSeconds ?? 0, seconds);
      }
      m.partitionStatus.set(at, BURROW[BURROW_OF[p.status]]);
      m.windowStatus.set({ ...at, status: p.status }, 1);
      read.add(`${p.topic}\u0000${p.partition}`);
    }
    m.groupStatus.set(g, BURROW[groupStatus(view.partitions.map((p) => p.status))]);
    if (max !== undefined) m.maxLag.set(g, max);
    if (maxSeconds !== undefined) m.maxLagSeconds.set(g, maxSeconds);
    m.sumLag.set(g, sum);
    for (const [topic, lag] of perTopic) m.topicSumLag.set({ ...g, topic: clean(topic) }, lag);
  }
  for (const key of read) {
    const o = offsets.get(key);
    if (!o) continue;
    const [topic, partition] = key.split("\u0000") as [string, string];
    const labels = { cluster_name: cluster, topic: clean(topic), partition };
    m.latestOffset.set(labels, Number(o.end));
    m.earliestOffset.set(labels, Number(o.start));
  }
}
