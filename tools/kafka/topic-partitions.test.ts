import { describe, expect, it } from "vitest";
import { scenario } from "../../test/scenario.ts";
import { value } from "../../test/observe.ts";
import { replayPorts } from "../../ports/replay/replay-ports.ts";
import { topicPartitions } from "./topic-partitions.ts";

describe("topic_partitions write rates", () => {
  it("skips a sample that lacks the topic instead of borrowing another sample's offsets", async () => {
    // 4 partitions x 100 records/min; the third sample's metadata has no topics at all.
    const inc = scenario({ samples: 5, end: (s) => 1000 + 100 * s });
    inc.snapshots[2]!.topics = [];
    const view = value(await topicPartitions.run(replayPorts(inc), {})).topics[0]!;
    expect(view.writeRateSeries.map((s) => [s.from.slice(11, 16), s.to.slice(11, 16), s.perSec])).toEqual([
      ["03:00", "03:01", 6.67],
      ["03:01", "03:03", 6.67],
      ["03:03", "03:04", 6.67],
    ]);
    expect(view.writeRatePerSec).toBe(6.67);
  });
});
