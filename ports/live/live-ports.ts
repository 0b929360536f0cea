/**
 * The live adapter: the same ports as the replay adapter, read from a running cluster.
 * Cluster state (metadata, groups, offsets) comes from a sampling window taken once and
 * shared by every tool; the registry, DLQ peeks, configs and metrics are read on demand.
 */
import kafkajs, { type Kafka, type Admin } from "kafkajs";
import { clusterFlavor } from "../../config/flavors.ts";
import { secretsOf, type Settings } from "../../config/settings.ts";
import { redactor } from "../../config/secret.ts";
import { faultOf, type Fault } from "../faults.ts";
import { notRecorded, ok, unavailable, type Ports, type Readout, type Sampled } from "../ports.ts";
import { callPolicy, liveCall, withDeadline, type CallPolicy } from "./call.ts";
import { createKafkaClient } from "./connection.ts";
import { platformaticGroupReader } from "./consumer-groups.ts";
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
  const kafkaSettings = settings.kafka;
  const redact = redactor(secretsOf(settings));
  const policy = callPolicy(settings, redact);
  const client = createKafkaClient(settings.kafka, settings, redact, options.log);
  const { kafka } = client;
  const admin = kafka.admin();
  let connected: Promise<Readout<Admin>> | undefined;
  const connect = () => (connected ??= liveCall("connect", policy, async () => (await admin.connect(), admin)));

  let window: Promise<SampleWindow> | undefined;
  const getWindow = () =>
    (window ??= connect().then((a) =>
      a.kind === "ok"
        ? sampleWindow(kafka, policy, { samples: settings.sampling.samples, intervalMs: settings.sampling.interval, groupReader: () => platformaticGroupReader(settings), ...options })
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
    if (failed) return unreadable(what, failed);
    return unavailable(what, w.faults.join("; ") || "no sample could be read");
  };
  /** A Kafka read after the connect failed: the same failure, at once, instead of another deadline. */
  const unreadable = <T>(what: string, failed: Exclude<Readout<Admin>, { kind: "ok" }>, topic?: string): Readout<T> =>
    failed.kind === "unavailable"
      ? unavailable(what, failed.reason, { cause: failed.cause ?? "unavailable", retriable: failed.retriable ?? false, ...(topic !== undefined && { entity: { topic } }) })
      : unavailable(what, "Kafka not connected", topic !== undefined ? { entity: { topic } } : {});

  const peeking = recordPort(kafka, settings, policy);
  // The record port opens clients of its own: past a failed connect they would each wait out a
  // deadline of their own for the same answer.
  const afterConnect = async <T>(what: string, topic: string | undefined, read: () => Promise<Readout<T>>): Promise<Readout<T>> => {
    const failed = await connectFailure();
    return failed ? unreadable(what, failed, topic) : read();
  };
  const records: typeof peeking = {
    ...peeking,
    dlqTopics: () => afterConnect("DLQ topics", undefined, () => peeking.dlqTopics()),
    peekDlq: (topic, limit) => afterConnect("DLQ records", topic, () => peeking.peekDlq(topic, limit)),
    sample: (topic, limit) => afterConnect("sampled records", topic, () => peeking.sample(topic, limit)),
  };
  const ports: Ports = {
    metadata: {
      brokers: () => series("broker list", (w) => w.brokers as never),
      cluster: () =>
        series("cluster", (w) => w.snapshots.map((s) => ({ at: s.at, value: { controllerId: s.controllerId ?? null, brokersOnline: s.brokersOnline ?? null } })) as never),
      topics: () => series("topic metadata", (w) => w.snapshots.map((s) => ({ at: s.at, value: s.topics })) as never),
      flavor: async () => clusterFlavor(kafkaSettings),
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
          schemaVersion: async () => notRecorded("schema registry (none configured)"),
          testCompatibility: async () => notRecorded("schema registry (none configured)"),
        },
    records,
    logs: { logs: async () => notRecorded("logs (live mode reads no log source)") },
    faults: async () => {
      const w = await getWindow();
      const failed = await connectFailure();
      // The sampler's faults are its own lines ("sample 2: describeCluster: ..."), kept as said.
      const sampling = w.faults.map((line): Fault => ({ tool: "sampling", kind: "unavailable", what: line, entity: {}, reason: null, retriable: false }));
      return [...(failed ? [{ ...faultOf("connect", failed), what: "connect to Kafka" }] : []), ...sampling];
    },
  };
  return {
    ports,
    window: getWindow,
    policy,
    kafka,
    async close() {
      // A polite goodbye first, within one deadline; then whatever kafkajs still holds (a
      // connect it abandoned half-way reconnects on its own) is destroyed, or it keeps the
      // process alive.
      // With no connection to be polite to, nothing is waited for.
      if (connected && (await connected).kind !== "ok") client.release();
      await withDeadline("disconnect", policy.deadlineMs, Promise.allSettled([admin.disconnect(), peeking.close()])).catch(() => {});
      client.release();
    },
  };
}
