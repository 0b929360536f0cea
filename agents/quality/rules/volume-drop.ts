import { DEFAULT_THRESHOLDS, type ThresholdValues } from "../../../config/thresholds/index.ts";
import { evidence, finding, type Finding } from "../../finding.ts";
import { median } from "../../../tools/lib/series.ts";
import type { TopicView } from "../../../tools/kafka/topic-partitions.ts";

/**
 * A topic that normally flows has stopped or nearly stopped receiving writes. A topic that
 * was idle all along is not a drop: that is what makes idle topics safe here.
 */
export function volumeDrop(topic: TopicView, t: ThresholdValues = DEFAULT_THRESHOLDS): Finding | null {
  const rates = topic.writeRateSeries.map((s) => s.perSec);
  if (rates.length < 3 || topic.internal) return null;
  // Split the window: the earlier intervals are the baseline, the trailing ones the present.
  const tail = Math.max(1, Math.floor(rates.length / 3));
  const baseline = median(rates.slice(0, rates.length - tail));
  const recent = Math.max(...rates.slice(-tail));
  if (baseline < t["quality.volumeNormalMinPerSec"] || recent > t["quality.volumeDropMaxRatio"] * baseline) return null;
  const at = topic.writeRateSeries[rates.length - tail]!.from;
  return finding(
    "quality",
    "quality.volume_drop",
    recent === 0 ? 0.9 : 0.8,
    `writes to ${topic.name} fell from a median of ${baseline}/s to ${recent}/s since ${at}`,
    { topic: topic.name },
    [evidence("topic_partitions", `${topic.name} write rate per interval: ${rates.join(", ")} records/s`)],
  );
}
