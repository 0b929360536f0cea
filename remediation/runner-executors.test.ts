/**
 * The runner with the real executors over the in-memory write ports: a dry run's precondition
 * holds while the cluster stands still (no clock, no volatile field in it), a change aborts the
 * apply, and the executors' own costs reach the limits and the audit log.
 */
import { describe, expect, it } from "vitest";
import { finding } from "../agents/finding.ts";
import type { Action } from "../contract/report.ts";
import { memoryAuditLog, verifyAudit } from "./audit.ts";
import { action, addGroup, addTopic, context, emptyCluster, member, put, type MemoryCluster } from "./executors/record-testing.ts";
import { parsePolicy } from "./policy.ts";
import { applyActions, dryRunActions, type RunnerDeps } from "./runner.ts";

const evidence = [
  { tool: "consumer_group_lag", detail: "lag grows" },
  { tool: "describe_group", detail: "4 members" },
];
const approved = { decision: "approved" as const, by: "alice", at: "2026-12-01T21:59:00.000Z", via: "human" as const };

function estate(): MemoryCluster {
  const c = emptyCluster();
  addTopic(c, "orders", 8);
  addGroup(c, "orders", { orders: { 0: "10", 1: "10", 2: "10", 3: "10", 4: "10", 5: "10", 6: "10", 7: "10" } }, [
    member("a1", "orders", [0, 1]),
    member("a2", "orders", [2, 3]),
    member("b1", "orders", [4, 5]),
    member("b2", "orders", [6, 7]),
  ]);
  c.deployments.set("orders", { replicas: 2, config: {}, running: true });
  addTopic(c, "orders.DLQ", 1);
  for (let i = 0; i < 5; i++) put(c, "orders.DLQ", 0, { key: `k${i}`, value: `v${i}`, headers: { "__connect.errors.exception.message": "Unknown magic byte!", "__connect.errors.topic": "orders" } });
  return c;
}

function deps(cluster: MemoryCluster, policy = parsePolicy({}, "p.json")): RunnerDeps & { audit: ReturnType<typeof memoryAuditLog> } {
  const ctx = context(cluster);
  return {
    ctx,
    policy,
    findings: [
      finding("streaming", "lag.slow_consumer", 0.9, "slow", { group: "orders", topic: "orders", members: 4, partitions: 8 }, evidence),
      finding("quality", "dlq.poison", 0.9, "poison", { dlqTopic: "orders.DLQ", topic: "orders" }, evidence),
    ],
    audit: memoryAuditLog({ redact: ctx.redact, now: ctx.now }),
    investigationId: "inv-9",
  };
}

const scale: Action = { ...action("scale_consumers", { group: "orders", from: 4, to: 8 }), risk: "low" };
const quarantine: Action = { ...action("quarantine_messages", { dlqTopic: "orders.DLQ", quarantineTopic: "orders.DLQ.quarantine" }), risk: "low" };

describe("runner with the real executors", () => {
  it("dry run, approval, apply, verify: scale_consumers and quarantine_messages, audited with their costs", async () => {
    const cluster = estate();
    const d = deps(cluster);
    const planned = await dryRunActions([scale, quarantine], d);
    expect(planned.map((a) => [a.status, a.dryRun?.refusal ?? null])).toEqual([["dry-run", null], ["dry-run", null]]);
    const result = await applyActions(planned.map((a) => ({ ...a, approval: approved })), [1, 2], d, "approve");
    expect([result.applied, result.failed, result.skipped]).toEqual([[1, 2], [], []]);
    expect([cluster.deployments.get("orders")!.replicas, cluster.topics.get("orders.DLQ.quarantine")!.records[0]!.length]).toEqual([4, 5]);
    expect(result.actions.map((a) => a.verification?.ok)).toEqual([true, true]);
    const entries = await d.audit.entries();
    expect(entries.map((e) => [e.event, e.index, e.counts ?? null])).toEqual([
      ["approved", 1, null],
      ["applied", 1, { partitions: 0, records: 0 }],
      ["verified", 1, null],
      ["approved", 2, null],
      ["applied", 2, { partitions: 0, records: 5 }],
      ["verified", 2, null],
    ]);
    expect(verifyAudit(d.audit.lines().join("\n")).ok).toBe(true);
  });

  it("aborts when the group changed after the approved dry run", async () => {
    const cluster = estate();
    const d = deps(cluster);
    const [planned] = await dryRunActions([scale], d);
    cluster.deployments.get("orders")!.replicas = 3;
    const result = await applyActions([{ ...planned!, approval: approved }], [1], d, "approve");
    expect(result.failed).toEqual([1]);
    expect(result.actions[0]!.output![0]).toMatch(/^not applied: the cluster changed since the dry run \(replicas: 2 -> 3\)$/);
    expect(cluster.deployments.get("orders")!.replicas).toBe(3);
  });

  it("counts the records a quarantine moves against the per-run limit", async () => {
    const cluster = estate();
    const d = deps(cluster, parsePolicy({ limits: { perRun: { records: 4 } } }, "p.json"));
    const result = await applyActions([{ ...quarantine, approval: approved }], [1], d, "approve");
    expect(result.actions[0]!.output).toEqual(["not applied: per-run limit on records: 0 used, this action needs 5, the limit is 4"]);
    expect(cluster.topics.has("orders.DLQ.quarantine")).toBe(false);
  });
});
