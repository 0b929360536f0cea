/**
 * `kafka-ops lag`: every consumer group's lag per partition, read live, like
 * `kafka-consumer-groups --describe --all-groups`, plus LAG-TIME (seconds behind). One
 * snapshot of the whole cluster costs O(topics + groups) requests (ports/live/cluster-sampler.ts).
 */
import { parseCommandArgs } from "../args.ts";
import { UsageError } from "../errors.ts";
import { EXIT, type ExitCode } from "../exit-codes.ts";
import { oneLine } from "../render/text.ts";
import { renderLagTable, type LagGroup, type LagReport, type LagRow } from "../render/lag-table.ts";
import { KafkaOpsError } from "../../errors.ts";
import { ENVIRONMENT, loadSettings } from "../../config/load.ts";
import { Duration } from "../../config/settings.ts";
import type { Admin } from "kafkajs";
import type { Member, Snapshot } from "../../contract/incident.ts";
import { offsetDelta, round, secondsBetween } from "../../tools/lib/series.ts";

const DEFAULT_SAMPLES = "1";
const DEFAULT_INTERVAL = "5s";

export const help = `Usage: kafka-ops lag [--bootstrap host:port] [options]

Prints the lag of every consumer group (or of one, with --group) per partition, read live
from the cluster, like kafka-consumer-groups --describe --all-groups. One snapshot of the whole
cluster takes O(topics + groups) requests, however many partitions each group reads.

Columns:
  GROUP           consumer group id
  TOPIC           topic
  PARTITION       partition number
  CURRENT-OFFSET  the group's committed offset (the next record it will read); - when none
  LOG-END-OFFSET  the partition's end offset (offset of the next record to be written)
  LAG             LOG-END-OFFSET - CURRENT-OFFSET; - without a committed offset
  LAG-TIME        seconds behind: LAG / the partition's produce rate between the last two
                  samples; - with one sample (the default), or when nothing was produced
  CONSUMER-ID     member the partition is assigned to; - when no member holds it
  HOST            that member's host; -
  CLIENT-ID       that member's client.id; -
Rows: a group's assigned partitions and every partition it has a committed offset for, sorted
by group, topic and partition. Like the official tool, a group with neither (no members with
partitions, no committed offsets) is left out.

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
  --config FILE     JSON settings file (kafka.bootstrap, ssl, sasl, calls); flags win over
                    environment variables, which win over the file
  -h, --help        show this help

Environment:
${Object.entries(ENVIRONMENT)
  .map(([name, what]) => `  ${name.padEnd(37)} ${what}`)
  .join("\n")}

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
    process.env,
  );
  if (!settings.kafka) {
    throw new UsageError("lag: no Kafka to read: give --bootstrap host:port, set KAFKA_BOOTSTRAP_SERVERS, or kafka.bootstrap in --config");
  }
  const kafkaSettings = settings.kafka;

  const [{ redactor }, { secretsOf }, { callPolicy, liveCall, withDeadline }, { createKafka }, { takeSnapshot }] = await Promise.all([
    import("../../config/secret.ts"),
    import("../../config/settings.ts"),
    import("../../ports/live/call.ts"),
    import("../../ports/live/connection.ts"),
    import("../../ports/live/cluster-sampler.ts"),
  ]);
  const redact = redactor(secretsOf(settings));
  const policy = callPolicy(settings, redact);
  const kafka = createKafka(kafkaSettings, settings, redact);
  const where = kafkaSettings.bootstrap.join(",");
  const unreachable = (reason: string): ExitCode => {
    process.stderr.write(`kafka-ops: cannot reach Kafka at ${oneLine(where, 300)}: ${oneLine(redact(reason), 500)}\n`);
    return EXIT.internal;
  };

  // Every admin client opened, with its connect attempt: one still connecting after the
  // deadline is waited for, then closed, or its sockets would keep the process alive.
  const opened: { admin: Admin; connecting: Promise<void> }[] = [];
  const open = async (): Promise<{ admin: Admin } | { reason: string }> => {
    const entry = { admin: kafka.admin(), connecting: Promise.resolve() };
    opened.push(entry);
    // The whole connect, retries included, stays within one call deadline.
    const connect = liveCall("connect", policy, () => (entry.connecting = entry.admin.connect()));
    const connected = await withDeadline("connect", policy.deadlineMs, connect).catch((error: unknown) => ({
      kind: "unavailable" as const,
      reason: error instanceof Error ? error.message : String(error),
    }));
    if (connected.kind === "ok") return { admin: entry.admin };
    return { reason: "reason" in connected ? connected.reason : "not available" };
  };
  const close = (entries: typeof opened) =>
    withDeadline("disconnect", policy.deadlineMs, Promise.all(entries.map((e) => e.connecting.catch(() => {}).then(() => e.admin.disconnect())))).catch(() => {});

  try {
    const taken: Sample[] = [];
    const faults: string[] = [];
    const memory = new Map<string, { low: string; high: string }>();
    const count = settings.sampling.samples;
    for (let i = 0; i < count; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, settings.sampling.interval));
      const label = count > 1 ? `sample ${i + 1}: ` : "";
      // A fresh client per sample: kafkajs keeps asking for every topic an admin has seen, so a
      // topic deleted mid-window would fail every later metadata request of a long-lived one.
      const client = await open();
      if ("reason" in client) {
        if (i === 0) return unreachable(client.reason);
        faults.push(`${label}connect: ${client.reason}`);
        break;
      }
      const result = await takeSnapshot(client.admin, policy, memory);
      await close(opened.splice(0));
      if (!result.snapshot) {
        if (i === 0) return unreachable(result.faults.join("; ") || "no answer");
        faults.push(...result.faults.map((f) => label + f));
        break;
      }
      faults.push(...result.faults.map((f) => label + f));
      taken.push({ snapshot: result.snapshot, unreadTopics: result.unreadTopics });
    }
    for (const fault of faults) process.stderr.write(`kafka-ops: warning: ${oneLine(fault, 500)}\n`);

    const report = buildLagReport(taken, values.group);
    const last = taken.at(-1)!.snapshot;
    if (values.group !== undefined && !report.groups.length && !last.groups.some((g) => g.groupId === values.group && g.state !== "Dead")) {
      throw new KafkaOpsError("NOT_FOUND", `consumer group ${JSON.stringify(values.group)} does not exist`);
    }
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderLagTable(report));
    return EXIT.ok;
  } finally {
    await close(opened.splice(0));
  }
}

/** One snapshot, and the topics whose offsets it could not read (their end offsets are not real). */
export interface Sample {
  snapshot: Snapshot;
  unreadTopics?: ReadonlySet<string>;
}


/**
 * Lag rows from one or more snapshots of the cluster (oldest first): the groups of the last
 * snapshot (or only `onlyGroup`), each with the partitions its members are assigned and the
 * partitions it has committed offsets for, sorted by group, topic, partition. A topic whose
 * end offsets could not be read shows no LOG-END-OFFSET and no LAG rather than wrong ones. Groups without
 * rows and Dead groups are left out, like kafka-consumer-groups does. (The same reading as
 * tools/kafka/consumer-group-lag.ts, which is not imported: it loads LangChain, ~0.5 s.)
 */
export function buildLagReport(samples: readonly (Sample | Snapshot)[], onlyGroup?: string): LagReport {
  const all = samples.map((s): Sample => ("snapshot" in s ? s : { snapshot: s }));
  const lastSample = all.at(-1);
  if (!lastSample) throw new Error("buildLagReport: no snapshot");
  const last = lastSample.snapshot;
  const previous = all.length > 1 ? all.at(-2) : undefined;
  // topic -> partition -> end offset, without the topics whose offsets could not be read.
  const endsOf = ({ snapshot, unreadTopics }: Sample) =>
    new Map(snapshot.topics.filter((t) => !unreadTopics?.has(t.name)).map((t) => [t.name, new Map(t.partitions.map((p) => [p.partition, p.endOffset]))]));
  const exists = new Set(last.topics.map((t) => t.name));
  const ends = endsOf(lastSample);
  const previousEnds = previous && endsOf(previous);

  const groups: LagGroup[] = [];
  const selected = last.groups.filter((g) => g.state !== "Dead" && (onlyGroup === undefined || g.groupId === onlyGroup));
  for (const group of selected.sort((a, b) => compareText(a.groupId, b.groupId))) {
    const owners = new Map<string, Member>();
    for (const m of group.members) {
      for (const [topic, parts] of Object.entries(m.assignment)) for (const p of parts) owners.set(`${topic}\u0000${p}`, m);
    }
    const keys = new Set(owners.keys());
    for (const [topic, parts] of Object.entries(group.offsets)) for (const p of Object.keys(parts)) keys.add(`${topic}\u0000${p}`);

    const partitions: LagRow[] = [];
    for (const key of keys) {
      const [topic, p] = key.split("\u0000") as [string, string];
      const partition = Number(p);
      if (!exists.has(topic)) continue; // offsets of a topic that is gone
      const logEndOffset = ends.get(topic)?.get(partition) ?? null;
      const currentOffset = group.offsets[topic]?.[p] ?? null;
      const lag = currentOffset === null || logEndOffset === null ? null : offsetDelta(logEndOffset, currentOffset);
      const before = previousEnds?.get(topic)?.get(partition);
      const member = owners.get(key);
      partitions.push({
        topic,
        partition,
        currentOffset,
        logEndOffset,
        lag,
        lagSeconds: before === undefined || logEndOffset === null ? null : lagSeconds(lag, [before, logEndOffset], [previous!.snapshot.at, last.at]),
        consumerId: member?.memberId ?? null,
        host: member?.host ?? null,
        clientId: member?.clientId ?? null,
      });
    }
    if (!partitions.length) continue;
    partitions.sort((a, b) => compareText(a.topic, b.topic) || a.partition - b.partition);
    groups.push({ group: group.groupId, state: group.state, partitions });
  }
  return { at: last.at, groups };
}

/**
 * Seconds behind: lag / produce rate, the rate from the end offsets of the last two samples.
 * Null with fewer than two samples, without a committed offset, or when nothing was produced.
 */
export function lagSeconds(lag: number | null, ends: readonly string[], times: readonly string[]): number | null {
  if (lag === null || ends.length < 2 || times.length < 2) return null;
  if (lag <= 0) return 0;
  const seconds = secondsBetween(times.at(-2)!, times.at(-1)!);
  const produced = offsetDelta(ends.at(-1)!, ends.at(-2)!);
  if (seconds <= 0 || produced <= 0) return null;
  return round(lag / (produced / seconds), 1);
}

/** Code-unit order, the same on every machine (localeCompare is not). */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
