import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { leaderlessTolerated, tolerateLeaderlessPartitions, withoutTolerated } from "./kafkajs-leaderless.ts";

const require = createRequire(import.meta.url);
/** kafkajs's own Metadata protocol table: what its connection parses each answer with. */
const metadata = require("kafkajs/src/protocol/requests/metadata/index.js") as {
  versions: string[];
  protocol(o: { version: number }): (args: { topics: string[] }) => { response: { parse(data: unknown): Promise<unknown> } };
};

const partition = (partitionId: number, partitionErrorCode: number, leader: number) => ({ partitionErrorCode, partitionId, leader, replicas: [leader < 0 ? 3 : leader], isr: leader < 0 ? [] : [leader], offlineReplicas: leader < 0 ? [3] : [] });
const answer = (partitions: ReturnType<typeof partition>[], topicErrorCode = 0) => ({
  brokers: [{ nodeId: 1, host: "127.0.0.1", port: 9092 }],
  topicMetadata: [
    { topicErrorCode: 0, topic: "orders", partitionMetadata: [partition(0, 0, 1)] },
    { topicErrorCode, topic: "audit", partitionMetadata: partitions },
  ],
});

describe("kafkajs with a leaderless partition", () => {
  it("installs on every Metadata version kafkajs speaks", () => {
    expect(metadata.versions).toEqual(["0", "1", "2", "3", "4", "5", "6"]);
    expect(tolerateLeaderlessPartitions()).toBe(true);
    expect(tolerateLeaderlessPartitions()).toBe(true);
  });

  it("in the scope, keeps the answer when a partition has no leader (LEADER_NOT_AVAILABLE) or a replica is offline (REPLICA_NOT_AVAILABLE), leader -1 kept", async () => {
    tolerateLeaderlessPartitions();
    for (const v of metadata.versions) {
      const { response } = metadata.protocol({ version: Number(v) })({ topics: [] });
      const parsed = (await leaderlessTolerated(() => response.parse(answer([partition(0, 0, 2), partition(1, 9, 2), partition(2, 5, -1)])))) as ReturnType<typeof answer>;
      expect(parsed.topicMetadata[1]!.partitionMetadata.map((p) => [p.partitionId, p.leader, p.partitionErrorCode, p.offlineReplicas])).toEqual([
        [0, 2, 0, []],
        [1, 2, 0, []],
        [2, -1, 0, [3]],
      ]);
    }
  });

  it("still throws what kafkajs threw for anything else: a topic-level error, another partition error", async () => {
    tolerateLeaderlessPartitions();
    const { response } = metadata.protocol({ version: 6 })({ topics: [] });
    await expect(leaderlessTolerated(() => response.parse(answer([partition(0, 0, 2)], 3)))).rejects.toMatchObject({ type: "UNKNOWN_TOPIC_OR_PARTITION" });
    await expect(leaderlessTolerated(() => response.parse(answer([partition(0, 5, -1), partition(1, 29, 2)])))).rejects.toMatchObject({ type: "TOPIC_AUTHORIZATION_FAILED" });
  });

  it("outside the scope kafkajs keeps its own behaviour (createTopics' waitForLeaders waits on this error)", async () => {
    tolerateLeaderlessPartitions();
    const { response } = metadata.protocol({ version: 6 })({ topics: [] });
    await expect(response.parse(answer([partition(2, 5, -1)]))).rejects.toMatchObject({ type: "LEADER_NOT_AVAILABLE" });
    // The scope follows the async context: a parse awaited after other work inside it still tolerates.
    const later = await leaderlessTolerated(async () => {
      await new Promise((r) => setImmediate(r));
      return (await response.parse(answer([partition(2, 5, -1)]))) as ReturnType<typeof answer>;
    });
    expect(later.topicMetadata[1]!.partitionMetadata[0]!.leader).toBe(-1);
  });

  it("does not change the decoded answer it is given", () => {
    const data = answer([partition(2, 5, -1)]);
    const copy = withoutTolerated(data);
    expect(data.topicMetadata[1]!.partitionMetadata[0]!.partitionErrorCode).toBe(5);
    expect(copy.topicMetadata[1]!.partitionMetadata[0]!.partitionErrorCode).toBe(0);
    const clean = answer([partition(0, 0, 1)]);
    expect(withoutTolerated(clean)).toBe(clean);
  });
});
