/**
 * elect_preferred_leaders against a REAL two-broker cluster of its own (devtools/cluster/multi.ts:
 * controller on 28230, brokers on 28231-28232; the shared dev broker is never touched): broker 2 restarts, leadership of the partitions it prefers
 * stays on broker 1 (automatic rebalancing is off), the executor's dry run lists exactly those,
 * ElectLeaders moves them back, and verify reads the leaders back. Leaders are also read with a
 * separate kafkajs admin, not only through the port under test.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Admin } from "kafkajs";
import { startCluster, type MultiCluster } from "../../devtools/cluster/multi.ts";
import { redactor } from "../../config/secret.ts";
import { callPolicy } from "../../ports/live/call.ts";
import { liveTopics } from "../../ports/write/live/topics.ts";
import type { TopicAdminPort } from "../../ports/write/topic-admin.ts";
import type { WritePorts } from "../../ports/write/ports.ts";
import { liveSettings, uid, waitFor, workloadKafka } from "../../test/live/helpers.ts";
import { electPreferredLeaders } from "./elect-preferred-leaders.ts";
import type { ExecutionContext } from "./executor.ts";
import { action } from "./topic-testing.ts";

const topic = `h1-elect-${uid()}`;
/** Preferred leader (first replica) alternates: partitions 1 and 3 prefer broker 2. */
const ASSIGNMENT = [[1, 2], [2, 1], [1, 2], [2, 1]];

describe("elect_preferred_leaders on a real two-broker cluster", () => {
  let cluster: MultiCluster;
  let admin: Admin;
  let topics: TopicAdminPort;
  let ctx: ExecutionContext;
  const leaders = async () => {
    const m = await admin.fetchTopicMetadata({ topics: [topic] });
    return m.topics[0]!.partitions.map((p) => ({ partition: p.partitionId, leader: p.leader, isr: [...p.isr].sort() })).sort((a, b) => a.partition - b.partition);
  };

  beforeAll(async () => {
    cluster = await startCluster({ basePort: 28230, brokers: 2 });
    admin = workloadKafka(cluster.bootstrap.split(",")[0]!, "h1-elect").admin();
    await admin.connect();
    const settings = liveSettings({ bootstrap: cluster.bootstrap.split(",")[0]!, calls: { deadline: "10s" } });
    const redact = redactor([]);
    topics = liveTopics({ settings, redact, policy: callPolicy(settings, redact) });
    const write = { topics, describe: () => `live cluster ${cluster.bootstrap}` } as unknown as WritePorts;
    ctx = { write, now: () => new Date(), settle: async () => {}, redact };
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, replicaAssignment: ASSIGNMENT.map((replicas, partition) => ({ partition, replicas })) }] });
    await waitFor("preferred leaders after creation", leaders, (ps) => ps.length === 4 && ps.every((p, i) => p.leader === ASSIGNMENT[i]![0] && p.isr.length === 2));
  }, 180_000);

  afterAll(async () => {
    await topics?.close?.();
    await admin?.disconnect().catch(() => {});
    await cluster?.stop();
  }, 60_000);

  it("after broker 2 restarts, moves the partitions it prefers back to it and verify reads them back", async () => {
    await cluster.stopBroker(2);
    await waitFor("broker 1 leads every partition", leaders, (ps) => ps.every((p) => p.leader === 1));
    await cluster.startBroker(2);
    const drifted = await waitFor("broker 2 back in every ISR", leaders, (ps) => ps.every((p) => p.isr.join() === "1,2"), { timeoutMs: 60_000 });
    expect(drifted.map((p) => p.leader)).toEqual([1, 1, 1, 1]);

    const a = action("elect_preferred_leaders", { scope: "all partitions whose leader is not the preferred replica" });
    const prepared = await electPreferredLeaders.dryRun(a, ctx);
    expect(prepared.output.refusal).toBeUndefined();
    expect(prepared.output.effect).toEqual([`${topic}-1: leader 1 -> 2 (preferred)`, `${topic}-3: leader 1 -> 2 (preferred)`, "partitions led per broker: 1 -2, 2 +2"]);
    expect(prepared.precondition).toEqual({
      moves: [
        { topic, partition: 1, from: 1, to: 2 },
        { topic, partition: 3, from: 1, to: 2 },
      ],
    });

    const applied = await electPreferredLeaders.apply(a, prepared, ctx);
    expect(applied.output).toEqual(["preferred-leader election on 2 partitions: 2 elected, 0 already preferred, 0 failed"]);
    // The settle time, as a wait on the real state: metadata reaches every broker within moments.
    const after = await waitFor("preferred leaders again", leaders, (ps) => ps.every((p, i) => p.leader === ASSIGNMENT[i]![0]));
    expect(after.map((p) => p.leader)).toEqual([1, 2, 1, 2]);
    expect(await electPreferredLeaders.verify(a, applied, ctx)).toEqual({ ok: true, detail: "all 2 partitions are led by their preferred replica" });

    // Nothing left to elect: the next dry run refuses, and a second election is "not needed" for each.
    expect((await electPreferredLeaders.dryRun(a, ctx)).output.refusal).toBe("every partition in scope is led by its preferred replica");
    expect((await topics.electPreferredLeaders([{ topic, partition: 1 }])).map((r) => r.outcome)).toEqual(["not-needed"]);
  }, 150_000);
});
