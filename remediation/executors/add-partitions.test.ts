import { describe, expect, it } from "vitest";
import { emptyCluster } from "../../ports/write/memory/cluster.ts";
import { addPartitions } from "./add-partitions.ts";
import { action, addTopic, context, NOW } from "./topic-testing.ts";

const six = (cluster = emptyCluster([1, 2, 3])) => {
  addTopic(cluster, "clickstream", Array.from({ length: 6 }, (_, p) => [(p % 3) + 1, [(p % 3) + 1, ((p + 1) % 3) + 1]] as [number, number[]]));
  return cluster;
};
const grow = (params: Record<string, number | string> = {}) =>
  action("add_partitions", { topic: "clickstream", from: 6, to: 11, producedPerSec: 2470.39, consumerCapacityPerSec: 333.09, ...params });

describe("add_partitions", () => {
  it("dry run: the partition count before and after, the per-partition rate, and what changes for readers", async () => {
    const cluster = six();
    const ctx = context(cluster, {
      groups: { clickstream: ["sessionizer", "archiver", "audit"] },
      deployments: { sessionizer: { target: "kubernetes deployment web/sessionizer", replicas: 6, running: true, config: { "auto.offset.reset": "earliest" } } },
    }, { archiver: { "auto.offset.reset": "latest" } });
    const prepared = await addPartitions.dryRun(grow(), ctx);
    expect(prepared.output).toEqual({
      at: NOW.toISOString(),
      effect: [
        "topic clickstream: partitions 6 -> 11 (adds partitions 6..10; replicas placed by the brokers, replication factor 2)",
        "per-partition write rate 411.7/s -> 224.6/s at the measured 2470.39/s",
      ],
      warnings: [
        "key-to-partition mapping changes: records written after the change go to partition hash(key) mod 11 instead of mod 6, so records of one key can land on another partition than before (per-key order across the change is not guaranteed; keyed state such as a compacted topic or a Streams store splits)",
        "groups reading clickstream: archiver (auto.offset.reset=latest, from settings clientConfigs), audit (auto.offset.reset not known, the client default is latest), sessionizer (auto.offset.reset=earliest, from kubernetes deployment web/sessionizer)",
        "archiver, audit: a consumer with auto.offset.reset=latest that is assigned a new partition after producers wrote to it starts at its end and skips those records; set auto.offset.reset=earliest on them before adding partitions",
      ],
    });
    expect(prepared.precondition).toEqual({ topic: "clickstream", partitions: 6 });
    expect(cluster.topics.get("clickstream")?.partitions).toHaveLength(6); // a dry run never writes
  });

  it("apply raises the count, verify reads every new partition back with a leader; no rollback", async () => {
    const cluster = six();
    const ctx = context(cluster);
    const prepared = await addPartitions.dryRun(grow(), ctx);
    const applied = await addPartitions.apply(grow(), prepared, ctx);
    expect(applied.output).toEqual(["topic clickstream: partitions 6 -> 11"]);
    expect(cluster.topics.get("clickstream")?.partitions).toHaveLength(11);
    expect(await addPartitions.verify(grow(), applied, ctx)).toEqual({ ok: true, detail: "topic clickstream has 11 partitions, each new one with a leader" });
    cluster.topics.get("clickstream")!.partitions[8]!.leader = null;
    expect(await addPartitions.verify(grow(), applied, ctx)).toEqual({ ok: false, detail: "topic clickstream has 11 partitions; new partitions without a leader: 8" });
    expect(addPartitions.rollback.possible).toBe(false);
    expect(addPartitions.effect).toBe("mutating"); // additive: the guards keep "destructive" for what deletes
  });

  it("re-checks against the topic as it stands: refuses when it already has the target, never reduces", async () => {
    const cluster = six();
    const ctx = context(cluster);
    await ctx.write.topics.createPartitions("clickstream", 12);
    const prepared = await addPartitions.dryRun(grow(), ctx);
    expect(prepared.output.refusal).toBe("topic clickstream already has 12 partitions (target 11): nothing to add, and partitions are never reduced");
    expect(prepared.output.warnings).toEqual(["the finding saw 6 partitions on clickstream; it has 12 now"]);
    expect(prepared.precondition).toBeNull();
    await expect(addPartitions.apply(grow(), prepared, ctx)).rejects.toThrow("the dry run refused");
  });

  it("flags a target below what the measured load needs (a hand-edited `to`)", async () => {
    const prepared = await addPartitions.dryRun(grow({ to: 8 }), context(six()));
    expect(prepared.output.refusal).toBeUndefined();
    expect(prepared.output.warnings[0]).toBe("8 partitions leave 308.8/s on each, above 70% of one consumer's 333.09/s: the measured load needs 11");
  });

  it("says when the readers cannot be listed, and refuses a topic that does not exist", async () => {
    const ctx = context(six(), { groups: { clickstream: new Error("coordinator not available") } });
    const prepared = await addPartitions.dryRun(grow(), ctx);
    expect(prepared.output.warnings.at(-1)).toBe("could not list the groups reading clickstream (coordinator not available): any of them with auto.offset.reset=latest can skip records written to the new partitions before it is assigned them");
    expect((await addPartitions.dryRun(action("add_partitions", { topic: "nope", to: 3 }), ctx)).output.refusal).toBe("topic nope does not exist");
  });

  it("rejects malformed params with the param named", async () => {
    const ctx = context(six());
    await expect(addPartitions.dryRun(action("add_partitions", { topic: "clickstream", to: 2.5 }), ctx)).rejects.toThrow("add_partitions: params.to must be a whole partition count, got 2.5");
    await expect(addPartitions.dryRun(action("add_partitions", { to: 7 }), ctx)).rejects.toThrow("add_partitions: params.topic must name a topic");
  });
});
