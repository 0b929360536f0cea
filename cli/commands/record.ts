/**
 * `kafka-ops record`: samples a live cluster and writes a kafka-incident/v1 file that
 * `kafka-ops investigate` replays offline with the same verdict.
 */
import { rename, writeFile } from "node:fs/promises";
import { parseCommandArgs } from "../args.ts";
import { UsageError } from "../errors.ts";
import { EXIT, type ExitCode } from "../exit-codes.ts";
import { focus, LIVE_HELP, LIVE_OPTIONS, liveSettings, openLiveSession } from "../live.ts";
import { Duration } from "../../config/settings.ts";
import { loadedSecrets, redactor, type Secret } from "../../config/secret.ts";
import type { Incident } from "../../contract/incident.ts";
import { ClusterUnreachableError } from "../../errors.ts";
import type { LiveSession } from "../../ports/live/live-ports.ts";
import { isFailure } from "../../ports/faults.ts";

export const help = `Usage: kafka-ops record --bootstrap HOSTS [--interval 15s] [--duration 2m] [-o incident.json] [options]

Samples a live cluster every --interval for --duration (or --samples times) and writes one
kafka-incident/v1 document: brokers, topics with offsets, groups with members and committed
offsets, topic configs, Schema Registry subjects and recent DLQ records. Secrets are never
written. Replay it with: kafka-ops investigate incident.json

Options:
  --duration DURATION   how long to sample, e.g. 2m (samples = duration / interval + 1)
  -o, --output FILE     write here (atomically) instead of stdout
  --id ID               incident id ([a-z0-9._-]+; default recorded-<time>)
  --title TEXT          incident title
  --group G             record an alert about this consumer group
  --topic T             record an alert about this topic
  -h, --help            show this help

${LIVE_HELP}

Exit codes: 0 written, 2 bad input, 1 the cluster could not be read.
`;

const OPTIONS = {
  ...LIVE_OPTIONS,
  duration: { type: "string" },
  output: { type: "string", short: "o" },
  id: { type: "string" },
  title: { type: "string" },
  group: { type: "string" },
  topic: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function run(args: string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs("record", args, OPTIONS);
  if (values.help) {
    process.stdout.write(help);
    return EXIT.ok;
  }
  if (positionals.length) throw new UsageError(`record: unexpected argument ${JSON.stringify(positionals[0])}`);
  if (values.id !== undefined && !/^[a-z0-9._-]+$/.test(values.id)) throw new UsageError("record: --id must match [a-z0-9._-]+");
  let settings = await liveSettings(values, process.env);
  if (!settings.kafka) throw new UsageError("record: no Kafka to connect to (--bootstrap, KAFKA_BOOTSTRAP_SERVERS or kafka.bootstrap in --config)");
  if (values.duration !== undefined) {
    const duration = Duration.safeParse(values.duration);
    if (!duration.success) throw new UsageError('record: --duration expects a duration such as "2m" or "90s"');
    settings = { ...settings, sampling: { ...settings.sampling, samples: Math.floor(duration.data / settings.sampling.interval) + 1 } };
  }

  const { recordIncident } = await import("../../ports/live/record-incident.ts");
  const session = await openLiveSession(settings);
  try {
    await requireSamples(session, settings.kafka!.bootstrap.join(","));
    const { alert } = focus(values);
    const incident = await recordIncident(session, settings, {
      ...(values.id && { id: values.id }),
      ...(values.title && { title: values.title }),
      ...(alert && { alert }),
    });
    const text = recordingText(incident, loadedSecrets());
    if (values.output) {
      // Written next to the target, then renamed: a reader never sees half a file.
      const temp = `${values.output}.${process.pid}.tmp`;
      await writeFile(temp, text);
      await rename(temp, values.output);
      process.stderr.write(`kafka-ops: wrote ${values.output} (${incident.snapshots.length} snapshots)\n`);
    } else process.stdout.write(text);
    return EXIT.ok;
  } finally {
    await session.close();
  }
}

/** The file's text. A recording quotes what the cluster and the registry said: scrubbed of the secrets too. */
export function recordingText(incident: Incident, secrets: readonly Secret[]): string {
  return `${JSON.stringify(redactor(secrets).deep(incident), null, 2)}\n`;
}

/**
 * A recording needs at least one sample: without one, the command fails with one line (exit 1)
 * saying why, like `kafka-ops lag`, instead of writing nothing or a file without snapshots.
 */
async function requireSamples(session: LiveSession, where: string): Promise<void> {
  const window = await session.window();
  if (window.snapshots.length) return;
  const faults = ((await session.ports.faults?.()) ?? []).filter(isFailure);
  const reason = faults.map((f) => f.reason ?? f.what).join("; ") || "no sample could be read";
  throw new ClusterUnreachableError(where, reason);
}
