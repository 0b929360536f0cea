import { describe, expect, it } from "vitest";
import { finding } from "../agents/finding.ts";
import type { Action, Diagnosis } from "../contract/report.ts";
import { emptyCluster, memoryWritePorts, type MemoryCluster } from "../ports/write/memory/index.ts";
import type { WritePorts } from "../ports/write/ports.ts";
import { memoryAuditLog, verifyAudit, type AuditInput } from "./audit.ts";
import type { ExecutionContext, Executor } from "./executors/executor.ts";
import { parsePolicy, DEFAULT_POLICY, type Policy } from "./policy.ts";
import { applyActions, dryRunActions, type RunnerDeps } from "./runner.ts";

const NOW = new Date("2026-12-01T12:00:00.000Z");
const evidence = [
  { tool: "consumer_group_lag", detail: "lag grows 400/s" },
  { tool: "describe_group", detail: "2 members on 8 partitions" },
];
const slow = (group: string, confidence = 0.9): Diagnosis =>
  finding("streaming", "lag.slow_consumer", confidence, "slow", { group, topic: `${group}-in`, members: 2, partitions: 8 }, evidence);

const scale = (group: string, to: number, extra: Partial<Action> = {}): Action => ({
  kind: "scale_consumers",
  risk: "low",
  requiresApproval: true,
  status: "proposed",
  params: { group, from: 2, to },
  rationale: "more members",
  ...extra,
});
const approved = { decision: "approved" as const, by: "alice", at: "2026-12-01T11:59:00.000Z", via: "human" as const };

function clusterWith(...groups: string[]): MemoryCluster {
  const c = emptyCluster();
  for (const g of groups) c.deployments.set(g, { replicas: 2, config: {}, running: true });
  return c;
}

/** A fake scale executor over the in-memory deployment port, counting its calls. */
function fakeScale(options: { applyThrows?: string; verifyOk?: boolean; output?: string } = {}) {
  const calls = { dryRun: 0, apply: 0, verify: 0 };
  const executor: Executor = {
    kind: "scale_consumers",
    effect: "mutating",
    settleMs: 5000,
    async dryRun(action, ctx) {
      calls.dryRun++;
      const group = String(action.params.group);
      const d = await ctx.write.deployments.describe(group);
      if (!d) return { output: { at: ctx.now().toISOString(), effect: [], warnings: [], refusal: `no deployment runs ${group}` }, precondition: null };
      return { output: { at: ctx.now().toISOString(), effect: [`${group}: replicas ${d.replicas} -> ${String(action.params.to)}`], warnings: [] }, precondition: { replicas: d.replicas } };
    },
    async apply(action, _prepared, ctx) {
      calls.apply++;
      if (options.applyThrows) throw new Error(options.applyThrows);
      await ctx.write.deployments.scale(String(action.params.group), Number(action.params.to));
      return { at: ctx.now().toISOString(), output: [options.output ?? `scaled ${String(action.params.group)} to ${String(action.params.to)}`] };
    },
    async verify(action, _applied, ctx) {
      calls.verify++;
      const d = await ctx.write.deployments.describe(String(action.params.group));
      const ok = options.verifyOk ?? d?.replicas === action.params.to;
      return { ok, detail: `replicas now ${d?.replicas}` };
    },
    rollback: { possible: true, how: "scale back to the replicas before", run: async () => [] },
  };
  return { executor, calls };
}

function setup(options: { cluster?: MemoryCluster; policy?: Policy; findings?: Diagnosis[]; executor?: Executor; write?: Partial<WritePorts> } = {}) {
  const cluster = options.cluster ?? clusterWith("payments", "orders");
  const settled: number[] = [];
  const ctx: ExecutionContext = {
    write: { ...memoryWritePorts(cluster, "in-memory simulation"), ...options.write },
    now: () => NOW,
    settle: async (ms) => void settled.push(ms),
    redact: (s) => s.replaceAll("s3cr3t", "***"),
  };
  const audit = memoryAuditLog({ redact: ctx.redact, now: () => NOW });
  const fake = fakeScale();
  const deps: RunnerDeps = {
    ctx,
    policy: options.policy ?? DEFAULT_POLICY,
    findings: options.findings ?? [slow("payments"), slow("orders")],
    audit,
    investigationId: "inv-1",
    executors: { scale_consumers: options.executor ?? fake.executor },
  };
  return { cluster, deps, audit, settled, calls: fake.calls };
}

const events = async (audit: ReturnType<typeof memoryAuditLog>) => (await audit.entries()).map((e) => [e.event, e.index, e.stage ?? null]);

describe("dryRunActions", () => {
  it("reads each effect now, keeps the precondition and the rollback, and writes nothing", async () => {
    const { deps, cluster } = setup();
    const [a] = await dryRunActions([scale("payments", 4)], deps);
    expect(a!.status).toBe("dry-run");
    expect(a!.dryRun).toEqual({ at: "2026-12-01T12:00:00.000Z", effect: ["payments: replicas 2 -> 4"], warnings: [], precondition: { replicas: 2 } });
    expect(a!.rollback).toBe("scale back to the replicas before");
    expect(cluster.deployments.get("payments")!.replicas).toBe(2);
  });

  it("refuses, without asking the executor, an action a guard forbids; a failing dry run is a refusal too", async () => {
    const { deps, calls } = setup({ findings: [slow("payments")] });
    const throwing: Executor = { ...fakeScale().executor, dryRun: async () => Promise.reject(new Error("broker said no to s3cr3t")) };
    const [unnamed] = await dryRunActions([scale("billing", 4)], deps);
    expect(unnamed!.status).toBe("proposed");
    expect(unnamed!.dryRun!.refusal).toBe('guard: group "billing" is not an entity any finding names');
    expect(calls.dryRun).toBe(0);
    const [failed] = await dryRunActions([scale("payments", 4)], { ...deps, executors: { scale_consumers: throwing } });
    expect(failed!.dryRun!.refusal).toBe("the dry run failed: broker said no to ***");
  });
});

describe("applyActions", () => {
  it("applies a human-approved action: dry run again, precondition, apply, settle, verify, audit", async () => {
    const { deps, cluster, audit, settled, calls } = setup();
    const planned = await dryRunActions([scale("payments", 4)], deps);
    const result = await applyActions([{ ...planned[0]!, approval: approved }], [1], deps, "approve");
    expect(result.applied).toEqual([1]);
    expect(result.failed).toEqual([]);
    expect(cluster.deployments.get("payments")!.replicas).toBe(4);
    const a = result.actions[0]!;
    expect([a.status, a.appliedAt, a.output, a.verification]).toEqual([
      "applied",
      "2026-12-01T12:00:00.000Z",
      ["scaled payments to 4"],
      { at: "2026-12-01T12:00:00.000Z", ok: true, detail: "replicas now 4" },
    ]);
    expect(settled).toEqual([5000]);
    expect(calls).toEqual({ dryRun: 2, apply: 1, verify: 1 });
    expect(await events(audit)).toEqual([
      ["approved", 1, null],
      ["applied", 1, null],
      ["verified", 1, "verify"],
    ]);
    const entries = await audit.entries();
    expect([entries[0]!.by, entries[0]!.via, entries[1]!.target, entries[1]!.investigationId]).toEqual(["alice", "human", "in-memory simulation", "inv-1"]);
    expect(verifyAudit(audit.lines().join("\n")).ok).toBe(true);
  });

  it("leaves an unapproved action alone outside auto mode, and audits why", async () => {
    const { deps, cluster, audit, calls } = setup();
    const result = await applyActions([scale("payments", 4)], [1], deps, "approve");
    expect(result.skipped).toEqual([{ index: 1, why: "needs a human's approval (policy: no rule matches: the policy's default (approve))" }]);
    expect(result.actions[0]!.status).toBe("proposed");
    expect(cluster.deployments.get("payments")!.replicas).toBe(2);
    expect(calls.apply).toBe(0);
    expect(await events(audit)).toEqual([["refused", 1, "approval"]]);
  });

  it("in auto mode applies what the policy allows when the finding clears the bar, and only that", async () => {
    const policy = parsePolicy({ rules: [{ kind: "scale_consumers", decide: "auto" }], autoBar: { minConfidence: 0.85 } }, "p.json");
    const { deps, cluster, audit } = setup({ policy, findings: [slow("payments", 0.9), slow("orders", 0.8)] });
    const result = await applyActions([scale("payments", 4), scale("orders", 4)], [1, 2], deps, "auto");
    expect(result.applied).toEqual([1]);
    expect(result.actions[0]!.approval).toEqual({ decision: "approved", by: "policy", at: "2026-12-01T12:00:00.000Z", via: "policy", reason: "policy: rule 1: auto" });
    expect(result.skipped).toEqual([
      { index: 2, why: "needs a human's approval (policy: rule 1: auto; bar: the lag.slow_consumer finding's confidence 0.8 is below the bar 0.85)" },
    ]);
    expect([cluster.deployments.get("payments")!.replicas, cluster.deployments.get("orders")!.replicas]).toEqual([4, 2]);
    // The same policy in approve mode runs nothing unattended.
    const again = setup({ policy, findings: [slow("payments", 0.9)] });
    expect((await applyActions([scale("payments", 4)], [1], again.deps, "approve")).applied).toEqual([]);
    expect((await audit.entries()).map((e) => e.event)).toEqual(["approved", "applied", "verified", "refused"]);
  });

  it("aborts when the cluster changed since the approved dry run", async () => {
    const { deps, cluster, calls } = setup();
    const planned = await dryRunActions([scale("payments", 4)], deps);
    cluster.deployments.get("payments")!.replicas = 3; // someone scaled it meanwhile
    const result = await applyActions([{ ...planned[0]!, approval: approved }], [1], deps, "approve");
    expect(result.failed).toEqual([1]);
    expect(result.actions[0]!.status).toBe("failed");
    expect(result.actions[0]!.output).toEqual(["not applied: the cluster changed since the dry run (replicas: 2 -> 3)"]);
    expect(calls.apply).toBe(0);
    expect(cluster.deployments.get("payments")!.replicas).toBe(3);
  });

  it("never throws for one action's failure: a failed apply, then the next action runs", async () => {
    const failing = fakeScale({ applyThrows: "target answered 503 for token s3cr3t" });
    const { deps, cluster, audit } = setup({ executor: failing.executor });
    const working = fakeScale();
    const result = await applyActions(
      [scale("payments", 4, { approval: approved }), { ...scale("orders", 3, { approval: approved }), kind: "tune_consumer_config", risk: "medium", params: { group: "orders", to: 3 } }],
      [1, 2],
      { ...deps, executors: { scale_consumers: failing.executor, tune_consumer_config: { ...working.executor, kind: "tune_consumer_config" } } },
      "approve",
    );
    expect(result.failed).toEqual([1]);
    expect(result.applied).toEqual([2]);
    expect(result.actions[0]!.output).toEqual(["apply failed: target answered 503 for token ***"]);
    expect(cluster.deployments.get("orders")!.replicas).toBe(3);
    const lines = audit.lines().join("\n");
    expect(lines).not.toContain("s3cr3t");
    expect((await audit.entries()).map((e) => [e.event, e.index, e.stage ?? null, e.counts ?? null])).toEqual([
      ["approved", 1, null, null],
      ["failed", 1, "apply", { partitions: 0, records: 0 }],
      ["approved", 2, null, null],
      ["applied", 2, null, { partitions: 0, records: 0 }],
      ["verified", 2, "verify", null],
    ]);
  });

  it("marks an applied action whose verification fails as failed, with appliedAt kept", async () => {
    const fake = fakeScale({ verifyOk: false });
    const { deps } = setup({ executor: fake.executor });
    const result = await applyActions([scale("payments", 4, { approval: approved })], [1], deps, "approve");
    expect(result.failed).toEqual([1]);
    expect([result.actions[0]!.status, result.actions[0]!.appliedAt, result.actions[0]!.verification?.ok]).toEqual(["failed", "2026-12-01T12:00:00.000Z", false]);
  });

  it("forbids, approved or not, an action on an internal topic or a group no finding names", async () => {
    const onOffsets = finding("streaming", "lag.poison_message", 0.95, "stuck", { group: "payments", topic: "__consumer_offsets", partition: 3, offset: "9" }, evidence);
    const { deps, calls } = setup({ findings: [onOffsets, slow("payments")] });
    const skip: Action = { kind: "skip_poison_message", risk: "medium", requiresApproval: true, status: "proposed", params: { group: "payments", topic: "__consumer_offsets", partition: 3, offset: "9" }, rationale: "r", approval: approved };
    const result = await applyActions([skip, scale("billing", 4, { approval: approved })], [1, 2], { ...deps, executors: { scale_consumers: fakeScale().executor } }, "approve");
    expect(result.skipped).toEqual([
      { index: 1, why: 'guard: "__consumer_offsets" is an internal topic of Kafka (__consumer_offsets, __transaction_state, __cluster_metadata, __share_group_state...)' },
      { index: 2, why: 'guard: group "billing" is not an entity any finding names' },
    ]);
    expect(calls.apply).toBe(0);
  });

  it("never applies the same action twice, and records rejections", async () => {
    const { deps, audit, calls } = setup();
    const first = await applyActions([scale("payments", 4, { approval: approved }), scale("orders", 4, { approval: { ...approved, decision: "rejected", reason: "not now" } })], [1], deps, "approve");
    expect(first.actions.map((a) => a.status)).toEqual(["applied", "rejected"]);
    const second = await applyActions(first.actions, [1, 2], deps, "approve");
    expect(second.skipped).toEqual([
      { index: 1, why: "already applied at 2026-12-01T12:00:00.000Z" },
      { index: 2, why: "rejected by alice" },
    ]);
    expect(calls.apply).toBe(1);
    const entries = await audit.entries();
    expect(entries.map((e) => e.event)).toEqual(["rejected", "approved", "applied", "verified"]);
    expect([entries[0]!.index, entries[0]!.by, entries[0]!.reason]).toEqual([2, "alice", "not now"]);
  });

  it("audits a rejection the gate already marked rejected, once", async () => {
    const { deps, audit, calls } = setup();
    // As the approval node leaves it: status and approval both say rejected.
    const gated = [scale("payments", 4, { status: "rejected", approval: { ...approved, decision: "rejected", reason: "not during the sale" } })];
    const first = await applyActions(gated, [], deps, "approve");
    expect(first.actions.map((a) => a.status)).toEqual(["rejected"]);
    await applyActions(first.actions, [], deps, "approve");
    expect(calls.apply).toBe(0);
    const entries = await audit.entries();
    expect(entries.map((e) => [e.event, e.index, e.by, e.reason, e.investigationId])).toEqual([["rejected", 1, "alice", "not during the sale", "inv-1"]]);
  });

  it("keeps the limits per run (this investigation in the log included) and per hour (every investigation)", async () => {
    const policy = parsePolicy({ limits: { perRun: { actions: 1 }, perHour: { actions: 2 } } }, "p.json");
    const { deps, cluster } = setup({ policy });
    const run = await applyActions([scale("payments", 4, { approval: approved }), scale("orders", 4, { approval: approved })], [1, 2], deps, "approve");
    expect(run.applied).toEqual([1]);
    expect(run.actions[1]!.output).toEqual(["not applied: per-run limit on actions: 1 used, this action needs 1, the limit is 1"]);
    // A second call for the same investigation still sees its first apply.
    const again = await applyActions(run.actions, [2], deps, "approve");
    expect(again.failed).toEqual([2]);

    // Per hour: one apply 30 minutes ago on the same target counts; one 61 minutes ago, or on another target, does not.
    const past = (minutes: number, target = "in-memory simulation"): AuditInput => ({ event: "applied", at: new Date(NOW.getTime() - minutes * 60_000).toISOString(), investigationId: "other", target, counts: { partitions: 0, records: 0 } });
    const hourly = setup({ policy: parsePolicy({ limits: { perHour: { actions: 2 } } }, "p.json") });
    await hourly.deps.audit!.append(past(61));
    await hourly.deps.audit!.append(past(30));
    await hourly.deps.audit!.append(past(20, "live 10.0.0.9:9092")); // another cluster's hour
    const one = await applyActions([scale("payments", 4, { approval: approved }), scale("orders", 4, { approval: approved })], [1, 2], { ...hourly.deps, investigationId: "inv-2" }, "approve");
    expect(one.applied).toEqual([1]);
    expect(one.actions[1]!.output).toEqual(["not applied: per-hour limit on actions: 2 used, this action needs 1, the limit is 2"]);
    expect(one.applied).toEqual([1]);
    expect(cluster.deployments.get("orders")!.replicas).toBe(2);
  });

  it("counts the dry run's own cost against the limits and the blast-radius cap", async () => {
    const records = (n: number): Executor => ({
      ...fakeScale().executor,
      kind: "replay_dlq",
      dryRun: async (_a, ctx) => ({ output: { at: ctx.now().toISOString(), effect: [`replay ${n} records`], warnings: [] }, precondition: { n }, cost: { records: n } }),
      apply: async (_a, _p, ctx) => ({ at: ctx.now().toISOString(), output: [`replayed ${n}`] }),
      verify: async () => ({ ok: true, detail: "ok" }),
    });
    const dlq = finding("quality", "dlq.transient", 0.9, "transient", { dlqTopic: "orders.dlq", topic: "orders" }, evidence);
    const replay: Action = { kind: "replay_dlq", risk: "medium", requiresApproval: true, status: "proposed", params: { dlqTopic: "orders.dlq", targetTopic: "orders", backoffMs: 1000 }, rationale: "r", approval: approved };
    const { deps } = setup({ findings: [dlq], policy: parsePolicy({ limits: { perRun: { records: 5000 } } }, "p.json") });
    const within = await applyActions([replay], [1], { ...deps, executors: { replay_dlq: records(4000) } }, "approve");
    expect(within.applied).toEqual([1]);
    const over = await applyActions([replay], [1], { ...deps, investigationId: "inv-3", executors: { replay_dlq: records(6000) } }, "approve");
    expect(over.actions[0]!.output).toEqual(["not applied: per-run limit on records: 0 used, this action needs 6000, the limit is 5000"]);
    const capped = await applyActions([replay], [1], { ...deps, investigationId: "inv-4", policy: parsePolicy({ limits: { perRun: { records: 1_000_000 }, perHour: { records: 1_000_000 } } }, "p.json"), executors: { replay_dlq: records(200_000) } }, "approve");
    expect(capped.actions[0]!.output).toEqual(["not applied: guard: moves 200000 records, more than the cap of 100000 per action"]);
  });

  it("refuses to reduce partitions by the count read now, and a destructive executor off the quarantine path", async () => {
    const bound = finding("streaming", "lag.partition_bound", 0.9, "bound", { group: "payments", topic: "payments-in", partitions: 4 }, evidence);
    const c = clusterWith("payments");
    const topics = { describeTopic: async (t: string) => (t === "payments-in" ? { name: t, partitions: Array.from({ length: 8 }, (_, partition) => ({ partition, leader: 1, replicas: [1], isr: [1] })) } : null) };
    const write = { topics: { ...memoryWritePorts(c).topics, ...topics } };
    const add: Action = { kind: "add_partitions", risk: "high", requiresApproval: true, status: "proposed", params: { topic: "payments-in", from: 4, to: 6 }, rationale: "r", approval: approved };
    const executor: Executor = { ...fakeScale().executor, kind: "add_partitions" };
    const { deps } = setup({ cluster: c, findings: [bound, slow("payments")], write });
    const result = await applyActions([add], [1], { ...deps, executors: { add_partitions: executor } }, "approve");
    expect(result.actions[0]!.output).toEqual(["not applied: guard: add_partitions: payments-in has 8 partitions now, the target 6 is not above it: partitions are never reduced"]);

    const destructive = await applyActions([scale("payments", 4, { approval: approved })], [1], { ...deps, executors: { scale_consumers: { ...fakeScale().executor, effect: "destructive" } } }, "approve");
    expect(destructive.actions[0]!.output).toEqual(["not applied: guard: scale_consumers is destructive and not on the quarantine path: nothing is deleted outside it"]);
  });

  it("fails closed when the audit log cannot be read: nothing runs", async () => {
    const { deps, calls } = setup();
    const broken = { where: "broken", append: deps.audit!.append, entries: async () => Promise.reject(new Error("audit.jsonl: line 3: not a JSON audit entry")) };
    const result = await applyActions([scale("payments", 4, { approval: approved })], [1], { ...deps, audit: broken }, "approve");
    expect(result.skipped).toEqual([{ index: 1, why: "the audit log cannot be read, so the limits cannot be counted: audit.jsonl: line 3: not a JSON audit entry" }]);
    expect(calls.apply).toBe(0);
    // Nor does it throw when even appending fails: a rejection stays a rejection.
    const dead = { where: "dead", append: async () => Promise.reject(new Error("disk full")), entries: async () => [] };
    const rejected = await applyActions([scale("payments", 4, { approval: { ...approved, decision: "rejected" } }), scale("orders", 4, { approval: approved })], [2], { ...deps, audit: dead }, "approve");
    expect(rejected.actions.map((a) => [a.status, a.output])).toEqual([
      ["rejected", ["the rejection could not be audited: disk full"]],
      ["failed", ["runner error: disk full"]],
    ]);
    expect(calls.apply).toBe(0);
  });
});
