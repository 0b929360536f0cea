/**
 * A group that reads several topics: a group-level finding is about the topic its evidence sits
 * on, and that topic's partition count bounds the group's parallelism on it. (The rules once took
 * the first partition's topic, so the order topics were listed in decided what an action touched.)
 */
import { describe, expect, it } from "vitest";
import type { Incident } from "../../../contract/incident.ts";
import { scenario, type ScenarioSpec } from "../../../test/scenario.ts";
import { observeGroup } from "../../../test/observe.ts";
import { hotPartition } from "./hot-partition.ts";
import { lagGrowth } from "./lag-growth.ts";
import { recovering } from "./recovering.ts";
import { underProvisioned } from "./under-provisioned.ts";

/** One group reading `first` and `second` (listed in that order), each topic built by `scenario`. */
function twoTopics(first: ScenarioSpec & { topic: string }, second: ScenarioSpec & { topic: string }, members = 4): Incident {
  const a = scenario({ members: () => members, ...first });
  const b = scenario({ members: () => members, ...second });
  return {
    ...a,
    snapshots: a.snapshots.map((s, i) => {
      const t = b.snapshots[i]!;
      const [ga, gb] = [s.groups![0]!, t.groups![0]!];
      return {
        ...s,
        topics: [...s.topics!, ...t.topics!],
        groups: [
          {
            ...ga,
            members: ga.members.map((m, k) => ({ ...m, assignment: { ...m.assignment, ...gb.members[k]!.assignment } })),
            offsets: { ...ga.offsets, ...gb.offsets },
          },
        ],
      };
    }),
  };
}

const growing = { end: (s: number) => 10_000 + 600 * s, committed: (s: number) => 10_000 + 300 * s };
const quiet = { end: () => 5000, committed: () => 5000 };

describe("a group reading two topics", () => {
  it("names the topic where lag grows, whichever is listed first, and bounds by its partitions", async () => {
    // 4 members; "audit" (8 partitions, listed first) is caught up, "clicks" (4 partitions) grows.
    const o = await observeGroup(twoTopics({ topic: "audit", partitions: 8, ...quiet }, { topic: "clicks", partitions: 4, ...growing }));
    const f = lagGrowth(o);
    // One member per partition of clicks already: only more partitions of clicks help.
    expect(f?.code).toBe("lag.partition_bound");
    expect(f?.entities).toMatchObject({ topic: "clicks", partitions: 4, members: 4 });
  });

  it("is slow_consumer when the growing topic has more partitions than the group has members", async () => {
    const o = await observeGroup(twoTopics({ topic: "audit", partitions: 2, ...quiet }, { topic: "clicks", partitions: 8, ...growing }));
    expect(lagGrowth(o)?.code).toBe("lag.slow_consumer");
    expect(lagGrowth(o)?.entities).toMatchObject({ topic: "clicks", partitions: 8 });
  });

  it("names the topic that is catching up when lag recovers", async () => {
    const draining = { end: () => 20_000, committed: (s: number) => 19_000 + 240 * s };
    const f = recovering(await observeGroup(twoTopics({ topic: "audit", partitions: 4, ...quiet }, { topic: "clicks", partitions: 4, ...draining })));
    expect(f?.entities.topic).toBe("clicks");
  });

  it("judges capacity per topic: the hot topic is under-provisioned though the group's average is not", async () => {
    // clicks: 4 partitions at 600/s each; audit: 4 idle ones. p99 1.5 ms -> about 667/s per member.
    // Over all 8 partitions the group averages 300/s a partition, with fewer members than partitions.
    const metrics = { snapshotExtra: () => ({ clientMetrics: { "orders-svc": { recordsConsumedPerSec: 2400, processingMsP99: 1.5 } } }) };
    const hot = { end: (s: number) => 10_000 + 36_000 * s, committed: (s: number) => 10_000 + 36_000 * s };
    const f = underProvisioned(await observeGroup(twoTopics({ topic: "audit", partitions: 4, ...quiet, ...metrics }, { topic: "clicks", partitions: 4, ...hot })));
    expect(f?.code).toBe("partition.under_provisioned");
    expect(f?.entities).toMatchObject({ group: "orders-svc", topic: "clicks", partitions: 4 });
  });

  it("does not read a busy topic beside a quiet one as key skew", async () => {
    // clicks: 4 partitions written evenly at 600/s, lag growing on all; audit: 8 partitions at 5/s, caught up.
    const trickle = { end: (s: number) => 5000 + 300 * s, committed: (s: number) => 5000 + 300 * s };
    const o = await observeGroup(twoTopics({ topic: "audit", partitions: 8, ...trickle }, { topic: "clicks", partitions: 4, ...growing }, 2));
    expect(hotPartition(o)).toBeNull();
    expect(lagGrowth(o)?.code).toBe("lag.slow_consumer");
  });

  it("still finds skew inside one topic of several", async () => {
    const skewed = { end: (s: number, p: number) => 10_000 + (p === 0 ? 6000 : 300) * s, committed: (s: number, p: number) => 10_000 + (p === 0 ? 1000 : 300) * s };
    const f = hotPartition(await observeGroup(twoTopics({ topic: "audit", partitions: 8, ...quiet }, { topic: "clicks", partitions: 4, ...skewed })));
    expect(f?.code).toBe("lag.hot_partition");
    expect(f?.entities).toEqual({ group: "orders-svc", topic: "clicks", partition: 0 });
  });
});
