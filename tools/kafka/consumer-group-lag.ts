import { z } from "zod";
import { defineTool, passThrough } from "../define-tool.ts";
import { computeGroupLag, GroupLag } from "../lib/lag.ts";

// The computation and its types live in tools/lib/lag.ts, shared with `kafka-ops lag`.
export { computeGroupLag, GroupLag, PartitionLag } from "../lib/lag.ts";

export const consumerGroupLag = defineTool({
  name: "consumer_group_lag",
  description:
    "Committed offsets and lag of one consumer group per partition over the window, in records and in seconds behind the log end, with consume and produce rates and time to catch up.",
  input: z.object({ group: z.string().describe("consumer group id") }),
  output: GroupLag,
  async run(ports, input) {
    const [groups, topics] = await Promise.all([ports.groups.groups(), ports.metadata.topics()]);
    if (groups.kind !== "ok") return passThrough(groups);
    if (topics.kind !== "ok") return passThrough(topics);
    const lag = computeGroupLag(input.group, groups.value, topics.value);
    if (!lag) return { kind: "notRecorded", what: `consumer group ${input.group}` };
    const total = lag.totalLag.at(-1) ?? 0;
    const behind = lag.totalLagSeconds === null ? "" : `, up to ${lag.totalLagSeconds}s behind`;
    return {
      kind: "ok",
      value: lag,
      summary: `${input.group}: lag ${total} over ${lag.partitions.length} partitions${behind}, consuming ${lag.consumeRatePerSec}/s vs producing ${lag.produceRatePerSec}/s`,
    };
  },
});
