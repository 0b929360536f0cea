/** The in-memory deployments: what stopping, starting, scaling and tuning does to the group, as on a real estate. */
import { describe, expect, it } from "vitest";
import { emptyCluster } from "./cluster.ts";
import { memoryDeployments } from "./deployments.ts";

function estate() {
  const cluster = emptyCluster();
  cluster.topics.set("orders", { partitions: [0, 1, 2].map((partition) => ({ partition, leader: 1, replicas: [1], isr: [1] })), records: [[], [], []], logStart: [0, 0, 0], configs: {} });
  cluster.groups.set("orders", { state: "Stable", members: [{ memberId: "m1", clientId: "c", host: "/h", assignment: [{ topic: "orders", partitions: [0, 1, 2] }] }], offsets: { orders: { 0: "5" } } });
  cluster.deployments.set("orders", { replicas: 1, config: { "max.poll.records": "500" }, running: true });
  return cluster;
}

const owned = (cluster: ReturnType<typeof estate>) => cluster.groups.get("orders")!.members.map((m) => `${m.memberId}:${m.assignment.flatMap((a) => a.partitions).join(",")}`);

describe("in-memory deployments", () => {
  it("scales the group's members and spreads its partitions over them; stop empties it, start brings the replicas back", async () => {
    const cluster = estate();
    const d = memoryDeployments(cluster);
    await d.scale("orders", 2);
    expect([await d.describe("orders"), owned(cluster)]).toEqual([
      { target: "simulated deployment of orders", replicas: 2, running: true, ready: 2, config: { "max.poll.records": "500" } },
      ["orders-1:0,2", "orders-2:1"],
    ]);
    await d.stop("orders");
    expect([(await d.describe("orders"))?.replicas, cluster.groups.get("orders")?.state, owned(cluster)]).toEqual([0, "Empty", []]);
    await expect(d.scale("orders", 3)).rejects.toThrow("the deployment of orders is stopped: start it before scaling");
    await d.start("orders");
    expect([(await d.describe("orders"))?.replicas, cluster.groups.get("orders")?.state, owned(cluster)]).toEqual([2, "Stable", ["orders-1:0,2", "orders-2:1"]]);
  });

  it("changes only the named settings (null removes one), and knows no group it does not run", async () => {
    const cluster = estate();
    const d = memoryDeployments(cluster);
    await d.setConfig("orders", { "max.poll.records": null, "session.timeout.ms": "60000" });
    expect((await d.describe("orders"))?.config).toEqual({ "session.timeout.ms": "60000" });
    expect(await d.describe("billing")).toBe(null);
    await expect(d.stop("billing")).rejects.toThrow('no deployment target runs consumer group "billing" (in-memory simulation)');
  });
});
