/**
 * `kafka-ops watch`: samples the cluster for as long as it runs, opens an investigation when a
 * group, topic or broker turns unhealthy, sends the reports where it is told, and serves the lag
 * on /metrics for Prometheus. The loop, detectors and sinks are in watch/; the exporter in
 * metrics/; this file only wires them from the flags and settings.
 */
import { parseCommandArgs } from "../args.ts";
import { UsageError } from "../errors.ts";
import { EXIT, type ExitCode } from "../exit-codes.ts";
import { LIVE_HELP, LIVE_OPTIONS, liveSettings } from "../live.ts";
import { oneLine } from "../render/text.ts";

const DEFAULT_INTERVAL = "30s";
const DEFAULT_WINDOW = "10";
const DEFAULT_METRICS_PORT = 9308;

export const help = `Usage: kafka-ops watch --bootstrap HOSTS [--interval 30s] [--notify slack=https://...]
                       [--reports-topic ops.reports] [--out FILE] [--metrics-port 9308] [options]

Samples the whole cluster every --interval into a rolling window of --samples samples and runs
the Streaming agent's detectors over it at every sample: every consumer group's partitions
(the partition window: stalled, stopped, growing, rewound), the topics' replication, the brokers'
balance, and with --prometheus their saturation. When a group, topic or broker turns unhealthy
it opens one investigation (the same as kafka-ops investigate, over the window) and delivers
the report; it opens another for the same entity only when the diagnosis changes or after the
entity has cleared (thresholds watch.raiseAfterSamples, watch.clearAfterSamples and
watch.changeAfterSamples, per group and topic: kafka-ops thresholds). Idle topics never alarm.
Nothing is changed on the cluster: every action stays proposed.

Every delivery is one kafka-ops-watch-event/v1 JSON line on stdout ("report" with the
kafka-investigation/v1 report, or "cleared"); progress and warnings go to stderr. The window
and the per-entity states are kept in the state store (KAFKA_OPS_STATE_DIR, or PostgreSQL with
KAFKA_OPS_POSTGRES_URL), so a restart carries on where the last run stopped. docs/watch.md
tells the whole story, with the metrics' names.

Options:
  --notify KIND=URL     also POST every delivery to URL; KIND slack (a Slack-compatible message:
                        verdict, root cause, actions, report link) or webhook (the JSON event);
                        repeatable. The URL is a secret: it never appears in output
  --reports-topic T     also produce every report to topic T (key: the investigation id,
                        value: the report JSON)
  --out FILE            also append every delivery to FILE as JSON lines
  --report-url URL      the HTTP API's base URL (kafka-ops serve): reports link to
                        URL/investigations/<id>
  --metrics-port PORT   serve Prometheus metrics on http://HOST:PORT/metrics (default
                        ${DEFAULT_METRICS_PORT}; 0 picks a free port; off: none)
  --metrics-host HOST   the address the metrics listen on (default 127.0.0.1: loopback only)
  --cluster-name NAME   the cluster_name label (default the cluster id Kafka reports)
  --name NAME           the state store's key for this watch (default the bootstrap servers)
  --duration D          stop after D (default: run until SIGINT or SIGTERM)
  -h, --help            show this help

The window: --samples N (1-100, default ${DEFAULT_WINDOW}) samples --interval apart (default ${DEFAULT_INTERVAL}).

${watchLiveHelp()}

Exit codes: 0 stopped by a signal or --duration, 2 bad flags or settings, 1 an internal error.
`;

/** The shared connection help, with the watch's own sampling defaults. */
function watchLiveHelp(): string {
  return LIVE_HELP.replace("1-100 (default 4)", `1-100 (default ${DEFAULT_WINDOW})`).replace("(default 15s)", `(default ${DEFAULT_INTERVAL})`);
}

const OPTIONS = {
  ...LIVE_OPTIONS,
  notify: { type: "string", multiple: true },
  "reports-topic": { type: "string" },
  out: { type: "string" },
  "report-url": { type: "string" },
  "metrics-port": { type: "string" },
  "metrics-host": { type: "string" },
  "cluster-name": { type: "string" },
  name: { type: "string" },
  duration: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export interface Notify {
  kind: "slack" | "webhook";
  url: string;
}

/** `slack=https://hooks.slack.com/...` or `webhook=https://...`. */
export function parseNotify(spec: string): Notify {
  const eq = spec.indexOf("=");
  const kind = eq > 0 ? spec.slice(0, eq) : "";
  const url = spec.slice(eq + 1);
  if (kind !== "slack" && kind !== "webhook") throw new UsageError('--notify: expected slack=URL or webhook=URL');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--notify ${kind}: expected an http:// or https:// URL`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new UsageError(`--notify ${kind}: expected an http:// or https:// URL`);
  return { kind, url };
}

export function parseMetricsPort(value: string | undefined): number | "off" {
  if (value === undefined) return DEFAULT_METRICS_PORT;
  if (value === "off") return "off";
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`--metrics-port: expected a port from 0 to 65535, or off, got ${JSON.stringify(value)}`);
  return Number(value);
}

export async function run(args: string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs("watch", args, OPTIONS);
  if (values.help) {
    process.stdout.write(help);
    return EXIT.ok;
  }
  if (positionals.length) throw new UsageError(`watch: unexpected argument ${JSON.stringify(positionals[0])} (see kafka-ops watch --help)`);
  const notify = (values.notify ?? []).map(parseNotify);
  const metricsPort = parseMetricsPort(values["metrics-port"]);
  for (const flag of ["reports-topic", "out", "name", "cluster-name", "metrics-host"] as const) {
    if (values[flag] !== undefined && !values[flag].trim()) throw new UsageError(`--${flag}: expected a value`);
  }
  if (values["report-url"] !== undefined && !/^https?:\/\/[^\s]+$/.test(values["report-url"])) throw new UsageError("--report-url: expected an http:// or https:// URL");
  const { parseDurationFlag } = await import("../args.ts");
  const durationMs = values.duration === undefined ? undefined : await parseDurationFlag("duration", values.duration);

  const settings = await liveSettings({ ...values, interval: values.interval ?? DEFAULT_INTERVAL, samples: values.samples ?? DEFAULT_WINDOW }, process.env);
  if (!settings.kafka) throw new UsageError("watch: no Kafka to watch (--bootstrap, KAFKA_BOOTSTRAP_SERVERS or kafka.bootstrap in --config)");
  return watch(settings, { notify, metricsPort, values, durationMs });
}

interface Wiring {
  notify: Notify[];
  metricsPort: number | "off";
  values: { [K in "reports-topic" | "out" | "report-url" | "metrics-host" | "cluster-name" | "name" | "config"]?: string | undefined };
  durationMs: number | undefined;
}

async function watch(settings: import("../../config/settings.ts").Settings, w: Wiring): Promise<ExitCode> {
  const [{ Secret, redactor, rememberSecrets }, { secretsOf }, { settingsThresholds }, { openState }, { openLive }, { clientLogSink }, watchModules, { watchExporter }, { serveMetrics }] = await Promise.all([
    import("../../config/secret.ts"),
    import("../../config/settings.ts"),
    import("../thresholds-config.ts"),
    import("../../state/open.ts"),
    import("../../ports/live/live-ports.ts"),
    import("../client-log.ts"),
    loadWatch(),
    import("../../metrics/exporter.ts"),
    import("../../metrics/server.ts"),
  ]);
  const { Watch, systemClock, liveSampler, liveInvestigator, checkpointStore, fanOut, streamSink, fileSink, topicSink, webhookSink } = watchModules;
  // A webhook URL is its own credential (Slack's carries the token in its path).
  const urlSecrets = w.notify.map((n) => new Secret(n.url));
  rememberSecrets(urlSecrets);
  const secrets = [...secretsOf(settings), ...urlSecrets];
  const redact = redactor(secrets);
  const say = (line: string) => void process.stderr.write(`kafka-ops watch: ${oneLine(redact(line), 1000)}\n`);
  const kafka = settings.kafka!;
  const name = w.values.name ?? [...kafka.bootstrap].sort().join(",");

  const thresholds = await settingsThresholds(settings);
  const state = await openState(settings.state);
  const session = openLive(settings, { log: clientLogSink((text) => process.stderr.write(text), process.env) });
  const exporter = watchExporter({ redact, ...(w.values["cluster-name"] && { clusterName: w.values["cluster-name"] }) });
  const sinks = fanOut(
    [
      streamSink(process.stdout),
      ...(w.values.out ? [fileSink(w.values.out)] : []),
      ...(w.values["reports-topic"] ? [topicSink(session.kafka, w.values["reports-topic"], { deadlineMs: settings.calls.deadline })] : []),
      ...w.notify.map((n) => webhookSink(n.url, { format: n.kind === "slack" ? "slack" : "json", deadlineMs: settings.calls.deadline })),
    ],
    redact,
    (sink, why) => say(`warning: ${sink}: ${why}`),
  );
  const reportUrl = w.values["report-url"]?.replace(/\/+$/, "");
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const timer = w.durationMs === undefined ? undefined : setTimeout(stop, w.durationMs);
  let server: Awaited<ReturnType<typeof serveMetrics>> | undefined;
  const [{ platformaticGroupReader }, { clusterFlavor }] = await Promise.all([import("../../ports/live/consumer-groups.ts"), import("../../config/flavors.ts")]);
  const groupReader = platformaticGroupReader(settings);
  try {
    if (w.metricsPort !== "off") {
      server = await serveMetrics(exporter.registry, { port: w.metricsPort, ...(w.values["metrics-host"] && { host: w.values["metrics-host"] }) }).catch((error: Error) => {
        throw new UsageError(`--metrics-port: cannot listen on ${w.values["metrics-host"] ?? "127.0.0.1"}:${w.metricsPort}: ${error.message}`);
      });
      say(`metrics on ${server.url}`);
    }
    const loop = new Watch({
      sampler: liveSampler(session.kafka, session.policy, groupReader),
      clock: systemClock,
      intervalMs: settings.sampling.interval,
      windowSize: settings.sampling.samples,
      thresholds,
      store: checkpointStore(state.checkpointer, name, state.describe),
      sinks,
      investigate: liveInvestigator(session.ports, { thresholds, secrets, policy: settings.policy }),
      ...(settings.prometheus && { brokerMetrics: () => session.ports.metrics.brokerMetrics() }),
      clientConfigs: settings.clientConfigs,
      flavor: clusterFlavor(kafka),
      observer: exporter,
      log: say,
      ...(reportUrl && { reportLink: (id: string) => `${reportUrl}/investigations/${encodeURIComponent(id)}` }),
    });
    const restored = await loop.restore();
    say(`watching ${kafka.bootstrap.join(",")} every ${settings.sampling.interval / 1000} s, window ${settings.sampling.samples} samples; state in ${state.describe}${restored.samples || restored.entities ? ` (restored ${restored.samples} samples, ${restored.entities} entities)` : ""}`);
    const { withConsoleOnStderr } = await import("../stdout.ts");
    await withConsoleOnStderr(() => loop.run(controller.signal));
    say("stopped");
    return EXIT.ok;
  } finally {
    clearTimeout(timer);
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await Promise.allSettled([sinks.close(), server?.close(), session.close(), groupReader.close()]);
    await state.close();
  }
}

/** The watch modules, loaded once the flags have parsed (they bring the graph's rules with them). */
async function loadWatch() {
  const [watch, clock, sampler, investigation, store, sink, lines, topic, webhook] = await Promise.all([
    import("../../watch/watch.ts"),
    import("../../watch/clock.ts"),
    import("../../watch/sampler.ts"),
    import("../../watch/investigation.ts"),
    import("../../watch/state-store.ts"),
    import("../../watch/sinks/sink.ts"),
    import("../../watch/sinks/json-lines.ts"),
    import("../../watch/sinks/topic.ts"),
    import("../../watch/sinks/webhook.ts"),
  ]);
  return {
    Watch: watch.Watch,
    systemClock: clock.systemClock,
    liveSampler: sampler.liveSampler,
    liveInvestigator: investigation.liveInvestigator,
    checkpointStore: store.checkpointStore,
    fanOut: sink.fanOut,
    streamSink: lines.streamSink,
    fileSink: lines.fileSink,
    topicSink: topic.topicSink,
    webhookSink: webhook.webhookSink,
  };
}
