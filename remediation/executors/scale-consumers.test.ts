/** scale_consumers over the in-memory write ports: members -> replicas, refusals, verify, rollback. */
import { describe, expect, it } from "vitest";
import type { DeploymentPort } from "../../ports/write/deployment.ts";
import { action, addGroup, addTopic, context, emptyCluster, member, type MemoryCluster } from "./record-testing.ts";
import { scaleConsumers } from "./scale-consumers.ts";

/** Topic orders with 8 partitions; group orders with 4 members on 2 replicas (2 consumers per replica, 2 partitions each). */
function estate(): MemoryCluster {
  const cluster = emptyCluster();
  addTopic(cluster, "orders", 8);
  addGroup(cluster, "orders", { orders: { 0: "10", 1: "10", 2: "10", 3: "10", 4: "10", 5: "10", 6: "10", 7: "10" } }, [
    member("a1", "orders", [0, 1]),
    member("a2", "orders", [2, 3]),
    member("b1", "orders", [4, 5]),
    member("b2", "orders", [6, 7]),
  ]);
  cluster.deployments.set("orders", { replicas: 2, config: {}, running: true });
  return cluster;
}

const scale = (params: Record<string, string | number>) => action("scale_consumers", { group: "orders", ...params });

describe("scale_consumers", () => {
  it("turns the plan's members into replicas (2 consumers per replica), applies, verifies, rolls back", async () => {
    const cluster = estate();
    const ctx = context(cluster);
    const a = scale({ from: 4, to: 8 });
    const prepared = await scaleConsumers.dryRun(a, ctx);
    expect(prepared.output).toEqual({
      at: "2026-12-01T22:00:00.000Z",
      effect: ["simulated deployment of orders: replicas 2 -> 4", "group orders: members 4 -> 8 (2 consumers per replica)"],
      warnings: [],
    });
    expect(prepared.precondition).toEqual({ target: "simulated deployment of orders", replicas: 2, members: 4, perReplica: 2, replicasTo: 4 });
    expect(cluster.deployments.get("orders")?.replicas).toBe(2); // a dry run writes nothing

    const applied = await scaleConsumers.apply(a, prepared, ctx);
    expect(applied.output).toEqual(["simulated deployment of orders: replicas 2 -> 4"]);
    expect(await scaleConsumers.verify(a, applied, ctx)).toEqual({ ok: true, detail: "simulated deployment of orders runs 4 replicas; group orders is Stable with 8 members, 8 of them owning partitions" });

    if (!scaleConsumers.rollback.possible) throw new Error("scale_consumers has a rollback");
    expect(await scaleConsumers.rollback.run(a, applied, ctx)).toEqual(["simulated deployment of orders: replicas 4 -> 2"]);
    expect([cluster.deployments.get("orders")?.replicas, cluster.groups.get("orders")?.members.length]).toEqual([2, 4]);
  });

  it("refuses what it cannot or should not do, saying why", async () => {
    const refusal = async (cluster: MemoryCluster, params: Record<string, string | number>, group = "orders") =>
      (await scaleConsumers.dryRun(action("scale_consumers", { group, ...params }), context(cluster))).output.refusal;
    expect(await refusal(estate(), { to: 8 }, "billing")).toBe("no deployment target runs consumer group billing: configure one in settings deployments.groups (docs/deployment-targets.md)");
    const stopped = estate();
    stopped.deployments.get("orders")!.running = false;
    expect(await refusal(stopped, { to: 8 })).toBe("simulated deployment of orders is stopped (0 replicas): start it, or find out who stopped it, before changing it");
    expect(await refusal(estate(), { to: 4 })).toBe("nothing to change: simulated deployment of orders already runs 2 replicas (4 members of group orders), enough for 4");
    expect(await refusal(estate(), { to: 2 })).toBe("simulated deployment of orders runs 2 replicas, more than the 1 the plan's 2 members need: scale_consumers only scales out");
    expect(await refusal(estate(), { to: 0 })).toBe('params.to must be an integer from 1 to 1000 (got 0)');
    expect(await refusal(estate(), { to: "many" })).toBe('params.to must be an integer from 1 to 1000 (got "many")');
  });

  it("warns when the group changed since the plan, when members would sit idle, when replicas are not ready", async () => {
    const cluster = estate();
    const g = cluster.groups.get("orders")!;
    g.members = [member("a1", "orders", [0, 1]), member("a2", "orders", [2, 3]), member("b1", "orders", [4, 5, 6, 7])]; // 3 members on 2 replicas
    const port = context(cluster).write.deployments;
    const ctx = context(cluster);
    ctx.write.deployments = { ...port, describe: async (g) => ({ ...(await port.describe(g))!, ready: 1 }) } satisfies DeploymentPort;
    const out = (await scaleConsumers.dryRun(scale({ from: 4, to: 10 }), ctx)).output;
    expect(out.effect).toEqual(["simulated deployment of orders: replicas 2 -> 5", "group orders: members 3 -> 10 (2 consumers per replica)"]);
    expect(out.warnings).toEqual([
      "group orders has 3 members on 2 replicas, not a whole number per replica: 2 per replica assumed",
      "the plan was drafted for 4 members; group orders has 3 now",
      "group orders reads 8 partitions: members beyond 8 get none and sit idle",
      "only 1 of 2 replicas are ready now: new ones may fail to start for the same reason (look at why first)",
    ]);
  });

  it("refuses a Deployment an autoscaler scales: its change would be undone", async () => {
    const ctx = context(estate());
    const port = ctx.write.deployments;
    ctx.write.deployments = { ...port, describe: async (g) => ({ ...(await port.describe(g))!, autoscaler: "HorizontalPodAutoscaler payments/orders (min 2, max 6)" }) } satisfies DeploymentPort;
    expect((await scaleConsumers.dryRun(scale({ to: 8 }), ctx)).output.refusal).toBe(
      "simulated deployment of orders is scaled by HorizontalPodAutoscaler payments/orders (min 2, max 6): a replica change by hand would be undone; raise the autoscaler's minimum instead",
    );
  });

  it("verify fails when the replicas were set back, or the members did not join", async () => {
    const cluster = estate();
    const ctx = context(cluster);
    const a = scale({ to: 8 });
    const applied = await scaleConsumers.apply(a, await scaleConsumers.dryRun(a, ctx), ctx);
    cluster.groups.get("orders")!.members.splice(5);
    expect(await scaleConsumers.verify(a, applied, ctx)).toEqual({ ok: false, detail: "simulated deployment of orders runs 4 replicas, but group orders has 5 of the 8 members expected (Stable)" });
    cluster.deployments.get("orders")!.replicas = 2;
    expect(await scaleConsumers.verify(a, applied, ctx)).toEqual({ ok: false, detail: "simulated deployment of orders asks for 2 replicas, not the 4 applied (changed since, or an autoscaler set it back)" });
  });
});
