import { describe, expect, it } from "vitest";
import { emptyCluster } from "./cluster.ts";
import { memoryGroups } from "./groups.ts";

describe("in-memory group admin", () => {
  const cluster = () => {
    const c = emptyCluster();
    c.groups.set("busy", { state: "Stable", members: [{ memberId: "m1", clientId: "c1", host: "/10.0.0.1", assignment: [{ topic: "orders", partitions: [0] }] }], offsets: {} });
    c.groups.set("idle", { state: "Empty", members: [], offsets: { orders: { 1: "12", 0: "10" }, refunds: { 0: "3" } } });
    return c;
  };

  it("describes an unknown group as Dead, lists committed offsets by partition, and who reads a topic", async () => {
    const g = memoryGroups(cluster());
    expect(await g.describeGroup("nobody")).toEqual({ group: "nobody", state: "Dead", members: [] });
    expect(await g.committedOffsets("idle", "orders")).toEqual([{ partition: 0, offset: "10" }, { partition: 1, offset: "12" }]);
    expect(await g.committedOffsets("idle", "payments")).toEqual([]);
    expect(await g.groupsReading("orders")).toEqual(["busy", "idle"]);
    expect(await g.groupsReading("refunds")).toEqual(["idle"]);
  });

  it("moves offsets of an empty group, and refuses as the broker does while members are active", async () => {
    const c = cluster();
    const g = memoryGroups(c);
    await g.setOffsets("idle", "orders", [{ partition: 1, offset: "20" }]);
    expect(c.groups.get("idle")!.offsets["orders"]).toEqual({ 0: "10", 1: "20" });
    await expect(g.setOffsets("busy", "orders", [{ partition: 0, offset: "1" }])).rejects.toThrow(
      "group busy has 1 active member(s): the broker accepts an offset change only while the group is empty",
    );
    await g.setOffsets("fresh", "orders", [{ partition: 0, offset: "4" }]);
    expect(await g.describeGroup("fresh")).toEqual({ group: "fresh", state: "Empty", members: [] });
  });
});
