import { DEFAULT_THRESHOLDS, type ThresholdValues } from "../../../config/thresholds/index.ts";
import type { DiagnosisCode } from "../../../contract/vocabulary.ts";
import { evidence, finding, type Finding, say } from "../../finding.ts";
import type { ToolValue } from "../../../tools/registry.ts";

type DlqTopic = ToolValue<"dlq_records">["topics"][number];

const CODE_OF_CLASS: Record<string, DiagnosisCode> = {
  transient: "dlq.transient",
  deserialization: "dlq.schema_mismatch",
  business: "dlq.business_logic",
  poison: "dlq.poison",
};

const WHY: Record<string, string> = {
  transient: "failed for transient reasons and can be replayed with backoff",
  deserialization: "failed to deserialize against the registered schemas",
  business: "were rejected by application rules: the owning team must decide",
  poison: "hit programming errors in the consumer",
};

/**
 * Confidence calibration (not operator tunables): repeats are near-certain poison, more so the
 * larger their share; a class verdict grows with the share of records in the class.
 */
const CONFIDENCE = { poison: 0.85, poisonShareBonus: 0.1, classBase: 0.6, classShareSpan: 0.35 } as const;
/** Display caps: how much of an exception message, and how many repeated records, to quote. */
const QUOTE = { messageChars: 140, repeated: 5 } as const;

/**
 * Classifies one DLQ topic by what failed. Records that reached the DLQ again and again are
 * poison whatever their exception says: replaying them only feeds the loop. Counts are of
 * distinct original records and their attempts, so twelve failures of four records read as
 * four records, three attempts each, never as twelve problems.
 */
export function dlqFailures(dlq: DlqTopic, t: ThresholdValues = DEFAULT_THRESHOLDS): Finding | null {
  const n = dlq.records.length;
  if (n === 0) return null;
  const repeatFailures = dlq.repeated.reduce((a, r) => a + r.failures, 0);
  const source = dlq.records.find((r) => r.originalTopic)?.originalTopic;
  const entities = { dlqTopic: dlq.topic, ...(source && { topic: source }) };
  const example = dlq.records.at(-1)!;
  const quote = evidence(
    "dlq_records",
    say`${dlq.failures} ${JSON.stringify(dlq.byClass)}; latest ${example.exceptionClass ?? "unknown exception"}: ${JSON.stringify((example.message ?? "").slice(0, QUOTE.messageChars))} (${example.reason})`,
  );

  const top = dlq.repeated[0];
  if (top && (repeatFailures / n >= t["dlq.poisonRepeatShare"] || top.failures >= t["dlq.poisonMinAttempts"])) {
    const count = dlq.repeated.length;
    return finding(
      "streaming",
      "dlq.poison",
      CONFIDENCE.poison + CONFIDENCE.poisonShareBonus * Math.min(1, repeatFailures / n),
      say`${count} record${count === 1 ? "" : "s"} keep${count === 1 ? "s" : ""} failing in ${dlq.topic} (${dlq.failures}; ${top.source} failed ${top.failures} times); replaying them would loop: quarantine them`,
      entities,
      [quote, evidence("dlq_records", say`repeated: ${dlq.repeated.slice(0, QUOTE.repeated).map((r) => `${r.source} x${r.failures}`).join(", ")}`)],
    );
  }
  const [dominant, count] = Object.entries(dlq.byClass).sort((a, b) => b[1] - a[1])[0]!;
  const code = CODE_OF_CLASS[dominant];
  if (!code) return null;
  const share = count / n;
  if (share < t["dlq.dominantClassShare"]) return null;
  const attempts = dlq.distinct < n ? say`; ${dlq.failures}` : "";
  return finding(
    "streaming",
    code,
    CONFIDENCE.classBase + CONFIDENCE.classShareSpan * share,
    say`${count} of ${n} records in ${dlq.topic}${source ? say` (from ${source})` : ""} ${WHY[dominant]}${attempts}`,
    entities,
    [quote],
  );
}
