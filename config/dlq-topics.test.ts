import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSettings } from "./load.ts";
import { DLQ_TOPIC_PATTERN, dlqTopicMatcher, isDlqTopic } from "./dlq-topics.ts";

describe("DLQ topic names", () => {
  it("recognise Kafka Connect and Spring conventions, and nothing that merely contains the letters", () => {
    const names = ["orders-sink.DLQ", "dlq-payments", "payments.DLT", "customer-updates-dlt", "orders_dead_letter", "orders.deadletter", "webhooks-inbound.dlq", "headlq", "dltx", "orders", "dlqueue"];
    expect(names.filter(isDlqTopic)).toEqual(["orders-sink.DLQ", "dlq-payments", "payments.DLT", "customer-updates-dlt", "orders_dead_letter", "orders.deadletter", "webhooks-inbound.dlq"]);
  });
  it("is the settings' default, and a configured pattern replaces it", () => {
    expect(loadSettings({}, {}).dlqPattern).toBe(DLQ_TOPIC_PATTERN);
    expect(["errors.orders", "orders.DLQ"].filter(dlqTopicMatcher("^errors\\."))).toEqual(["errors.orders"]);
  });
  it("a configured pattern that is not a regular expression names its field", () => {
    const dir = mkdtempSync(join(tmpdir(), "kafka-ops-dlq-"));
    try {
      const file = join(dir, "settings.json");
      writeFileSync(file, JSON.stringify({ dlqPattern: "(dlq" }));
      expect(() => loadSettings({ config: file }, {})).toThrow(`${file}: settings.dlqPattern: expected a regular expression (JavaScript syntax)`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
