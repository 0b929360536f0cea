import { evidence, finding, type Finding } from "../../finding.ts";
import type { ToolValue } from "../../../tools/registry.ts";

type Sampled = ToolValue<"topic_samples">["topics"][number];

/** Records sampled before this count are too few to call a trend. */
const MIN_RECORDS = 10;

/** A field that was mostly present becomes mostly null or missing in the newer records. */
export function nullSpike(sample: Sampled): Finding | null {
  if (sample.jsonRecords < MIN_RECORDS) return null;
  const spikes = sample.fields
    .filter((f) => f.laterNullRatio >= 0.3 && f.laterNullRatio - f.earlierNullRatio >= 0.25)
    .sort((a, b) => b.laterNullRatio - b.earlierNullRatio - (a.laterNullRatio - a.earlierNullRatio));
  const worst = spikes[0];
  if (!worst) return null;
  return finding(
    "quality",
    "quality.null_spike",
    0.7 + 0.25 * Math.min(1, worst.laterNullRatio - worst.earlierNullRatio),
    `field ${worst.field} of ${sample.topic} is null or missing in ${Math.round(worst.laterNullRatio * 100)}% of the newer sampled records against ${Math.round(worst.earlierNullRatio * 100)}% before`,
    { topic: sample.topic, field: worst.field },
    [evidence("topic_samples", `${sample.topic}: ${sample.records} records ${sample.oldestAt} .. ${sample.newestAt}; ${spikes.map((f) => `${f.field} null ${f.earlierNullRatio} -> ${f.laterNullRatio}`).join(", ")}`)],
  );
}
