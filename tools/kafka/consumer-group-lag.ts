import { z } from "zod";
import type { Group, Topic } from "../../contract/incident.ts";
import type { Sampled } from "../../ports/ports.ts";
import { defineTool, passThrough } from "../define-tool.ts";
import { groupIndex, partitionIndex } from "../lib/indexes.ts";
import { offsetDelta, round, secondsBetween } from "../lib/series.ts";

export const PartitionLag = z.object({
  topic: z.string(),
  partition: z.number(),
  owner: z.string().nullable().describe("member id assigned this partition in the latest sample"),
  committed: z.array(z.string().nullable()).describe("committed offset per sample; null when none"),
  end: z.array(z.string()).describe("log end offset per sample"),
  lag: z.array(z.number().nullable()).describe("end - committed per sample"),
  lagLatest: z.number(),
  consumeRatePerSec: z.number(),
  produceRatePerSec: z.number(),
  timeToCatchUpSec: z.number().nullable().describe("at current rates; null when lag is not shrinking"),
  belowLogStart: z.boolean().describe("committed offset below the log start: retention deleted unread records"),
});
export type PartitionLag = z.infer<typeof PartitionLag>;

export const GroupLag = z.object({
  group: z.string(),
  samples: z.array(z.string()).describe("sample times, oldest first"),
  windowSec: z.number(),
  partitions: z.array(PartitionLag),
  totalLag: z.array(z.number()).describe("sum of lag per sample"),
  consumeRatePerSec: z.number(),
  produceRatePerSec: z.number(),
  timeToCatchUpSec: z.number().nullable(),
});
export type GroupLag = z.infer<typeof GroupLag>;

export const consumerGroupLag = defineTool({
  name: "consumer_group_lag",
  description:
    "Committed offsets and lag of one consumer group per partition over the window, with consume and produce rates and time to catch up.",
  input: z.object({ group: z.string().describe("consumer group id") }),
  output: GroupLag,
  async run(ports, input) {
    const [groups, topics] = await Promise.all([ports.groups.groups(), ports.metadata.topics()]);
    if (groups.kind !== "ok") return passThrough(groups);
    if (topics.kind !== "ok") return passThrough(topics);
    const lag = computeGroupLag(input.group, groups.value, topics.value);
    if (!lag) return { kind: "notRecorded", what: `consumer group ${input.group}` };
    const total = lag.totalLag.at(-1) ?? 0;
    return {
      kind: "ok",
      value: lag,
      summary: `${input.group}: lag ${total} over ${lag.partitions.length} partitions, consuming ${lag.consumeRatePerSec}/s vs producing ${lag.produceRatePerSec}/s`,
    };
  },
});

/** Lag of one group per partition and sample; undefined when the group was never seen. */
export function computeGroupLag(groupId: string, groups: Sampled<Group[]>[], topics: Sampled<Topic[]>[]): GroupLag | undefined {
  const perSample = groupIndex(groups).map((index) => index.get(groupId));
  const latest = perSample.findLast((g) => g !== undefined);
  if (!latest) return undefined;
  const times = groups.map((s) => s.at);
  const windowSec = times.length > 1 ? secondsBetween(times[0]!, times.at(-1)!) : 0;

  const owners = new Map<string, string>();
  for (const m of latest.members) {
    for (const [topic, parts] of Object.entries(m.assignment)) for (const p of parts) owners.set(`${topic}\u0000${p}`, m.memberId);
  }
  const keys = new Set<string>(owners.keys());
  for (const g of perSample) {
    if (!g) continue;
    for (const [topic, parts] of Object.entries(g.offsets)) for (const p of Object.keys(parts)) keys.add(`${topic}\u0000${p}`);
  }
  const partitionsOf = partitionIndex(topics);

  const partitions: PartitionLag[] = [];
  for (const key of [...keys].sort()) {
    const [topic, p] = key.split("\u0000") as [string, string];
    const partition = Number(p);
    const meta = partitionsOf.map((m) => m.get(topic)?.get(partition));
    const lastMeta = meta.findLast((m) => m !== undefined);
    if (!lastMeta) continue; // offsets for a topic that no longer exists
    const end = meta.map((m) => m?.endOffset ?? lastMeta.endOffset);
    const committed = perSample.map((g) => g?.offsets[topic]?.[p] ?? null);
    const lag = committed.map((c, i) => (c === null ? null : Math.max(0, offsetDelta(end[i]!, c))));
    const firstCommitted = committed.findIndex((c) => c !== null);
    const lastCommitted = committed.findLastIndex((c) => c !== null);
    const consumeRatePerSec =
      firstCommitted >= 0 && lastCommitted > firstCommitted
        ? rate(offsetDelta(committed[lastCommitted]!, committed[firstCommitted]!), times[firstCommitted]!, times[lastCommitted]!)
        : 0;
    const produceRatePerSec = times.length > 1 ? rate(offsetDelta(end.at(-1)!, end[0]!), times[0]!, times.at(-1)!) : 0;
    const lagLatest = lag.at(-1) ?? (committed.at(-1) === null ? offsetDelta(end.at(-1)!, lastMeta.startOffset) : 0);
    const lastC = committed.at(-1);
    partitions.push({
      topic,
      partition,
      owner: owners.get(key) ?? null,
      committed,
      end,
      lag,
      lagLatest,
      consumeRatePerSec: round(consumeRatePerSec),
      produceRatePerSec: round(produceRatePerSec),
      timeToCatchUpSec: catchUp(lagLatest, consumeRatePerSec, produceRatePerSec),
      belowLogStart: lastC !== null && lastC !== undefined && BigInt(lastC) < BigInt(lastMeta.startOffset),
    });
  }
  const totalLag = times.map((_, i) => partitions.reduce((a, x) => a + (x.lag[i] ?? 0), 0));
  const consume = partitions.reduce((a, x) => a + x.consumeRatePerSec, 0);
  const produce = partitions.reduce((a, x) => a + x.produceRatePerSec, 0);
  return {
    group: groupId,
    samples: times,
    windowSec,
    partitions,
    totalLag,
    consumeRatePerSec: round(consume),
    produceRatePerSec: round(produce),
    timeToCatchUpSec: catchUp(totalLag.at(-1) ?? 0, consume, produce),
  };
}

const rate = (delta: number, from: string, to: string): number => {
  const seconds = secondsBetween(from, to);
  return seconds > 0 ? delta / seconds : 0;
};

function catchUp(lag: number, consume: number, produce: number): number | null {
  if (lag === 0) return 0;
  const drain = consume - produce;
  return drain > 0 ? Math.round(lag / drain) : null;
}
