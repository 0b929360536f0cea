import { describe, expect, it } from "vitest";
import { finding } from "../agents/finding.ts";
import { selector } from "../config/thresholds/selector.ts";
import { costProblems, internalTopic, liveGuards, preconditionChange, staticGuards } from "./guards.ts";

describe("guards", () => {
  it("knows the internal topics, and a policy's protected ones", () => {
    const hits = ["__consumer_offsets", "__transaction_state", "__cluster_metadata", "__share_group_state", "_schemas", "_confluent-metrics", "connect-configs", "connect-offsets", "connect-status", "orders", "schemas", "my-connect-configs", "_orders"].map(
      (t) => [t, internalTopic(t) !== null],
    );
    expect(hits).toEqual([
      ["__consumer_offsets", true], ["__transaction_state", true], ["__cluster_metadata", true], ["__share_group_state", true], ["_schemas", true], ["_confluent-metrics", true],
      ["connect-configs", true], ["connect-offsets", true], ["connect-status", true], ["orders", false], ["schemas", false], ["my-connect-configs", false], ["_orders", false],
    ]);
    expect(internalTopic("prod-connect-offsets", [selector("*-connect-offsets")])).toBe('"prod-connect-offsets" is protected by the policy (*-connect-offsets)');
  });

  it("refuses by the params: unnamed entities, a target not above the current count, retention removed, too wide a reach", () => {
    const f = finding("streaming", "lag.partition_bound", 0.9, "x", { group: "g", topic: "t", partitions: 8 }, []);
    const input = { findings: [f], policy: { protectedTopics: [] } };
    expect(staticGuards({ kind: "add_partitions", params: { topic: "t", from: 8, to: 8 } }, input)).toEqual(["add_partitions: target 8 is not above the current 8: partitions are never reduced"]);
    expect(staticGuards({ kind: "add_partitions", params: { topic: "t", from: 8, to: 300 } }, input)).toEqual(["adds or moves 292 partitions, more than the cap of 256 per action"]);
    expect(staticGuards({ kind: "alter_topic_config", params: { topic: "t", delete: ["retention.ms"] } }, input)).toEqual(["alter_topic_config: removing retention.ms would fall back to a default that may delete records"]);
    expect(staticGuards({ kind: "scale_consumers", params: { group: "h", to: 3 } }, input)).toEqual(['group "h" is not an entity any finding names']);
  });

  it("caps a batched action at what moves at once, an unbatched one at its total", () => {
    expect(costProblems({ partitions: 5000, records: 0, partitionsAtOnce: 250 })).toEqual([]);
    expect(costProblems({ partitions: 5000, records: 0, partitionsAtOnce: 300 })).toEqual(["moves 300 partitions at once in one batch, more than the cap of 256 at once"]);
    expect(costProblems({ partitions: 257, records: 0 })).toEqual(["adds or moves 257 partitions, more than the cap of 256 per action"]);
  });

  it("never lets an action change what decides deletion for a whole cluster, or a topic's cleanup policy", () => {
    const input = { findings: [finding("streaming", "lag.partition_bound", 0.9, "x", { group: "g", topic: "t" }, [])], policy: { protectedTopics: [] } };
    expect(staticGuards({ kind: "alter_topic_config", params: { topic: "t", "cleanup.policy": "delete" } }, input)).toEqual([
      "alter_topic_config: cleanup.policy is never changed by an action: switching between compaction and deletion can delete records",
    ]);
    expect(staticGuards({ kind: "alter_topic_config", params: { broker: "default", "log.retention.hours": "1", "num.io.threads": "16" } }, input)).toEqual([
      "alter_topic_config: broker config log.retention.hours is never changed by an action: it sets how long every topic without its own value keeps records",
    ]);
    expect(staticGuards({ kind: "alter_topic_config", params: { broker: 1, delete: ["log.retention.bytes"] } }, input)).toEqual([
      "alter_topic_config: broker config log.retention.bytes is never changed by an action: it sets how long every topic without its own value keeps records",
    ]);
    expect(staticGuards({ kind: "alter_topic_config", params: { broker: 1, "num.io.threads": "16" } }, input)).toEqual([]);
  });

  it("refuses by a reading now: fewer partitions than the count, shorter retention", async () => {
    const read = { partitionCount: async () => 12, topicConfigs: async () => ({ "retention.ms": "604800000", "retention.bytes": null }) };
    expect(await liveGuards({ kind: "add_partitions", params: { topic: "t", from: 8, to: 10 } }, read)).toEqual(["add_partitions: t has 12 partitions now, the target 10 is not above it: partitions are never reduced"]);
    expect(await liveGuards({ kind: "alter_topic_config", params: { topic: "t", "retention.ms": "86400000", "retention.bytes": "1000" } }, read)).toEqual([
      "alter_topic_config: retention.ms 604800000 -> 86400000 shortens retention: records would be deleted",
      "alter_topic_config: retention.bytes has no value set on t to compare with; setting 1000 could shorten retention and delete records",
    ]);
    expect(await liveGuards({ kind: "alter_topic_config", params: { topic: "t", "retention.ms": "-1" } }, read)).toEqual([]);
  });

  it("names where a precondition changed", () => {
    expect(preconditionChange({ members: 0, offsets: [{ p: 0, o: "5" }] }, { members: 0, offsets: [{ p: 0, o: "5" }] })).toBeNull();
    expect(preconditionChange({ members: 0, offsets: [{ p: 0, o: "5" }] }, { members: 0, offsets: [{ p: 0, o: "7" }] })).toBe('offsets[0].o: "5" -> "7"');
    expect(preconditionChange({ members: 0 }, { members: 0, state: "Stable" })).toBe('state: absent -> "Stable"');
  });
});
