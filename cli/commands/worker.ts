/**
 * `kafka-ops worker`: one alert worker of a consumer group on the alerts topic (worker/). Start
 * more, on this host or others sharing the PostgreSQL state, to investigate more alerts at once.
 * This file only wires the worker from the flags and settings.
 */
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { parseCommandArgs, parseCountFlag, parseDurationFlag } from "../args.ts";
import { UsageError } from "../errors.ts";
import { EXIT, type ExitCode } from "../exit-codes.ts";
import { LIVE_HELP, LIVE_OPTIONS, liveSettings } from "../live.ts";
import { oneLine } from "../render/text.ts";
import { parseMetricsPort, parseNotify } from "./watch.ts";

const DEFAULTS = { group: "kafka-ops-workers", concurrency: 1, maxAttempts: 3, lease: "30s", sessionTimeout: "30s", samples: "4", interval: "5s" } as const;

export const help = `Usage: kafka-ops worker --bootstrap HOSTS --alerts-topic T --reports-topic T [options]

Consumes alerts from --alerts-topic as a member of the consumer group --group, investigates each
one on the live cluster (as kafka-ops investigate --bootstrap would, steered by the alert) and
produces its kafka-investigation/v1 report to --reports-topic, keyed by the alert id. Start more
workers with the same --group to investigate more alerts at once: Kafka spreads the alerts
topic's partitions between them.

An alert is reported once, even when a worker dies mid-way: the report and the alert's offset
are committed in one Kafka transaction (read the reports topic with isolation.level
read_committed), the alert ids are kept in the state store, and the investigation's state is
checkpointed there after every step, so the worker that takes the alert over continues it.
Workers on several hosts must share PostgreSQL (KAFKA_OPS_POSTGRES_URL); the default SQLite file
(KAFKA_OPS_STATE_DIR) serves the workers of one host.

Alerts are JSON: kafka-ops-alert/v1 ({"format":"kafka-ops-alert/v1","id":"...","alert":{"kind":
"consumer_lag","summary":"...","labels":{"group":"payments"}}}), a bare alert object, or
Prometheus Alertmanager's webhook payload (version 4: one investigation per firing alert).
A record that is none of these, and an alert whose investigation failed --max-attempts times,
goes to --dlq-topic with the error in its headers (kafka-ops-error, kafka-ops-error-class).
Nothing is changed on the cluster: every action stays proposed. docs/workers.md has the rest.

Options:
  --alerts-topic T      the topic alerts arrive on (required)
  --reports-topic T     the topic reports go to (required)
  --dlq-topic T         where poison alerts go (default <alerts topic>.dlq; created when missing)
  --group G             the workers' consumer group (default ${DEFAULTS.group})
  --concurrency N       alerts investigated at once, one per partition at most, 1-64 (default ${DEFAULTS.concurrency})
  --max-attempts N      attempts before an alert goes to the DLQ, 1-20 (default ${DEFAULTS.maxAttempts})
  --lease D             how long an alert stays with a worker that stopped answering (default ${DEFAULTS.lease})
  --session-timeout D   the consumer group's session timeout (default ${DEFAULTS.sessionTimeout}): how soon
                        a dead worker's partitions move to the others
  --llm                 let a model take part in each investigation (as investigate --llm), within
                        the budget per investigation; a resumed run keeps the calls it finished
  --out FILE            also append every report to FILE as JSON lines, once committed
  --notify KIND=URL     also POST every report to URL (slack or webhook), once committed; repeatable
  --name NAME           this worker's name in the state store and logs (default host-pid-random)
  --metrics-port PORT   serve Prometheus metrics on http://HOST:PORT/metrics (default off: several
                        workers on one host would clash on one port; e.g. 9309, 9310...; 0 picks a free port)
  --metrics-host HOST   the address the metrics listen on (default 127.0.0.1: loopback only)
  --duration D          stop after D (default: run until SIGINT or SIGTERM)
  -h, --help            show this help

Each report is also one kafka-ops-watch-event/v1 JSON line on stdout; progress goes to stderr.
The investigations' window: --samples N (default ${DEFAULTS.samples}) samples --interval apart (default ${DEFAULTS.interval}).

${LIVE_HELP.replace("1-100 (default 4)", `1-100 (default ${DEFAULTS.samples})`).replace("(default 15s)", `(default ${DEFAULTS.interval})`)}

Exit codes: 0 stopped by a signal or --duration, 2 bad flags or settings, 1 an internal error.
`;

const OPTIONS = {
  ...LIVE_OPTIONS,
  "alerts-topic": { type: "string" },
  "reports-topic": { type: "string" },
  "dlq-topic": { type: "string" },
  group: { type: "string" },
  concurrency: { type: "string" },
  "max-attempts": { type: "string" },
  lease: { type: "string" },
  "session-timeout": { type: "string" },
  out: { type: "string" },
  llm: { type: "boolean" },
  notify: { type: "string", multiple: true },
  name: { type: "string" },
  "metrics-port": { type: "string" },
  "metrics-host": { type: "string" },
  duration: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** Kafka's legal topic names. */
const TOPIC = /^[A-Za-z0-9._-]{1,249}$/;

export async function run(args: string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs("worker", args, OPTIONS);
  if (values.help) {
    process.stdout.write(help);
    return EXIT.ok;
  }
  if (positionals.length) throw new UsageError(`worker: unexpected argument ${JSON.stringify(positionals[0])} (see kafka-ops worker --help)`);
  const topics = {} as Record<"alerts-topic" | "reports-topic" | "dlq-topic", string>;
  for (const flag of ["alerts-topic", "reports-topic"] as const) {
    if (values[flag] === undefined) throw new UsageError(`worker: --${flag} is required`);
  }
  for (const flag of ["alerts-topic", "reports-topic", "dlq-topic"] as const) {
    const v = flag === "dlq-topic" ? (values[flag] ?? `${values["alerts-topic"]}.dlq`) : values[flag]!;
    if (!TOPIC.test(v)) throw new UsageError(`--${flag}: expected a Kafka topic name (letters, digits, . _ -; at most 249), got ${JSON.stringify(v)}`);
    topics[flag] = v;
  }
  if (new Set(Object.values(topics)).size !== 3) throw new UsageError("worker: --alerts-topic, --reports-topic and --dlq-topic must be three different topics");
  // Off unless asked for: the workers of one host would clash on any fixed default port.
  const metricsPort = values["metrics-port"] === undefined ? "off" : parseMetricsPort(values["metrics-port"]);
  if (values["metrics-host"] !== undefined && metricsPort === "off") throw new UsageError("--metrics-host: needs --metrics-port (the worker serves no metrics without it)");
  for (const flag of ["group", "name", "out", "metrics-host"] as const) {
    if (values[flag] !== undefined && !values[flag].trim()) throw new UsageError(`--${flag}: expected a value`);
  }
  const notify = (values.notify ?? []).map(parseNotify);
  const concurrency = parseCountFlag("concurrency", values.concurrency ?? String(DEFAULTS.concurrency), 1, 64);
  const maxAttempts = parseCountFlag("max-attempts", values["max-attempts"] ?? String(DEFAULTS.maxAttempts), 1, 20);
  const leaseMs = await parseDurationFlag("lease", values.lease ?? DEFAULTS.lease);
  const sessionTimeoutMs = await parseDurationFlag("session-timeout", values["session-timeout"] ?? DEFAULTS.sessionTimeout);
  if (sessionTimeoutMs < 1000) throw new UsageError("--session-timeout: at least 1s (the broker's group.min.session.timeout.ms is 6s by default)");
  if (leaseMs < 3000) throw new UsageError("--lease: at least 3s (the lease is renewed every third of it)");
  const durationMs = values.duration === undefined ? undefined : await parseDurationFlag("duration", values.duration);
  const settings = await liveSettings({ ...values, samples: values.samples ?? DEFAULTS.samples, interval: values.interval ?? DEFAULTS.interval }, process.env);
  if (!settings.kafka) throw new UsageError("worker: no Kafka to read alerts from (--bootstrap, KAFKA_BOOTSTRAP_SERVERS or kafka.bootstrap in --config)");
  if (values.llm && !settings.llm) throw new UsageError("--llm: no model configured (set OPENAI_API_KEY and/or OPENAI_BASE_URL, optionally KAFKA_OPS_LLM_MODEL)");

  const [{ Secret, redactor, rememberSecrets }, { secretsOf }, { settingsThresholds }, { openState }, { createKafkaClient }, { clientLogSink }, { startWorker }, { liveAlertInvestigator }, { fanOut }, lines, { webhookSink }, { workerExporter }, { serveMetrics }] = await Promise.all([
    import("../../config/secret.ts"),
    import("../../config/settings.ts"),
    import("../thresholds-config.ts"),
    import("../../state/open.ts"),
    import("../../ports/live/connection.ts"),
    import("../client-log.ts"),
    import("../../worker/worker.ts"),
    import("../../worker/investigate.ts"),
    import("../../watch/sinks/sink.ts"),
    import("../../watch/sinks/json-lines.ts"),
    import("../../watch/sinks/webhook.ts"),
    import("../../metrics/worker-exporter.ts"),
    import("../../metrics/server.ts"),
  ]);
  const urlSecrets = notify.map((n) => new Secret(n.url));
  rememberSecrets(urlSecrets);
  const secrets = [...secretsOf(settings), ...urlSecrets];
  const redact = redactor(secrets);
  const owner = values.name ?? `${hostname()}-${process.pid}-${randomBytes(2).toString("hex")}`;
  const say = (line: string) => void process.stderr.write(`kafka-ops worker ${owner}: ${oneLine(redact(line), 1000)}\n`);
  const thresholds = await settingsThresholds(settings);
  const state = await openState(settings.state);
  const client = createKafkaClient(settings.kafka, settings, redact, clientLogSink((text) => process.stderr.write(text), process.env));
  const after = fanOut(
    [lines.streamSink(process.stdout), ...(values.out ? [lines.fileSink(values.out)] : []), ...notify.map((n) => webhookSink(n.url, { format: n.kind === "slack" ? "slack" : "json", deadlineMs: settings.calls.deadline }))],
    redact,
    (sink, why) => say(`warning: ${sink}: ${why}`),
  );
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const timer = durationMs === undefined ? undefined : setTimeout(stop, durationMs);
  const exporter = workerExporter();
  let server: Awaited<ReturnType<typeof serveMetrics>> | undefined;
  try {
    if (metricsPort !== "off") {
      const host = values["metrics-host"] ?? "127.0.0.1";
      server = await serveMetrics(exporter.registry, { port: metricsPort, host }).catch((error: Error) => {
        throw new UsageError(`--metrics-port: cannot listen on ${host}:${metricsPort}: ${error.message}`);
      });
      say(`metrics on ${server.url}`);
    }
    const worker = await startWorker({
      kafka: client.kafka,
      where: settings.kafka.bootstrap.join(","),
      groupId: values.group ?? DEFAULTS.group,
      alertsTopic: topics["alerts-topic"],
      reportsTopic: topics["reports-topic"],
      dlqTopic: topics["dlq-topic"],
      ledger: state.alerts,
      checkpointer: state.checkpointer,
      investigate: liveAlertInvestigator(settings, { thresholds, secrets, ...(values.llm && settings.llm && { llm: { settings: settings.llm } }) }),
      owner,
      concurrency,
      maxAttempts,
      leaseMs,
      sessionTimeoutMs,
      heartbeatIntervalMs: Math.max(300, Math.min(3000, Math.floor(sessionTimeoutMs / 5))),
      after,
      redact,
      log: say,
      observer: exporter,
    });
    say(`consuming ${topics["alerts-topic"]} in group ${values.group ?? DEFAULTS.group}, reports to ${topics["reports-topic"]}, poison alerts to ${topics["dlq-topic"]}; state in ${state.describe}`);
    if (controller.signal.aborted) await worker.stop();
    else controller.signal.addEventListener("abort", () => void worker.stop(), { once: true });
    const how = await worker.done;
    const c = worker.counts;
    say(`stopped${how.error ? ` on an error: ${how.error};` : ":"} ${c.reported} reported, ${c.deadLettered} dead-lettered, ${c.skipped} already done`);
    return how.error ? EXIT.internal : EXIT.ok;
  } finally {
    clearTimeout(timer);
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    client.release();
    await server?.close();
    await state.close();
  }
}
