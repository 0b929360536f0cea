/**
 * The live MetricsPort: broker and consumer metrics from Prometheus (HTTP API
 * `GET <url>/api/v1/query_range`), over the last WINDOW_SECONDS at STEP_SECONDS steps, so tools
 * get a short series (oldest first) rather than one reading.
 *
 * Metric names differ between JMX-exporter configurations, so each field has candidate PromQL
 * queries tried in order; the first that returns data wins (ports/live/README.md lists them).
 * Broker-side names follow the Prometheus jmx_exporter example / Confluent `kafka_broker.yml`
 * (`lowercaseOutputName: true`); host resources come from node_exporter; client names follow
 * Confluent's `kafka_consumer.yml` and Micrometer's `KafkaClientMetrics`.
 *
 * Broker id of a series: the first of BROKER_ID_LABELS it carries; else, for a Kafka-specific
 * metric, the trailing number of the first DNS label of `instance`'s host (`kafka-2:7071`,
 * `broker1.example:7071`; Strimzi/StatefulSet ordinals); never for an IP address. node_exporter
 * series (another port on the same host) are mapped through the hosts of the broker series.
 * Series without a broker id are dropped.
 *
 * Group of a client series: a GROUP_LABELS label if the scrape adds one; else client ids that
 * look like the group's (`<group>`, `<group>-N`, the Java default `consumer-<group>-N`). The Kafka
 * client metrics themselves carry only `client_id`.
 *
 * No Prometheus configured: `notRecorded` (not a fault). Prometheus down, 5xx, deadline:
 * `unavailable` through liveCall (retried on 5xx/429/network).
 */
import type { BrokerMetrics, ClientMetrics } from "../../contract/incident.ts";
import type { Settings } from "../../config/settings.ts";
import { notRecorded, ok, type MetricsPort, type Readout, type Sampled } from "../ports.ts";
import { liveCall, type CallPolicy } from "./call.ts";

/** Labels naming a broker's id, by preference. */
export const BROKER_ID_LABELS = ["broker_id", "kafka_broker_id", "node_id", "broker"] as const;
/** Labels naming a consumer group, by preference. */
export const GROUP_LABELS = ["group", "consumer_group"] as const;
/** The label the Kafka client metrics carry (`client-id`, lowercased by the exporter). */
export const CLIENT_ID_LABEL = "client_id";
export const INSTANCE_LABEL = "instance";

export const WINDOW_SECONDS = 300;
export const STEP_SECONDS = 60;
/** Range of `rate()`: at least two scrapes at the usual 15-60 s intervals. */
const RATE = "2m";

const NODE_FS = `fstype!~"tmpfs|overlay|squashfs|ramfs|nsfs|autofs"`;
const NODE_NIC = `device!~"lo|veth.*|docker.*|br-.*|cni.*|flannel.*|cali.*"`;
/** Restricts a JVM-wide metric to the instances that are Kafka brokers. */
const ON_BROKERS = "and on(instance) kafka_server_replicamanager_underreplicatedpartitions";

export interface BrokerQuery {
  field: keyof BrokerMetrics;
  /** "broker": a Kafka broker's own series; "host": node_exporter, mapped through the broker hosts. */
  by: "broker" | "host";
  candidates: string[];
}

/** The PromQL per broker field, by preference (the first with data wins; broker-keyed first). */
export const BROKER_QUERIES: BrokerQuery[] = [
  { field: "underReplicatedPartitions", by: "broker", candidates: ["kafka_server_replicamanager_underreplicatedpartitions"] },
  {
    field: "requestHandlerIdle",
    by: "broker",
    candidates: [
      "kafka_server_kafkarequesthandlerpool_requesthandleravgidlepercent", // jmx_exporter example config
      "kafka_server_kafkarequesthandlerpool_requesthandleravgidle_percent", // Confluent jmx-monitoring-stacks
    ],
  },
  {
    field: "cpu",
    by: "broker",
    candidates: [
      `(rate(process_cpu_seconds_total[${RATE}]) / on(instance) java_lang_operatingsystem_availableprocessors) ${ON_BROKERS}`,
      `java_lang_operatingsystem_processcpuload ${ON_BROKERS}`,
    ],
  },
  { field: "cpu", by: "host", candidates: [`1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[${RATE}]))`] },
  {
    field: "diskUsed",
    by: "host",
    // The fullest real filesystem of the host (the log dirs' mount is not known to Prometheus).
    candidates: [`max by (instance) (1 - node_filesystem_avail_bytes{${NODE_FS}} / node_filesystem_size_bytes{${NODE_FS}})`],
  },
  {
    field: "networkIn",
    by: "host",
    candidates: [`sum by (instance) (rate(node_network_receive_bytes_total{${NODE_NIC}}[${RATE}])) / sum by (instance) (node_network_speed_bytes{${NODE_NIC}} > 0)`],
  },
  {
    field: "networkOut",
    by: "host",
    candidates: [`sum by (instance) (rate(node_network_transmit_bytes_total{${NODE_NIC}}[${RATE}])) / sum by (instance) (node_network_speed_bytes{${NODE_NIC}} > 0)`],
  },
];

export interface ClientQuery {
  field: keyof ClientMetrics;
  /** How the members' values combine into the group's. */
  aggregate: "sum" | "max";
  /** Metric names (with fixed matchers), by preference. */
  candidates: string[];
}

/** The client metrics per field; `topic=""` keeps the client-level series, not the per-topic ones. */
export const CLIENT_QUERIES: ClientQuery[] = [
  {
    field: "recordsConsumedPerSec",
    aggregate: "sum",
    candidates: ['kafka_consumer_consumer_fetch_manager_metrics_records_consumed_rate{topic=""}', 'kafka_consumer_fetch_manager_records_consumed_rate{topic=""}'],
  },
  { field: "commitsPerSec", aggregate: "sum", candidates: ["kafka_consumer_consumer_coordinator_metrics_commit_rate", "kafka_consumer_coordinator_commit_rate"] },
  { field: "pollIntervalMsMax", aggregate: "max", candidates: ["kafka_consumer_consumer_metrics_time_between_poll_max", "kafka_consumer_time_between_poll_max"] },
  {
    field: "rebalancesPerHour",
    aggregate: "max", // every member sees the group's rebalances
    candidates: ["kafka_consumer_consumer_coordinator_metrics_rebalance_rate_per_hour", "kafka_consumer_coordinator_rebalance_rate_per_hour"],
  },
];

const RATIOS = new Set<keyof BrokerMetrics>(["cpu", "diskUsed", "networkIn", "networkOut", "requestHandlerIdle"]);

interface Series {
  metric: Record<string, string>;
  values: [number, string][];
}

interface PromAnswer {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: Series[] };
}

export function metricsPort(settings: Settings, policy: CallPolicy, now: () => number = Date.now): MetricsPort {
  const base = settings.prometheus?.url;
  if (!base) {
    return {
      brokerMetrics: async () => notRecorded("broker metrics (no Prometheus configured)"),
      clientMetrics: async (group) => notRecorded("client metrics", { entity: { group }, reason: "no Prometheus configured" }),
    };
  }
  const endpoint = new URL("api/v1/query_range", base.endsWith("/") ? base : `${base}/`);

  const queryRange = (query: string): Promise<Readout<Series[]>> => {
    const end = Math.floor(now() / 1000 / STEP_SECONDS) * STEP_SECONDS;
    const url = new URL(endpoint);
    url.search = new URLSearchParams({ query, start: String(end - WINDOW_SECONDS), end: String(end), step: String(STEP_SECONDS) }).toString();
    // The abort only frees a request liveCall has already given up on (its deadline comes first).
    return liveCall(`Prometheus query ${query}`, policy, () => getMatrix(url, policy.deadlineMs + 1_000));
  };

  /** The first candidate that returns data (an empty list when none does). */
  const firstWithData = async (candidates: string[]): Promise<Readout<Series[]>> => {
    for (const query of candidates) {
      const r = await queryRange(query);
      if (r.kind !== "ok" || r.value.length > 0) return r;
    }
    return ok([]);
  };

  return {
    brokerMetrics: async () => {
      const answers = await Promise.all(BROKER_QUERIES.map((q) => firstWithData(q.candidates)));
      const samples = new Map<number, Record<string, BrokerMetrics>>();
      const hostToBroker = new Map<string, string>();
      for (const [i, q] of BROKER_QUERIES.entries()) {
        const answer = answers[i]!;
        if (answer.kind !== "ok") return answer;
        for (const series of answer.value) {
          const host = hostOf(series.metric[INSTANCE_LABEL]);
          const broker = q.by === "broker" ? brokerIdOf(series.metric) : host !== undefined ? hostToBroker.get(host) : undefined;
          if (broker === undefined) continue;
          if (q.by === "broker" && host !== undefined) hostToBroker.set(host, broker);
          for (const [t, raw] of series.values) {
            const value = toNumber(raw);
            if (value === undefined) continue;
            const at = samples.get(t) ?? {};
            samples.set(t, at);
            const metrics = (at[broker] ??= {});
            if (metrics[q.field] !== undefined) continue; // an earlier (preferred) query set it
            metrics[q.field] = q.field === "underReplicatedPartitions" ? Math.max(0, Math.round(value)) : RATIOS.has(q.field) ? clamp01(value) : value;
          }
        }
      }
      if (samples.size === 0) return notRecorded("broker metrics (Prometheus has none of the known Kafka broker series)");
      return ok(series(samples));
    },

    clientMetrics: async (group) => {
      const selectors = groupSelectors(group);
      const queries = CLIENT_QUERIES.map((q) => q.candidates.map((metric) => selectors.map((s) => `${q.aggregate}(${withMatcher(metric, s)})`).join(" or ")));
      const answers = await Promise.all(queries.map((candidates) => firstWithData(candidates)));
      const samples = new Map<number, ClientMetrics>();
      for (const [i, q] of CLIENT_QUERIES.entries()) {
        const answer = answers[i]!;
        if (answer.kind !== "ok") return answer;
        for (const s of answer.value.slice(0, 1)) {
          for (const [t, raw] of s.values) {
            const value = toNumber(raw);
            if (value === undefined) continue;
            const at = samples.get(t) ?? {};
            samples.set(t, at);
            at[q.field] = Math.max(0, value);
          }
        }
      }
      if (samples.size === 0) return notRecorded("client metrics", { entity: { group }, reason: "Prometheus has no consumer series for it" });
      return ok(series(samples));
    },
  };
}

async function getMatrix(url: URL, timeoutMs: number): Promise<Series[]> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    // fetch hides the socket error in `cause`: surface its code for the retry rule.
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    if (cause && typeof cause.code === "string") {
      throw Object.assign(new Error(`Prometheus unreachable: ${cause.code}${typeof cause.message === "string" ? ` (${cause.message})` : ""}`), { code: cause.code });
    }
    throw error;
  }
  const text = await response.text();
  let body: PromAnswer | undefined;
  try {
    body = JSON.parse(text) as PromAnswer;
  } catch {
    body = undefined;
  }
  if (!response.ok || body?.status !== "success") {
    const detail = body?.error ? `${body.errorType ?? "error"}: ${body.error}` : text.trim().slice(0, 200) || response.statusText;
    throw Object.assign(new Error(`Prometheus answered HTTP ${response.status}: ${detail}`), { status: response.ok ? 502 : response.status });
  }
  if (body.data?.resultType !== "matrix" || !Array.isArray(body.data.result)) {
    throw Object.assign(new Error(`Prometheus answered an unexpected ${body.data?.resultType ?? "empty"} result`), { status: 400 });
  }
  return body.data.result.map((s) => ({ metric: s.metric ?? {}, values: (s.values ?? []).map(([t, v]) => [Number(t), String(v)] as [number, string]) }));
}

/** The samples by time, oldest first. */
function series<T>(samples: Map<number, T>): Sampled<T>[] {
  return [...samples.entries()].sort(([a], [b]) => a - b).map(([t, value]) => ({ at: new Date(t * 1000).toISOString(), value }));
}

export function brokerIdOf(labels: Record<string, string>): string | undefined {
  for (const name of BROKER_ID_LABELS) {
    const value = labels[name];
    if (value !== undefined && /^[0-9]+$/.test(value)) return String(Number(value));
  }
  const host = hostOf(labels[INSTANCE_LABEL]);
  if (host === undefined || /^[0-9.]+$/.test(host) || host.includes(":")) return undefined; // IPv4 / IPv6
  const ordinal = /([0-9]+)$/.exec(host.split(".")[0]!);
  return ordinal ? String(Number(ordinal[1])) : undefined;
}

/** `host:port` -> host (IPv6 `[::1]:9100` -> `::1`). */
function hostOf(instance: string | undefined): string | undefined {
  if (!instance) return undefined;
  const v6 = /^\[([^\]]+)\](:\d+)?$/.exec(instance);
  if (v6) return v6[1];
  return instance.replace(/:\d+$/, "");
}

/** Matchers selecting a group's series, by preference. */
export function groupSelectors(group: string): string[] {
  const exact = promString(group);
  const pattern = promString(`(consumer-)?${group.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(-[0-9]+)?`);
  return [...GROUP_LABELS.map((l) => `${l}=${exact}`), `${CLIENT_ID_LABEL}=~${pattern}`];
}

/** Adds a matcher to `name` or `name{...}`. */
function withMatcher(metric: string, matcher: string): string {
  return metric.endsWith("}") ? `${metric.slice(0, -1)},${matcher}}` : `${metric}{${matcher}}`;
}

/** A PromQL double-quoted string literal. */
function promString(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

function toNumber(raw: string): number | undefined {
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

function clamp01(n: number): number {
  return Math.min(1, Math.max(0, n));
}
