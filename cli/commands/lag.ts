/**
 * `kafka-ops lag`: every consumer group's lag per partition, read live, like
 * `kafka-consumer-groups --describe --all-groups`, plus LAG-TIME (seconds behind). One
 * snapshot of the whole cluster costs O(topics + groups) requests (ports/live/cluster-sampler.ts),
 * sampled by the same loop as live investigations (ports/live/sampling.ts), and every number
 * comes from the lag computation the consumer_group_lag tool uses (tools/lib/lag.ts).
 *
 * Startup is part of what this command is measured on (bench:lag): it loads the settings, the
 * Kafka client and the lag computation, and nothing else (no graph, no LangChain).
 */
import { parseCommandArgs } from "../args.ts";
import { UsageError } from "../errors.ts";
import { EXIT, type ExitCode } from "../exit-codes.ts";
import { oneLine } from "../render/text.ts";
import { renderLagTable, type LagGroup, type LagReport } from "../render/lag-table.ts";
import { KafkaOpsError } from "../../errors.ts";
import { ENVIRONMENT, loadSettings } from "../../config/load.ts";
import { Duration } from "../../config/settings.ts";
import type { Snapshot } from "../../contract/incident.ts";
import { computeGroupLag } from "../../tools/lib/lag.ts";

const DEFAULT_SAMPLES = "1";
const DEFAULT_INTERVAL = "5s";

/** The environment variables `lag` reads (the others configure the registry, metrics or an LLM). */
const LAG_ENVIRONMENT = [
  "KAFKA_OPS_CONFIG",
  "KAFKA_BOOTSTRAP_SERVERS",
  "KAFKA_SECURITY_PROTOCOL",
  "KAFKA_SASL_MECHANISM",
  "KAFKA_SASL_USERNAME",
  "KAFKA_SASL_PASSWORD",
  "KAFKA_SASL_OAUTHBEARER_TOKEN",
  "KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND",
  "KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL",
  "KAFKA_SASL_OAUTHBEARER_CLIENT_ID",
  "KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET",
  "KAFKA_SASL_OAUTHBEARER_SCOPE",
  "KAFKA_SASL_OAUTHBEARER_EXTENSIONS",
  "AWS_REGION",
] as const satisfies readonly (keyof typeof ENVIRONMENT)[];

export const help = `Usage: kafka-ops lag [--bootstrap host:port] [options]

Prints the lag of every consumer group (or of one, with --group) per partition, read live
from the cluster, like kafka-consumer-groups --describe --all-groups. One snapshot of the whole
cluster takes O(topics + groups) requests, however many partitions each group reads.

Columns:
  GROUP           consumer group id
  TOPIC           topic
  PARTITION       partition number
  CURRENT-OFFSET  the group's committed offset (the next record it will read); - when none
  LOG-END-OFFSET  the partition's end offset (offset of the next record to be written); -
                  when its offsets could not be read
  LAG             LOG-END-OFFSET - CURRENT-OFFSET; 0 when the commit is ahead of the log end
                  (the log was truncated or recreated); - when the group never committed for
                  the partition (not "behind by the whole log")
  LAG-TIME        seconds behind the log end: when the log end was at CURRENT-OFFSET, read off
                  the log-end history of the samples (interpolated between samples, or
                  extrapolated at the window's produce rate when older than the first one);
                  0 when caught up; - with one sample (the default), or when nothing was
                  produced in the window while records wait
  CONSUMER-ID     member the partition is assigned to; - when no member holds it
  HOST            that member's host; -
  CLIENT-ID       that member's client.id; -
Rows: a group's assigned partitions and every partition it has a committed offset for, sorted
by group, topic and partition. Like the official tool, a group with neither (no members with
partitions, no committed offsets) is left out. Groups on the consumer protocol (KIP-848,
group.protocol=consumer) are read with ConsumerGroupDescribe and shown like classic ones
(--json's state in their protocol's names: Stable, Assigning, Reconciling, Empty); streams and
share groups are not analysed and not shown. The numbers are those of the consumer_group_lag
tool of an investigation, computed by the same function.

Options:
  --bootstrap LIST  Kafka brokers, comma-separated host:port (or KAFKA_BOOTSTRAP_SERVERS)
  --group ID        only this consumer group (exit 2 when it does not exist)
  --json            print one JSON object instead of the table:
                    { at, groups: [{ group, state, partitions: [{ topic, partition,
                      currentOffset, logEndOffset, lag, lagSeconds, consumerId, host,
                      clientId }] }] }   (unknown values are null)
  --samples N       snapshots to take, 1-100 (default ${DEFAULT_SAMPLES}); 2 or more give LAG-TIME
  --interval D      time between snapshots (default ${DEFAULT_INTERVAL}); e.g. 500ms, 5s, 1m
  --deadline D      deadline of each call to Kafka (default 10s); an unreachable cluster is
                    reported within it
  --config FILE     JSON settings file (kafka.bootstrap, kafka.ssl, kafka.sasl, calls); flags
                    win over environment variables, which win over the file
  -h, --help        show this help

Environment:
${LAG_ENVIRONMENT.map((name) => `  ${name.padEnd(Math.max(...LAG_ENVIRONMENT.map((n) => n.length)))} ${ENVIRONMENT[name]}`).join("\n")}

Reads that fail (one topic's offsets, one group's commits) are reported on stderr as
warnings; the rest is printed.

Exit codes:
  ${EXIT.ok}  lag printed
  ${EXIT.badInput}  bad flags or settings, or the --group does not exist
  ${EXIT.internal}  Kafka could not be reached (one line on stderr), or an internal error
`;

const OPTIONS = {
  bootstrap: { type: "string" },
  group: { type: "string" },
  json: { type: "boolean" },
  samples: { type: "string" },
  interval: { type: "string" },
  deadline: { type: "string" },
  config: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function run(args: string[]): Promise<ExitCode> {
  const { values, positionals } = parseCommandArgs("lag", args, OPTIONS);
  if (values.help) {
    process.stdout.write(help);
    return EXIT.ok;
  }
  if (positionals.length) throw new UsageError(`lag: unexpected argument ${JSON.stringify(positionals[0])} (see kafka-ops lag --help)`);
  if (values.group !== undefined && !values.group) throw new UsageError("--group: expected a consumer group id");
  const samples = values.samples ?? DEFAULT_SAMPLES;
  if (!/^\d+$/.test(samples) || Number(samples) < 1 || Number(samples) > 100) throw new UsageError("--samples: expected a whole number from 1 to 100");
  for (const flag of ["interval", "deadline"] as const) {
    const value = values[flag];
    if (value !== undefined && !Duration.safeParse(/^\d+$/.test(value) ? Number(value) : value).success) {
      throw new UsageError(`--${flag}: expected a duration such as 500ms, 5s or 2m, got ${JSON.stringify(value)}`);
    }
  }

  const settings = loadSettings(
    {
      ...(values.config !== undefined && { config: values.config }),
      ...(values.bootstrap !== undefined && { bootstrap: values.bootstrap }),
      ...(values.deadline !== undefined && { deadline: values.deadline }),
      samples,
      interval: values.interval ?? DEFAULT_INTERVAL,
    },
    // Only what lag reads: a registry or LLM variable that does not parse is none of its business.
    Object.fromEntries(LAG_ENVIRONMENT.map((name) => [name, process.env[name]])),
  );
  if (!settings.kafka) {
    throw new UsageError("lag: no Kafka to read: give --bootstrap host:port, set KAFKA_BOOTSTRAP_SERVERS, or kafka.bootstrap in --config");
  }
  const kafkaSettings = settings.kafka;

  const [{ redactor }, { secretsOf }, { callPolicy }, { createKafka }, { sampleWindow }, { platformaticGroupReader }] = await Promise.all([
    import("../../config/secret.ts"),
    import("../../config/settings.ts"),
    import("../../ports/live/call.ts"),
    import("../../ports/live/connection.ts"),
    import("../../ports/live/sampling.ts"),
    import("../../ports/live/consumer-groups.ts"),
  ]);
  const redact = redactor(secretsOf(settings));
  const policy = callPolicy(settings, redact);
  const kafka = createKafka(kafkaSettings, settings, redact);
  const window = await sampleWindow(kafka, policy, {
    samples: settings.sampling.samples,
    intervalMs: settings.sampling.interval,
    keepIncomplete: true,
    // Consumer-protocol (KIP-848) groups are described with ConsumerGroupDescribe, which kafkajs lacks.
    groupReader: () => platformaticGroupReader(settings),
  });
  if (window.unreachable !== undefined) {
    process.stderr.write(`kafka-ops: cannot reach Kafka at ${oneLine(kafkaSettings.bootstrap.join(","), 300)}: ${oneLine(redact(window.unreachable), 500)}\n`);
    return EXIT.internal;
  }
  for (const fault of window.faults) process.stderr.write(`kafka-ops: warning: ${oneLine(redact(fault), 500)}\n`);

  // Member and client ids are text others chose: scrubbed like every other way out.
  const report = redact.deep(lagReport(window, values.group));
  const last = window.snapshots.at(-1)!;
  if (values.group !== undefined && !report.groups.length) {
    const found = last.groups.find((g) => g.groupId === values.group && g.state !== "Dead");
    if (!found) throw new KafkaOpsError("NOT_FOUND", `consumer group ${JSON.stringify(values.group)} does not exist`);
    if (found.type === "streams" || found.type === "share") {
      process.stderr.write(`kafka-ops: group ${oneLine(redact(values.group), 300)} is a ${found.type} group: not analysed (lag reads classic and consumer-protocol groups)\n`);
    }
  }
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderLagTable(report));
  return EXIT.ok;
}

/** Snapshots oldest first, and per snapshot the topics whose offsets could not be read. */
export interface LagSamples {
  snapshots: readonly Snapshot[];
  unreadTopics?: readonly ReadonlySet<string>[];
}

/**
 * The rows of the table from the shared lag computation: the groups of the last snapshot (or
 * only `onlyGroup`) but Dead ones, each with computeGroupLag's partitions, showing the last
 * sample's offsets, lag and lag in time, and the member that holds the partition then. Groups
 * without rows are left out, like kafka-consumer-groups does.
 */
export function lagReport({ snapshots, unreadTopics }: LagSamples, onlyGroup?: string): LagReport {
  const last = snapshots.at(-1);
  if (!last) throw new Error("lagReport: no snapshot");
  // Built once: the lag computation indexes these arrays by identity, once for all groups.
  const groupSeries = snapshots.map((s) => ({ at: s.at, value: s.groups }));
  const topicSeries = snapshots.map((s) => ({ at: s.at, value: s.topics }));
  const options = unreadTopics ? { unreadTopics } : {};

  const groups: LagGroup[] = [];
  const selected = last.groups.filter((g) => g.state !== "Dead" && (onlyGroup === undefined || g.groupId === onlyGroup));
  for (const group of selected.sort((a, b) => compareText(a.groupId, b.groupId))) {
    const lag = computeGroupLag(group.groupId, groupSeries, topicSeries, options);
    if (!lag?.partitions.length) continue;
    const members = new Map(group.members.map((m) => [m.memberId, m]));
    groups.push({
      group: group.groupId,
      // A consumer-protocol group's own state name (Reconciling, not its classic mapping).
      state: group.groupState ?? group.state,
      partitions: lag.partitions.map((p) => {
        const owner = p.owners.at(-1) ?? null;
        const member = owner === null ? undefined : members.get(owner);
        return {
          topic: p.topic,
          partition: p.partition,
          currentOffset: p.committed.at(-1) ?? null,
          logEndOffset: p.end.at(-1) ?? null,
          lag: p.lag.at(-1) ?? null,
          lagSeconds: p.lagSeconds.at(-1) ?? null,
          consumerId: owner,
          host: member?.host ?? null,
          clientId: member?.clientId ?? null,
        };
      }),
    });
  }
  return { at: last.at, groups };
}

/** Code-unit order, the same on every machine (localeCompare is not). */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
