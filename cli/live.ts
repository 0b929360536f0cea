/**
 * What the live commands (investigate --bootstrap, record) share: the connection flags, their
 * help text, and opening a live session from validated settings.
 */
import type { Settings } from "../config/settings.ts";
import type { Alert } from "../contract/incident.ts";
import type { SettingsFlags } from "../config/load.ts";

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
                           clientConfigs, sampling, calls, dlqPattern         (KAFKA_OPS_CONFIG)
  --samples N              snapshots in the sampling window (default 4)
  --interval DURATION      time between snapshots, e.g. 15s (default 15s)
  --deadline DURATION      deadline of every live call, e.g. 10s (default 10s)
Security from the environment: KAFKA_SECURITY_PROTOCOL (SSL, SASL_SSL...), KAFKA_SASL_MECHANISM
(PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER), KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD,
KAFKA_SASL_OAUTHBEARER_TOKEN, SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO (user:password).
Secrets never appear in output, reports or recordings.`;

type LiveValues = { [K in keyof typeof LIVE_OPTIONS]?: string };

export async function liveSettings(values: LiveValues, env: Record<string, string | undefined>): Promise<Settings> {
  const { loadSettings } = await import("../config/load.ts");
  const flags: SettingsFlags = {};
  if (values.config !== undefined) flags.config = values.config;
  if (values.bootstrap !== undefined) flags.bootstrap = values.bootstrap;
  if (values["schema-registry"] !== undefined) flags.schemaRegistry = values["schema-registry"];
  if (values.prometheus !== undefined) flags.prometheus = values.prometheus;
  if (values.samples !== undefined) flags.samples = values.samples;
  if (values.interval !== undefined) flags.interval = values.interval;
  if (values.deadline !== undefined) flags.deadline = values.deadline;
  return loadSettings(flags, env);
}

/** True when the flags or environment name a cluster to connect to. */
export function wantsLive(values: LiveValues, env: Record<string, string | undefined>): boolean {
  return values.bootstrap !== undefined || values.config !== undefined || env.KAFKA_BOOTSTRAP_SERVERS !== undefined || env.KAFKA_OPS_CONFIG !== undefined;
}

/** What a live command is about (--group / --topic), as an alert that steers triage and ranking. */
export function focus(values: { group?: string; topic?: string }): { about: string; alert: Alert | undefined } {
  const about = values.group ? `group ${values.group}` : values.topic ? `topic ${values.topic}` : "the cluster";
  const labels = { ...(values.group && { group: values.group }), ...(values.topic && { topic: values.topic }) };
  if (!Object.keys(labels).length) return { about, alert: undefined };
  return { about, alert: { kind: values.group ? "consumer_lag" : "other", summary: `investigation of ${about}`, labels, firedAt: new Date().toISOString() } };
}

/** A live session that reports progress and client log lines on stderr (stdout is the result's). */
export async function openLiveSession(settings: Settings) {
  const { openLive } = await import("../ports/live/live-ports.ts");
  return openLive(settings, {
    log: (line) => process.stderr.write(`${line}\n`),
    onSample: (i) => process.stderr.write(`kafka-ops: sample ${i + 1}/${settings.sampling.samples} read\n`),
  });
}
