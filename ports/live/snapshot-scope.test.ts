import { describe, expect, it } from "vitest";
import { declareTopics, kafkajsCluster, snapshotScopeInstalled, withSnapshotScope } from "./snapshot-scope.ts";

/** A stand-in for a kafkajs Cluster: what the real methods call on `this`. */
function fakeCluster(fail = new Set<string>()) {
  const asked: string[] = [];
  const added: string[][] = [];
  return {
    asked,
    added,
    retrier: (fn: (bail: (e: unknown) => never, retryCount: number, retryTime: number) => Promise<unknown>) =>
      fn((e) => {
        throw e;
      }, 0, 0),
    findGroupCoordinatorMetadata: async ({ groupId }: { groupId: string }) => {
      asked.push(groupId);
      if (fail.has(groupId)) throw Object.assign(new Error("boom"), { name: "KafkaJSError" });
      return { coordinator: { nodeId: 1 } };
    },
    findBroker: async ({ nodeId }: { nodeId: number }) => ({ nodeId }),
    // kafkajs's addTargetTopic calls this.addMultipleTargetTopics([topic]).
    addMultipleTargetTopics: async (topics: string[]) => void added.push(topics),
  };
}

const proto = () => kafkajsCluster().prototype;
const find = (cluster: object, groupId: string) => proto().findGroupCoordinator!.call(cluster, { groupId });
const addTopic = (cluster: object, topic: string) => proto().addTargetTopic!.call(cluster, topic);

describe("snapshot scope", () => {
  it("is installed on this kafkajs (fails after an upgrade that drops the wrapped Cluster methods)", () => {
    expect(snapshotScopeInstalled()).toBe(true);
  });

  it("looks a group's coordinator up once inside a snapshot, every time outside one", async () => {
    const cluster = fakeCluster();
    await withSnapshotScope(async () => {
      await Promise.all([find(cluster, "a"), find(cluster, "a"), find(cluster, "b")]);
      expect(await find(cluster, "a")).toEqual({ nodeId: 1 });
    });
    expect(cluster.asked).toEqual(["a", "b"]);
    await find(cluster, "a");
    await find(cluster, "a");
    expect(cluster.asked).toEqual(["a", "b", "a", "a"]);
  });

  it("caches per client and per snapshot", async () => {
    const one = fakeCluster();
    const two = fakeCluster();
    await withSnapshotScope(async () => {
      await find(one, "a");
      await find(two, "a");
    });
    await withSnapshotScope(() => find(one, "a"));
    expect([one.asked, two.asked]).toEqual([["a", "a"], ["a"]]);
  });

  it("does not keep a failed lookup", async () => {
    const cluster = fakeCluster(new Set(["bad"]));
    await withSnapshotScope(async () => {
      await expect(find(cluster, "bad")).rejects.toThrow("boom");
      await expect(find(cluster, "bad")).rejects.toThrow("boom");
    });
    expect(cluster.asked).toEqual(["bad", "bad"]);
  });

  it("adds every declared topic at the first addition; others and calls outside one by one", async () => {
    const cluster = fakeCluster();
    await withSnapshotScope(async () => {
      await addTopic(cluster, "x"); // before the declaration
      declareTopics(["a", "b", "c"]);
      await addTopic(cluster, "b");
      await addTopic(cluster, "zz"); // not declared
    });
    await addTopic(cluster, "a");
    expect(cluster.added).toEqual([["x"], ["a", "b", "c"], ["zz"], ["a"]]);
  });
});
