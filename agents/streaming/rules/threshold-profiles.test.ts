/** The group and cluster rules this file covers read their tunables from the catalog: a pinned profile moves them. */
import { describe, expect, it } from "vitest";
import { DEFAULT_THRESHOLDS, type ThresholdValues } from "../../../config/thresholds/index.ts";
import { scenario } from "../../../test/scenario.ts";
import { observeGroup, value } from "../../../test/observe.ts";
import { replayPorts } from "../../../ports/replay/replay-ports.ts";
import { TOOLS } from "../../../tools/registry.ts";
import { brokerSaturated } from "./broker-saturated.ts";
import { imbalance } from "./imbalance.ts";
import { rebalanceStorm } from "./rebalance-storm.ts";
import { underProvisioned } from "./under-provisioned.ts";

const profile = (set: Partial<ThresholdValues>): ThresholdValues => ({ ...DEFAULT_THRESHOLDS, ...set });
const growingLag = { end: (s: number) => 10_000 + 600 * s, committed: (s: number) => 10_000 + 300 * s };

describe("rebalanceStorm thresholds", () => {
  const rollingRestart = scenario({ members: (s) => (s < 2 ? 2 : 3) });
  it("ignores one membership change by default, counts it when an operator says one signal is enough", async () => {
    const o = await observeGroup(rollingRestart);
    expect(rebalanceStorm(o)).toBeNull();
    const f = rebalanceStorm(o, profile({ "rebalance.minMembershipChanges": 1, "rebalance.minSignals": 1 }));
    expect(f?.summary).toBe("group orders-svc keeps rebalancing (membership changed 1 times)");
    expect(f?.confidence).toBe(0.8);
  });
  it("needs no second signal above ratePerHourAlone", async () => {
    const o = await observeGroup(scenario({ snapshotExtra: () => ({ clientMetrics: { "orders-svc": { rebalancesPerHour: 12 } } }) }));
    expect(rebalanceStorm(o)).toBeNull();
    expect(rebalanceStorm(o, profile({ "rebalance.ratePerHourAlone": 10 }))?.summary).toBe("group orders-svc keeps rebalancing (12 rebalances/hour)");
  });
  it("falls back to Kafka's consumer defaults for settings nobody configured", async () => {
    const o = await observeGroup(scenario({ churn: true }));
    const f = rebalanceStorm({ ...o, config: undefined });
    expect([f?.entities["max.poll.records"], f?.entities["max.poll.interval.ms"], f?.entities["session.timeout.ms"]]).toEqual(["500", "300000", "45000"]);
  });
});

describe("brokerSaturated thresholds", () => {
  const inc = scenario({
    ...growingLag,
    leader: () => 1,
    snapshotExtra: () => ({ brokerMetrics: { "1": { cpu: 0.85 }, "2": { cpu: 0.3 }, "3": { cpu: 0.3 } } }),
  });
  it("calls a broker at 85% CPU saturated only when the operator lowers broker.cpuSaturated", async () => {
    const o = await observeGroup(inc);
    expect(brokerSaturated(o)).toBeNull();
    const f = brokerSaturated(o, profile({ "broker.cpuSaturated": 0.8 }));
    expect(f?.evidence[0]?.detail).toBe("broker 1: cpu 85%");
  });
});

describe("underProvisioned thresholds", () => {
  it("moves with capacity.perPartitionShare", async () => {
    // 100 records/s per partition against 294 / 3 = 98/s per member: at capacity by default.
    const inc = scenario({
      partitions: 3,
      members: () => 3,
      end: (s) => 1000 + 60 * 100 * s,
      committed: (s) => 1000 + 60 * 98 * s,
      snapshotExtra: () => ({ clientMetrics: { "orders-svc": { recordsConsumedPerSec: 294, processingMsP99: 10 } } }),
    });
    const o = await observeGroup(inc);
    expect(underProvisioned(o)?.code).toBe("partition.under_provisioned");
    expect(underProvisioned(o, profile({ "capacity.perPartitionShare": 1.5 }))).toBeNull();
  });
});

describe("imbalance thresholds", () => {
  it("leaves a leadership skew alone when the mismatch share it needs is raised", async () => {
    const inc = scenario({ partitions: 6 });
    for (const p of inc.snapshots.at(-1)!.topics[0]!.partitions) {
      p.replicas = [[1, 2, 3], [2, 3, 1], [3, 1, 2]][p.partition % 3]!;
      p.isr = [...p.replicas];
      p.leader = 1;
    }
    const overview = value(await TOOLS.cluster_overview.run(replayPorts(inc), {}));
    expect(imbalance(overview)?.entities).toEqual({ broker: 1, fix: "elect" });
    expect(imbalance(overview, profile({ "imbalance.preferredLeaderMismatchShare": 0.9 }))).toBeNull();
  });
  it("finds nothing to balance when no broker holds a replica (empty replica lists), instead of NaN", async () => {
    const inc = scenario({ partitions: 6 });
    for (const p of inc.snapshots.at(-1)!.topics[0]!.partitions) Object.assign(p, { replicas: [], isr: [] });
    expect(imbalance(value(await TOOLS.cluster_overview.run(replayPorts(inc), {})))).toBeNull();
  });
});
