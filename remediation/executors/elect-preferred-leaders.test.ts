import { describe, expect, it } from "vitest";
import { emptyCluster } from "../../ports/write/memory/cluster.ts";
import { electPreferredLeaders } from "./elect-preferred-leaders.ts";
import { action, addTopic, context, NOW } from "./topic-testing.ts";

/** After broker 1 restarted: broker 2 leads what 1 prefers; orders-3's preferred replica 1 is still out of sync. */
const drifted = () => {
  const cluster = emptyCluster([1, 2, 3]);
  addTopic(cluster, "orders", [[2, [1, 2]], [2, [2, 3]], [3, [3, 1]], [2, [1, 2], [2]]]);
  addTopic(cluster, "payments", [[2, [1, 2]], [3, [3, 2]]]);
  addTopic(cluster, "__consumer_offsets", [[2, [1, 2]]]);
  return cluster;
};
const all = action("elect_preferred_leaders", { scope: "all partitions whose leader is not the preferred replica" });

describe("elect_preferred_leaders", () => {
  it("dry run: every partition that would change leader, those that cannot, internal topics left alone", async () => {
    const cluster = drifted();
    const prepared = await electPreferredLeaders.dryRun(all, context(cluster));
    expect(prepared.output).toEqual({
      at: NOW.toISOString(),
      effect: ["orders-0: leader 2 -> 1 (preferred)", "payments-0: leader 2 -> 1 (preferred)", "partitions led per broker: 1 +2, 2 -2"],
      warnings: [
        "internal topics left alone: __consumer_offsets",
        "orders-3: preferred replica 1 is not in sync (ISR 2): its leader stays 2",
        "clients of each moved partition reconnect to its new leader on their next metadata refresh (a brief retry, no data moves)",
      ],
    });
    expect(prepared.precondition).toEqual({
      moves: [
        { topic: "orders", partition: 0, from: 2, to: 1 },
        { topic: "payments", partition: 0, from: 2, to: 1 },
      ],
    });
    expect(cluster.topics.get("orders")?.partitions.map((p) => p.leader)).toEqual([2, 2, 3, 2]);
  });

  it("apply elects, verify reads the leaders back; no rollback", async () => {
    const cluster = drifted();
    const ctx = context(cluster);
    const applied = await electPreferredLeaders.apply(all, await electPreferredLeaders.dryRun(all, ctx), ctx);
    expect(applied.output).toEqual(["preferred-leader election on 2 partitions: 2 elected, 0 already preferred, 0 failed"]);
    expect(cluster.topics.get("orders")?.partitions.map((p) => p.leader)).toEqual([1, 2, 3, 2]);
    expect(cluster.topics.get("__consumer_offsets")?.partitions[0]?.leader).toBe(2);
    expect(await electPreferredLeaders.verify(all, applied, ctx)).toEqual({ ok: true, detail: "all 2 partitions are led by their preferred replica" });
    cluster.topics.get("payments")!.partitions[0]!.leader = 2; // leadership moved away again
    expect(await electPreferredLeaders.verify(all, applied, ctx)).toEqual({ ok: false, detail: "1 of 2 partitions are not led by their preferred replica: payments-0 (led by 2, preferred 1)" });
    expect(electPreferredLeaders.rollback.possible).toBe(false);
  });

  it("reports a partition the broker refused in apply's output, and verify says it is off", async () => {
    const cluster = drifted();
    const ctx = context(cluster);
    const prepared = await electPreferredLeaders.dryRun(all, ctx);
    cluster.topics.get("payments")!.partitions[0]!.isr = [2]; // replica 1 fell out of sync after the dry run
    const applied = await electPreferredLeaders.apply(all, prepared, ctx);
    expect(applied.output).toEqual([
      "preferred-leader election on 2 partitions: 1 elected, 0 already preferred, 1 failed",
      "payments-0: PREFERRED_LEADER_NOT_AVAILABLE: replica 1 is not in sync",
    ]);
    expect((await electPreferredLeaders.verify(all, applied, ctx)).ok).toBe(false);
  });

  it("narrows to one topic and its partitions, and refuses when nothing can move", async () => {
    const ctx = context(drifted());
    const one = await electPreferredLeaders.dryRun(action("elect_preferred_leaders", { topic: "orders", partitions: [1, 2, 3] }), ctx);
    expect(one.output.refusal).toBe("no partition can move to its preferred replica (each one off it has that replica out of sync)");
    const balanced = emptyCluster([1, 2]);
    addTopic(balanced, "orders", [[1, [1, 2]], [2, [2, 1]]]);
    expect((await electPreferredLeaders.dryRun(all, context(balanced))).output.refusal).toBe("every partition in scope is led by its preferred replica");
    expect((await electPreferredLeaders.dryRun(action("elect_preferred_leaders", { topic: "gone" }), ctx)).output.refusal).toBe("topic gone does not exist");
    await expect(electPreferredLeaders.dryRun(action("elect_preferred_leaders", { partitions: [0] }), ctx)).rejects.toThrow("params.partitions needs params.topic");
  });

  it("lists 50 partitions one by one and counts the rest", async () => {
    const cluster = emptyCluster([1, 2]);
    addTopic(cluster, "wide", Array.from({ length: 120 }, () => [2, [1, 2]] as [number, number[]]));
    const prepared = await electPreferredLeaders.dryRun(all, context(cluster));
    expect(prepared.output.effect).toHaveLength(52);
    expect(prepared.output.effect.slice(49)).toEqual(["wide-49: leader 2 -> 1 (preferred)", "... and 70 more partitions (120 in all)", "partitions led per broker: 1 +120, 2 -120"]);
  });
});
