import { z } from "zod";
import { defineTool, passThrough } from "../define-tool.ts";
import type { Partition, Topic } from "../../contract/incident.ts";
import type { Sampled } from "../../ports/ports.ts";
import { partitionIndex } from "../lib/indexes.ts";
import { memoByIdentity } from "../lib/memo.ts";
import { offsetDelta, ratePerSec, round, secondsBetween } from "../lib/series.ts";

const PartitionView = z.object({
  partition: z.number(),
  leader: z.number().describe("-1 when leaderless"),
  replicas: z.array(z.number()),
  isr: z.array(z.number()),
  offlineReplicas: z.array(z.number()),
  startOffset: z.string(),
  endOffset: z.string(),
  writeRatePerSec: z.number().describe("records written per second over the window"),
});

export const TopicView = z.object({
  name: z.string(),
  internal: z.boolean(),
  partitions: z.array(PartitionView),
  writeRatePerSec: z.number(),
  writeRateSeries: z
    .array(z.object({ from: z.string(), to: z.string(), perSec: z.number() }))
    .describe("whole-topic write rate between consecutive samples"),
});
export type TopicView = z.infer<typeof TopicView>;

export const topicPartitions = defineTool({
  name: "topic_partitions",
  description:
    "Partitions of one topic or of every topic: leader, replicas, ISR, offline replicas, start/end offsets and write rates over the window.",
  input: z.object({
    topic: z.string().optional().describe("one topic; omit for every topic"),
    includeInternal: z.boolean().default(false).describe("include internal topics such as __consumer_offsets"),
  }),
  output: z.object({ topics: z.array(TopicView), window: z.object({ from: z.string(), to: z.string(), samples: z.number() }) }),
  async run(ports, input) {
    const topics = await ports.metadata.topics();
    if (topics.kind !== "ok") return passThrough(topics);
    const samples = topics.value;
    const all = topicViews(samples);
    const views = samples.at(-1)!.value
      .filter((t) => (input.topic === undefined || t.name === input.topic) && (input.includeInternal || !t.internal || t.name === input.topic))
      .map((t) => all.get(t.name)!);
    if (input.topic !== undefined && views.length === 0) return { kind: "notRecorded", what: `topic ${input.topic}` };
    const times = samples.map((s) => s.at);
    return {
      kind: "ok",
      value: { topics: views, window: { from: times[0]!, to: times.at(-1)!, samples: samples.length } },
      summary: input.topic
        ? `${input.topic}: ${views[0]!.partitions.length} partitions, ${views[0]!.writeRatePerSec} records/s`
        : `${views.length} topics`,
    };
  },
});

/**
 * Every topic of the latest sample with its write rates; computed once per series. A sample
 * that lacks the topic (its metadata was not read) is skipped, never filled in from another
 * sample: the interval around it runs from the sample before to the sample after.
 */
const topicViews = memoByIdentity((samples: Sampled<Topic[]>[]): Map<string, TopicView> => {
  const index = partitionIndex(samples);
  const views = new Map<string, TopicView>();
  for (const topic of samples.at(-1)!.value) {
    const seen = samples.flatMap((_, i) => (index[i]!.has(topic.name) ? [i] : []));
    const times = seen.map((i) => samples[i]!.at);
    const endsOf = (p: Partition) => seen.map((i) => index[i]!.get(topic.name)?.get(p.partition)?.endOffset ?? null);
    const series = topic.partitions.map(endsOf);
    const rates = series.map((offsets) => knownRate(offsets, times));
    const partitions = topic.partitions.map((p, k) => ({ ...p, writeRatePerSec: round(rates[k]!) }));
    const writeRateSeries = seen.slice(1).map((at, j) => {
      let delta = 0;
      for (const offsets of series) {
        const [from, to] = [offsets[j], offsets[j + 1]];
        if (from != null && to != null) delta += Math.max(0, offsetDelta(to, from));
      }
      const seconds = secondsBetween(samples[seen[j]!]!.at, samples[at]!.at);
      return { from: samples[seen[j]!]!.at, to: samples[at]!.at, perSec: seconds > 0 ? round(delta / seconds) : 0 };
    });
    const writeRatePerSec = round(rates.reduce((a, r) => a + r, 0));
    views.set(topic.name, { name: topic.name, internal: topic.internal, partitions, writeRatePerSec, writeRateSeries });
  }
  return views;
});

/** Rate between the first and last known offsets (a partition created mid-window starts later). */
function knownRate(offsets: readonly (string | null)[], times: readonly string[]): number {
  const first = offsets.findIndex((o) => o !== null);
  const last = offsets.findLastIndex((o) => o !== null);
  if (first < 0 || last <= first) return 0;
  return ratePerSec([offsets[first]!, offsets[last]!], [times[first]!, times[last]!]);
}
