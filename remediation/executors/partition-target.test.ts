import { describe, expect, it } from "vitest";
import type { Diagnosis } from "../../contract/report.ts";
import { VERDICTS } from "../verdicts.ts";
import { partitionsNeeded, perPartition } from "./partition-target.ts";

describe("partitionsNeeded", () => {
  it("sizes each partition to at most 70% of one consumer, never a fixed multiple", () => {
    expect(partitionsNeeded({ producedPerSec: 900, consumerCapacityPerSec: 300 }, 3)).toBe(5); // 900 / 210 = 4.29
    expect(partitionsNeeded({ producedPerSec: 2470.39, consumerCapacityPerSec: 333.09 }, 6)).toBe(11);
    expect(partitionsNeeded({ producedPerSec: 4200, consumerCapacityPerSec: 100 }, 4)).toBe(60);
  });

  it("adds at least one partition, and gives no count without both rates", () => {
    expect(partitionsNeeded({ producedPerSec: 100, consumerCapacityPerSec: 1000 }, 8)).toBe(9);
    expect(partitionsNeeded({ producedPerSec: 1400, consumerCapacityPerSec: 1000 }, 1)).toBe(2); // exactly 2.0 partitions' worth
    expect(partitionsNeeded({ producedPerSec: 100 }, 3)).toBeNull();
    expect(partitionsNeeded({ producedPerSec: 100, consumerCapacityPerSec: 0 }, 3)).toBeNull();
    expect(partitionsNeeded({ producedPerSec: Number.NaN, consumerCapacityPerSec: 10 }, 3)).toBeNull();
  });

  it("rounds the per-partition rate for messages", () => {
    expect(perPartition(2470.39, 11)).toBe(224.6);
  });
});

describe("the runbook's add_partitions drafts", () => {
  const finding = (code: Diagnosis["code"], entities: Diagnosis["entities"]): Diagnosis => ({ code, agent: "streaming", confidence: 0.8, summary: "s", entities, evidence: [] });
  const drafts = (f: Diagnosis) => {
    const v = VERDICTS[f.code];
    if (v.decision !== "remediate") throw new Error(`${f.code} does not remediate`);
    return v.actions(f);
  };

  it("takes the target from the finding's measured rates (partition_bound: and says the group must scale out)", () => {
    const [d] = drafts(finding("lag.partition_bound", { group: "g", topic: "clickstream", members: 6, partitions: 6, producedPerSec: 2470.39, consumerCapacityPerSec: 333.09 }));
    expect(d?.params).toEqual({ topic: "clickstream", from: 6, to: 11, producedPerSec: 2470.39, consumerCapacityPerSec: 333.09 });
    expect(d?.rationale).toBe(
      "every partition already has its own consumer and lag grows: only more partitions add parallelism. 2470.39/s written against about 333.09/s per consumer: 11 partitions take 224.6/s each, at most 70% of one consumer; the group needs 11 members to use them all (it runs 6) (this changes key-to-partition mapping for new records)",
    );
    const [u] = drafts(finding("partition.under_provisioned", { group: "g", topic: "payments", partitions: 3, producedPerSec: 3050.02, consumerCapacityPerSec: 1010.53 }));
    expect(u?.params).toEqual({ topic: "payments", from: 3, to: 5, producedPerSec: 3050.02, consumerCapacityPerSec: 1010.53 });
    expect(u?.verify).toBe("per-partition write rate falls below 70% of one consumer's capacity");
  });

  it("drafts nothing without measured rates (no basis for a count)", () => {
    expect(drafts(finding("lag.partition_bound", { group: "g", topic: "t", members: 4, partitions: 4 }))).toEqual([]);
    expect(drafts(finding("partition.under_provisioned", { group: "g", topic: "t", partitions: 0, producedPerSec: 10, consumerCapacityPerSec: 1 }))).toEqual([]);
  });
});
