import { DEFAULT_THRESHOLDS, type ThresholdValues } from "../../../config/thresholds/index.ts";
import { evidence, finding, type Finding } from "../../finding.ts";
import type { ToolValue } from "../../../tools/registry.ts";

type Sampled = ToolValue<"topic_samples">["topics"][number];

/** Confidence grows with the rise of the null share, up to a cap. */
const CONFIDENCE = { base: 0.7, perRise: 0.25 } as const;

/** A field that was mostly present becomes mostly null or missing in the newer records. */
export function nullSpike(sample: Sampled, t: ThresholdValues = DEFAULT_THRESHOLDS): Finding | null {
  if (sample.jsonRecords < t["quality.nullSpikeMinRecords"]) return null;
  const rise = (f: Sampled["fields"][number]) => f.laterNullRatio - f.earlierNullRatio;
  const spikes = sample.fields
    .filter((f) => f.laterNullRatio >= t["quality.nullSpikeMinRatio"] && rise(f) >= t["quality.nullSpikeMinRise"] && rise(f) > 0)
    .sort((a, b) => rise(b) - rise(a));
  const worst = spikes[0];
  if (!worst) return null;
  return finding(
    "quality",
    "quality.null_spike",
    CONFIDENCE.base + CONFIDENCE.perRise * Math.min(1, rise(worst)),
    `field ${worst.field} of ${sample.topic} is null or missing in ${Math.round(worst.laterNullRatio * 100)}% of the newer sampled records against ${Math.round(worst.earlierNullRatio * 100)}% before`,
    { topic: sample.topic, field: worst.field },
    [evidence("topic_samples", `${sample.topic}: ${sample.records} records ${sample.oldestAt} .. ${sample.newestAt}; ${spikes.map((f) => `${f.field} null ${f.earlierNullRatio} -> ${f.laterNullRatio}`).join(", ")}`)],
  );
}
