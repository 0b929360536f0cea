/** Each streaming group rule on a scenario built to match it, and on its nearest look-alike. */
import { describe, expect, it } from "vitest";
import { scenario } from "../../../test/scenario.ts";
import { observeGroup } from "../../../test/observe.ts";
import { brokerSaturated } from "./broker-saturated.ts";
import { consumerDown } from "./consumer-down.ts";
import { hotPartition } from "./hot-partition.ts";
import { lagGrowth } from "./lag-growth.ts";
import { poisonMessage } from "./poison-message.ts";
import { rebalanceStorm } from "./rebalance-storm.ts";
import { recovering } from "./recovering.ts";
import { underProvisioned } from "./under-provisioned.ts";

const growingLag = { end: (s: number) => 10_000 + 600 * s, committed: (s: number) => 10_000 + 300 * s };

describe("consumerDown", () => {
  it("fires for an Empty group while the log grows", async () => {
    const o = await observeGroup(scenario({ members: () => 0, end: (s) => 1000 + 100 * s, committed: () => 1000 }));
    expect(consumerDown(o)?.code).toBe("lag.consumer_down");
    expect(consumerDown(o)?.entities.group).toBe("orders-svc");
  });
  it("stays quiet for an Empty group on an idle topic", async () => {
    const o = await observeGroup(scenario({ members: () => 0, end: () => 1000, committed: () => 990 }));
    expect(consumerDown(o)).toBeNull();
  });
  it("stays quiet while members are present and consuming", async () => {
    expect(consumerDown(await observeGroup(scenario(growingLag)))).toBeNull();
  });
  it("fires for an Empty group with a backlog on a quiet topic (idle means nothing unread)", async () => {
    const o = await observeGroup(scenario({ members: () => 0, end: () => 9000, committed: () => 1000 }));
    expect(consumerDown(o)?.code).toBe("lag.consumer_down");
  });
  it("names a hung member: still in the group, frozen on every partition it owns, others advancing", async () => {
    // Two members, partitions 0,2 (member 0) and 1,3 (member 1); member 1 stops at sample 1.
    const o = await observeGroup(scenario({ end: (s) => 1000 + 100 * s, committed: (s, p) => (p % 2 === 1 ? 1000 + 100 * Math.min(s, 1) : 1000 + 100 * s) }));
    const f = consumerDown(o);
    expect(f?.code).toBe("lag.consumer_down");
    expect(f?.entities).toEqual({ group: "orders-svc", topic: "orders", member: "orders-svc-1-0", partitions: 2 });
    expect(poisonMessage(o)).toBeNull();
  });
  it("stays quiet for a group read as Dead with no members while its offsets advance between memberless samples (a describe that does not know it: a KIP-848 group through the classic API)", async () => {
    const o = await observeGroup(scenario({ members: () => 0, state: () => "Dead" as never, ...growingLag }));
    expect(consumerDown(o)).toBeNull();
  });
  it("stays quiet for a group whose members are not known (Unknown: listed, not described)", async () => {
    const o = await observeGroup(scenario({ members: () => 0, state: () => "Unknown" as never, end: (s) => 1000 + 100 * s, committed: () => 1000 }));
    expect(consumerDown(o)).toBeNull();
  });
  it("still fires when the last commit came as the members left (between a sample with members and one without)", async () => {
    const o = await observeGroup(scenario({ samples: 6, members: (s) => (s < 3 ? 2 : 0), end: (s) => 1000 + 100 * s, committed: (s) => 1000 + 100 * Math.min(s, 3) }));
    expect(consumerDown(o)?.summary).toMatch(/^group orders-svc is Empty with no members \(had 2 at /);
  });
  it("calls a group hung when every member stopped part-way through the window", async () => {
    const o = await observeGroup(scenario({ samples: 6, end: (s) => 1000 + 100 * s, committed: (s) => 1000 + 100 * Math.min(s, 3) }));
    expect(consumerDown(o)?.summary).toMatch(/^every member of group orders-svc \(2\) is still in the group/);
    expect(lagGrowth(o)).toBeNull();
  });
});

describe("poisonMessage", () => {
  const failing = { snapshotExtra: () => ({ clientMetrics: { "orders-svc": { recordsConsumedPerSec: 300, recordsFailedPerSec: 0.5 } } }) };
  const stuck = { end: (s: number) => 1000 + 100 * s, committed: (s: number, p: number) => (p === 1 ? 1042 : 1000 + 100 * s), ...failing };
  it("names the stuck partition and offset", async () => {
    const f = poisonMessage(await observeGroup(scenario(stuck)));
    expect(f?.code).toBe("lag.poison_message");
    expect(f?.entities).toEqual({ group: "orders-svc", topic: "orders", partition: 1, offset: "1042" });
  });
  it("does not fire when every partition is stuck (a hung consumer, not one record)", async () => {
    const o = await observeGroup(scenario({ end: (s) => 1000 + 100 * s, committed: () => 1000 }));
    expect(poisonMessage(o)).toBeNull();
  });
  it("needs a stuck tail of two intervals", async () => {
    expect(poisonMessage(await observeGroup(scenario({ ...stuck, samples: 2 })))).toBeNull();
  });
  it("takes the owner advancing on its other partitions as pointing at one record", async () => {
    // Two members: member 1 owns partitions 1 and 3; only 1 is frozen, 3 advances.
    const { snapshotExtra: _, ...silent } = stuck;
    expect(poisonMessage(await observeGroup(scenario(silent)))?.entities.offset).toBe("1042");
  });
  it("needs something pointing at a record: a frozen partition whose owner owns nothing else is not enough", async () => {
    const { snapshotExtra: _, ...silent } = stuck;
    expect(poisonMessage(await observeGroup(scenario({ ...silent, members: () => 4 })))).toBeNull();
  });
  it("takes an error log naming the partition as failure evidence", async () => {
    const { snapshotExtra: _, ...rest } = stuck;
    const silent = { ...rest, members: () => 4 };
    const logs = [{ at: "2026-11-02T03:01:00Z", source: "orders-svc", level: "ERROR" as const, message: "failed orders-1@1042: NPE" }];
    expect(poisonMessage(await observeGroup(scenario({ ...silent, extra: { logs } })))?.entities.offset).toBe("1042");
  });
  it("does not take a log naming another partition (orders-10 is not orders-1)", async () => {
    const { snapshotExtra: _, ...rest } = stuck;
    const silent = { ...rest, members: () => 4 };
    const logs = [{ at: "2026-11-02T03:01:00Z", source: "orders-svc", level: "ERROR" as const, message: "failed orders-10: NPE" }];
    expect(poisonMessage(await observeGroup(scenario({ ...silent, extra: { logs } })))).toBeNull();
  });
});

describe("lagGrowth", () => {
  it("is slow_consumer with fewer members than partitions", async () => {
    const f = lagGrowth(await observeGroup(scenario({ ...growingLag, partitions: 8, members: () => 2 })));
    expect(f?.code).toBe("lag.slow_consumer");
    expect(f?.entities.members).toBe(2);
  });
  it("is partition_bound with one member per partition", async () => {
    const f = lagGrowth(await observeGroup(scenario({ ...growingLag, partitions: 4, members: () => 4 })));
    expect(f?.code).toBe("lag.partition_bound");
  });
  it("stays quiet when the lag is flat", async () => {
    expect(lagGrowth(await observeGroup(scenario({ end: (s) => 1000 + 100 * s, committed: (s) => 990 + 100 * s })))).toBeNull();
  });
  it("leaves a failing group to the failure rules", async () => {
    const metrics = (s: number) => ({ clientMetrics: { "orders-svc": { recordsConsumedPerSec: 5, recordsFailedPerSec: 5 } }, at: undefined });
    const inc = scenario({ ...growingLag, snapshotExtra: (s) => ({ clientMetrics: metrics(s).clientMetrics }) });
    expect(lagGrowth(await observeGroup(inc))).toBeNull();
  });
});

describe("recovering", () => {
  it("fires when lag shrinks fast enough to clear within the horizon", async () => {
    const f = recovering(await observeGroup(scenario({ end: (s) => 100_000 + 100 * s, committed: (s) => 50_000 + 10_000 * s })));
    expect(f?.code).toBe("lag.recovering");
  });
  it("stays quiet when lag shrinks but would take longer than the horizon to clear", async () => {
    // Hourly samples: lag 1,000,000 -> 600,000 over 4 h drains at ~28/s: six more hours.
    const inc = scenario({ intervalSec: 3600, end: () => 2_000_000, committed: (s) => 1_000_000 + 100_000 * s });
    expect(recovering(await observeGroup(inc))).toBeNull();
  });
  it("stays quiet when lag grows", async () => {
    expect(recovering(await observeGroup(scenario(growingLag)))).toBeNull();
  });
});

describe("hotPartition", () => {
  it("fires when one partition gets most writes and most lag", async () => {
    const inc = scenario({
      partitions: 6,
      end: (s, p) => (p === 2 ? 1000 + 5000 * s : 1000 + 100 * s),
      committed: (s, p) => (p === 2 ? 1000 + 1000 * s : 1000 + 100 * s),
    });
    const f = hotPartition(await observeGroup(inc));
    expect(f?.code).toBe("lag.hot_partition");
    expect(f?.entities.partition).toBe(2);
  });
  it("stays quiet when lag is spread evenly", async () => {
    expect(hotPartition(await observeGroup(scenario({ ...growingLag, partitions: 6 })))).toBeNull();
  });
});

describe("rebalanceStorm", () => {
  const churn = { churn: true, state: (s: number) => (s % 2 ? "PreparingRebalance" : "Stable") as "PreparingRebalance" | "Stable" };
  it("fires on state and member churn and names the poll-interval cause", async () => {
    const inc = scenario({
      ...churn,
      extra: { clientConfigs: { "orders-svc": { "max.poll.interval.ms": "300000" } } },
      snapshotExtra: () => ({ clientMetrics: { "orders-svc": { pollIntervalMsMax: 420000, rebalancesPerHour: 30 } } }),
    });
    const f = rebalanceStorm(await observeGroup(inc));
    expect(f?.code).toBe("rebalance.storm");
    expect(f?.summary).toContain("420000 ms, above max.poll.interval.ms 300000");
  });
  it("fires on member-id churn alone, when every sample fell between rebalances", async () => {
    const f = rebalanceStorm(await observeGroup(scenario({ churn: true })));
    expect(f?.summary).toContain("10 member ids seen for at most 2 members");
  });
  it("ignores one membership change (a rolling restart)", async () => {
    const inc = scenario({ members: (s) => (s < 2 ? 2 : 3) });
    expect(rebalanceStorm(await observeGroup(inc))).toBeNull();
  });
});

describe("brokerSaturated", () => {
  const metrics = (cpu: number) => () => ({
    brokerMetrics: { "1": { cpu, requestHandlerIdle: 0.05 }, "2": { cpu: 0.3 }, "3": { cpu: 0.3 } },
  });
  it("fires when the lagging partitions' leader is saturated", async () => {
    const inc = scenario({ ...growingLag, leader: () => 1, snapshotExtra: metrics(0.97) });
    const f = brokerSaturated(await observeGroup(inc));
    expect(f?.code).toBe("lag.broker_saturated");
    expect(f?.entities.broker).toBe(1);
  });
  it("stays quiet when the lagging partitions are led by healthy brokers", async () => {
    const inc = scenario({ ...growingLag, leader: () => 2, snapshotExtra: metrics(0.97) });
    expect(brokerSaturated(await observeGroup(inc))).toBeNull();
  });
});

describe("underProvisioned", () => {
  it("fires when each partition is written as fast as one member consumes and the group cannot scale out", async () => {
    const inc = scenario({
      partitions: 3,
      members: () => 3,
      end: (s) => 1000 + 60 * 100 * s,
      committed: (s) => 1000 + 60 * 98 * s,
      snapshotExtra: () => ({ clientMetrics: { "orders-svc": { recordsConsumedPerSec: 294, processingMsP99: 10 } } }),
    });
    const f = underProvisioned(await observeGroup(inc));
    expect(f?.code).toBe("partition.under_provisioned");
    expect(f?.entities.partitions).toBe(3);
  });
  it("stays quiet with headroom", async () => {
    const inc = scenario({
      partitions: 3,
      members: () => 3,
      snapshotExtra: () => ({ clientMetrics: { "orders-svc": { recordsConsumedPerSec: 5, processingMsP99: 1 } } }),
    });
    expect(underProvisioned(await observeGroup(inc))).toBeNull();
  });
  // A group that keeps up consumes what is produced: that rate is demand, not its ceiling.
  const keepingUp = (alert?: { kind: "throughput" | "consumer_lag"; summary: string; labels: Record<string, string> }) =>
    scenario({
      partitions: 3,
      members: () => 3,
      end: (s) => 1000 + 60 * 240 * s,
      committed: (s) => 1000 + 60 * 240 * s - 5,
      snapshotExtra: () => ({ clientMetrics: { "orders-svc": { recordsConsumedPerSec: 720, processingMsP99: 30 } } }),
      ...(alert && { extra: { alert } }),
    });
  it("does not read a busy group that keeps up as being at its ceiling", async () => {
    expect(underProvisioned(await observeGroup(keepingUp()))).toBeNull();
    expect(underProvisioned(await observeGroup(keepingUp({ kind: "consumer_lag", summary: "lag", labels: { group: "orders-svc" } })))).toBeNull();
  });
  it("takes a throughput alert on the group as the sign that its rate is its ceiling", async () => {
    const f = underProvisioned(await observeGroup(keepingUp({ kind: "throughput", summary: "consumer utilisation 99%", labels: { group: "orders-svc" } })));
    expect(f?.code).toBe("partition.under_provisioned");
  });
});
