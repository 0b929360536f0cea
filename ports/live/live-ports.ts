/**
 * The live adapter: the same ports as the replay adapter, read from a running cluster.
 * Cluster state (metadata, groups, offsets) comes from a sampling window taken once and
 * shared by every tool; the registry, DLQ peeks, configs and metrics are read on demand.
 */
import kafkajs, { type Kafka, type Admin } from "kafkajs";
import { secretsOf, type Settings } from "../../config/settings.ts";
import { redactor } from "../../config/secret.ts";
import { faultOf, type Fault } from "../faults.ts";
import { notRecorded, ok, unavailable, type Ports, type Readout, type Sampled } from "../ports.ts";
import { callPolicy, liveCall, type CallPolicy } from "./call.ts";
import { createKafka } from "./connection.ts";
import { metricsPort } from "./metrics-port.ts";
import { recordPort } from "./record-port.ts";
import { registryPort } from "./registry-port.ts";
import { sampleWindow, type SampleWindow, type SamplingOptions } from "./sampling.ts";

// kafkajs is CommonJS and Node's ESM loader cannot see this export by name (only vite could).
const { ConfigResourceTypes } = kafkajs;

export interface LiveSession {
  ports: Ports;
  /** The sampling window (started on first use, shared by every read). */
  window(): Promise<SampleWindow>;
  policy: CallPolicy;
  kafka: Kafka;
  close(): Promise<void>;
}

export function openLive(settings: Settings, options: Partial<Pick<SamplingOptions, "onSample" | "signal">> & { log?: (line: string) => void } = {}): LiveSession {
  if (!settings.kafka) throw new Error("live mode needs kafka.bootstrap (--bootstrap or KAFKA_BOOTSTRAP_SERVERS)");
  const redact = redactor(secretsOf(settings));
  const policy = callPolicy(settings, redact);
  const kafka = createKafka(settings.kafka, settings, redact, options.log);
  const admin = kafka.admin();
  let connected: Promise<Readout<Admin>> | undefined;
  const connect = () => (connected ??= liveCall("connect to Kafka", policy, async () => (await admin.connect(), admin)));

  let window: Promise<SampleWindow> | undefined;
  const getWindow = () =>
    (window ??= connect().then((a) =>
      a.kind === "ok"
        ? sampleWindow(kafka, policy, { samples: settings.sampling.samples, intervalMs: settings.sampling.interval, ...options })
        : { snapshots: [], brokers: [], clusterId: undefined, faults: [] },
    ));
  /** Why the cluster could not be read at all, when it could not: the connect that failed. */
  const connectFailure = async () => {
    const a = await connect();
    return a.kind === "ok" ? undefined : a;
  };
  const series = async <T>(what: string, pick: (w: SampleWindow) => Sampled<T>[] | T): Promise<Readout<T>> => {
    const w = await getWindow();
    if (w.snapshots.length) return ok(pick(w) as T);
    const failed = await connectFailure();
    if (failed?.kind === "unavailable") return unavailable(what, `${failed.what}: ${failed.reason}`, { cause: failed.cause ?? "unavailable", retriable: failed.retriable ?? false });
    return unavailable(what, w.faults.join("; ") || "no sample could be read");
  };

  const records = recordPort(kafka, settings, policy);
  const ports: Ports = {
    metadata: {
      brokers: () => series("broker list", (w) => w.brokers as never),
      cluster: () =>
        series("cluster", (w) => w.snapshots.map((s) => ({ at: s.at, value: { controllerId: s.controllerId ?? null, brokersOnline: s.brokersOnline ?? null } })) as never),
      topics: () => series("topic metadata", (w) => w.snapshots.map((s) => ({ at: s.at, value: s.topics })) as never),
    },
    groups: {
      groups: () => series("consumer groups", (w) => w.snapshots.map((s) => ({ at: s.at, value: s.groups })) as never),
    },
    configs: {
      topicConfigs: async (topic) => {
        const a = await connect();
        if (a.kind !== "ok") return a as Readout<never>;
        return liveCall("configs", policy, async () => {
          const { resources } = await a.value.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: false });
          return Object.fromEntries((resources[0]?.configEntries ?? []).filter((e) => !e.isDefault && e.configValue !== null).map((e) => [e.configName, e.configValue]));
        }, { topic });
      },
      clientConfigs: async (group) => {
        const known = settings.clientConfigs[group];
        return known
          ? ok(known)
          : notRecorded("consumer configs", { entity: { group }, reason: "brokers do not report client settings; add them under clientConfigs in the settings file" });
      },
    },
    metrics: metricsPort(settings, policy),
    registry: settings.schemaRegistry
      ? registryPort(settings, policy)
      : {
          subjects: async () => notRecorded("schema registry (none configured)"),
          proposed: async () => notRecorded("proposed schemas"),
          testCompatibility: async () => notRecorded("schema registry (none configured)"),
        },
    records,
    logs: { logs: async () => notRecorded("logs (live mode reads no log source)") },
    faults: async () => {
      const w = await getWindow();
      const failed = await connectFailure();
      // The sampler's faults are its own lines ("sample 2: describeCluster: ..."), kept as said.
      const sampling = w.faults.map((line): Fault => ({ tool: "sampling", kind: "unavailable", what: line, entity: {}, reason: null, retriable: false }));
      return [...(failed ? [faultOf("connect", failed)] : []), ...sampling];
    },
  };
  return {
    ports,
    window: getWindow,
    policy,
    kafka,
    async close() {
      await Promise.allSettled([admin.disconnect(), records.close()]);
    },
  };
}
