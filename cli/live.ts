/**
 * What the live commands (investigate --bootstrap, record) share: the connection flags, their
 * help text, and opening a live session from validated settings.
 */
import type { Settings } from "../config/settings.ts";
import type { Alert } from "../contract/incident.ts";
import type { AlertKind } from "../contract/vocabulary.ts";
import type { SettingsFlags } from "../config/load.ts";
import { parseCountFlag, parseDurationFlag } from "./args.ts";
import { UsageError } from "./errors.ts";
import type { ProgressStream } from "./progress.ts";

export const LIVE_OPTIONS = {
  bootstrap: { type: "string" },
  "schema-registry": { type: "string" },
  prometheus: { type: "string" },
  config: { type: "string" },
  samples: { type: "string" },
  interval: { type: "string" },
  deadline: { type: "string" },
} as const;

export const LIVE_HELP = `Connection (flags override environment variables, which override the --config file):
  --bootstrap HOSTS        Kafka bootstrap servers, host:port[,host:port]   (KAFKA_BOOTSTRAP_SERVERS)
  --schema-registry URL    Confluent-compatible Schema Registry base URL     (SCHEMA_REGISTRY_URL)
  --prometheus URL         Prometheus HTTP API for broker/client metrics     (PROMETHEUS_URL)
  --config FILE            JSON settings: kafka.ssl, kafka.sasl, schemaRegistry.basicAuth,
                           clientConfigs, sampling, calls, dlqPattern,        (KAFKA_OPS_CONFIG)
                           thresholds (overrides per topic/group: kafka-ops thresholds)
  --samples N              snapshots in the sampling window, 1-100 (default 4)
  --interval DURATION      time between snapshots (default 15s)
  --deadline DURATION      deadline of every live call (default 10s)
A DURATION is 500ms, 15s, 2m or 1h; a bare number is seconds (--interval 3 is 3 s), here and in
the --config file; it must be more than 0. Progress goes to stderr, never to stdout.
Security from the environment: KAFKA_SECURITY_PROTOCOL (SSL, SASL_SSL...), KAFKA_SASL_MECHANISM
(PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER, AWS_MSK_IAM), KAFKA_SASL_USERNAME,
KAFKA_SASL_PASSWORD, KAFKA_SASL_OAUTHBEARER_TOKEN (or _TOKEN_COMMAND, _TOKEN_ENDPOINT_URL with
_CLIENT_ID and _CLIENT_SECRET: docs/connections.md), AWS_REGION, KAFKA_OPS_FLAVOR (apache,
confluent-cloud, msk, msk-serverless, redpanda: docs/flavors.md),
SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO (user:password).
Secrets never appear in output, reports or recordings.`;

type LiveValues = { [K in keyof typeof LIVE_OPTIONS]?: string };

/**
 * Settings from the flags, environment and config file. The sampling flags are checked here so
 * that a bad one is named as the flag (`--interval: ...`), not as a settings path. A command
 * that replays a file passes `connects: false`: the cluster's settings are then not validated.
 */
export async function liveSettings(values: LiveValues, env: Record<string, string | undefined>, options: { connects?: boolean } = {}): Promise<Settings> {
  const { loadSettings } = await import("../config/load.ts");
  const flags: SettingsFlags = {};
  if (values.config !== undefined) flags.config = values.config;
  if (values.bootstrap !== undefined) flags.bootstrap = values.bootstrap;
  if (values["schema-registry"] !== undefined) flags.schemaRegistry = values["schema-registry"];
  if (values.prometheus !== undefined) flags.prometheus = values.prometheus;
  if (values.samples !== undefined) flags.samples = String(parseCountFlag("samples", values.samples, 1, 100));
  if (values.interval !== undefined) flags.interval = `${await parseDurationFlag("interval", values.interval)}ms`;
  if (values.deadline !== undefined) flags.deadline = `${await parseDurationFlag("deadline", values.deadline)}ms`;
  return loadSettings(flags, env, options);
}

/** True when the flags or environment name a cluster to connect to. */
export function wantsLive(values: LiveValues, env: Record<string, string | undefined>): boolean {
  return values.bootstrap !== undefined || values.config !== undefined || env.KAFKA_BOOTSTRAP_SERVERS !== undefined || env.KAFKA_OPS_CONFIG !== undefined;
}

/** The alert kinds `--alert` takes: the contract's, less `other` (no alert at all says that). */
export const ALERT_KINDS = ["consumer_lag", "rebalance", "dlq", "schema", "replication", "broker", "throughput", "quality"] as const satisfies readonly AlertKind[];

export const FOCUS_HELP = `  --alert KIND    live: what fired, as in a recorded incident's alert.kind; steers triage:
                  ${ALERT_KINDS.join("|")}
                  (default consumer_lag with --group, otherwise none)
  --group G       live: the consumer group the investigation is about
  --topic T       live: the topic it is about (with --group: that group on that topic)`;

export interface FocusValues {
  alert?: string | undefined;
  group?: string | undefined;
  topic?: string | undefined;
}

/**
 * What a live command is about (--alert, --group, --topic), as the alert a recorded incident
 * would carry: the same kind and labels, so it steers triage and ranking exactly as a
 * recorded alert does. No alert when none of the three is given.
 */
export function focus(values: FocusValues, now: () => Date = () => new Date()): { about: string; alert: Alert | undefined } {
  for (const flag of ["group", "topic"] as const) {
    if (values[flag] !== undefined && !values[flag].trim()) throw new UsageError(`--${flag}: expected a ${flag === "group" ? "consumer group id" : "topic name"}`);
  }
  if (values.alert !== undefined && !(ALERT_KINDS as readonly string[]).includes(values.alert)) {
    throw new UsageError(`--alert: unknown alert kind ${JSON.stringify(values.alert)} (expected ${ALERT_KINDS.join(", ")})`);
  }
  const { group, topic } = values;
  const about = group && topic ? `group ${group} on topic ${topic}` : group ? `group ${group}` : topic ? `topic ${topic}` : "the cluster";
  if (values.alert === undefined && !group && !topic) return { about, alert: undefined };
  const kind = (values.alert as AlertKind | undefined) ?? (group ? "consumer_lag" : "other");
  const labels = { ...(group && { group }), ...(topic && { topic }) };
  return { about, alert: { kind, summary: `investigation of ${about}${values.alert ? ` (--alert ${kind})` : ""}`, labels, firedAt: now().toISOString() } };
}

/**
 * A live session that says on stderr how long its window will take and how far it is (stdout
 * is the result's). The plan prints once the cluster has answered the first sample, so a
 * cluster that cannot be reached gets one line, its error. The Kafka client's own log lines
 * never print raw: see client-log.ts.
 */
export async function openLiveSession(settings: Settings, stderr: ProgressStream = process.stderr, env: Record<string, string | undefined> = process.env) {
  const [{ openLive }, { sampleProgress }, { clientLogSink }] = await Promise.all([
    import("../ports/live/live-ports.ts"),
    import("./progress.ts"),
    import("./client-log.ts"),
  ]);
  const progress = sampleProgress(stderr, settings.sampling.samples, settings.sampling.interval);
  const clientLog = clientLogSink((text) => (progress.interrupt(), stderr.write(text)), env);
  const session = openLive(settings, { log: clientLog, onSample: (i) => progress.sample(i) });
  return {
    ...session,
    async close() {
      progress.interrupt();
      await session.close();
    },
  };
}
