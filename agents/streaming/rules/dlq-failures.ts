import type { DiagnosisCode } from "../../../contract/vocabulary.ts";
import { evidence, finding, type Finding } from "../../finding.ts";
import type { ToolValue } from "../../../tools/registry.ts";

type DlqTopic = ToolValue<"dlq_records">["topics"][number];

const CODE_OF_CLASS: Record<string, DiagnosisCode> = {
  transient: "dlq.transient",
  deserialization: "dlq.schema_mismatch",
  business: "dlq.business_logic",
  poison: "dlq.poison",
};

/**
 * Classifies one DLQ topic by what failed. Records that reached the DLQ again and again are
 * poison whatever their exception says: replaying them only feeds the loop.
 */
export function dlqFailures(dlq: DlqTopic): Finding | null {
  const n = dlq.records.length;
  if (n === 0) return null;
  const repeatedRecords = dlq.repeated.reduce((a, r) => a + r.failures, 0);
  const source = dlq.records.find((r) => r.originalTopic)?.originalTopic;
  const entities = { dlqTopic: dlq.topic, ...(source && { topic: source }) };
  const example = dlq.records.at(-1)!;
  const quote = evidence(
    "dlq_records",
    `${n} records ${JSON.stringify(dlq.byClass)}; latest ${example.exceptionClass ?? "unknown exception"}: ${JSON.stringify((example.message ?? "").slice(0, 140))} (${example.reason})`,
  );

  if (dlq.repeated.length > 0 && (repeatedRecords / n >= 0.3 || dlq.repeated[0]!.failures >= 3)) {
    const top = dlq.repeated[0]!;
    return finding(
      "streaming",
      "dlq.poison",
      0.85 + Math.min(0.1, repeatedRecords / n / 10),
      `${dlq.repeated.length} records keep failing in ${dlq.topic} (${top.source} failed ${top.failures} times); replaying them would loop: quarantine them`,
      entities,
      [quote, evidence("dlq_records", `repeated: ${dlq.repeated.slice(0, 5).map((r) => `${r.source} x${r.failures}`).join(", ")}`)],
    );
  }
  const [dominant, count] = Object.entries(dlq.byClass).sort((a, b) => b[1] - a[1])[0]!;
  const code = CODE_OF_CLASS[dominant];
  if (!code) return null;
  const share = count / n;
  if (share < 0.5) return null;
  const why: Record<string, string> = {
    transient: "failed for transient reasons and can be replayed with backoff",
    deserialization: "failed to deserialize against the registered schemas",
    business: "were rejected by application rules: the owning team must decide",
    poison: "hit programming errors in the consumer",
  };
  return finding(
    "streaming",
    code,
    0.6 + 0.35 * share,
    `${count} of ${n} records in ${dlq.topic}${source ? ` (from ${source})` : ""} ${why[dominant]}`,
    entities,
    [quote],
  );
}
