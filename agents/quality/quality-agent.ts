/**
 * The Quality agent: volume (write rates over the window) and content (nulls in sampled
 * records). Sampled values are untrusted; only their shape is measured.
 */
import { isDlqTopic } from "../../config/dlq-topics.ts";
import { valueOf, type Agent } from "../agent.ts";
import type { Finding } from "../finding.ts";
import { nullSpike } from "./rules/null-spike.ts";
import { volumeDrop } from "./rules/volume-drop.ts";

export const qualityAgent: Agent = {
  name: "quality",
  async investigate({ call, thresholds }) {
    const [topics, samples, dlq] = await Promise.all([
      call("topic_partitions", {}),
      call("topic_samples", {}),
      call("dlq_records", {}),
    ]);
    // A quiet DLQ is good news, never a volume drop.
    const dlqTopics = new Set((valueOf(dlq)?.topics ?? []).map((t) => t.topic));
    const findings: Finding[] = [];
    for (const topic of valueOf(topics)?.topics ?? []) {
      if (dlqTopics.has(topic.name) || isDlqTopic(topic.name)) continue;
      const f = volumeDrop(topic, thresholds.for({ topic: topic.name }));
      if (f) findings.push(f);
    }
    for (const sample of valueOf(samples)?.topics ?? []) {
      const f = nullSpike(sample, thresholds.for({ topic: sample.topic }));
      if (f) findings.push(f);
    }
    return { findings, missing: [] };
  },
};
