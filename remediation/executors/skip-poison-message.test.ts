import { describe, expect, it } from "vitest";
import type { DeploymentPort } from "../../ports/write/deployment.ts";
import { skipPoisonMessage } from "./skip-poison-message.ts";
import { lastHeader } from "./record-headers.ts";
import { action, addGroup, addTopic, context, emptyCluster, member, put, type MemoryCluster } from "./record-testing.ts";

/** payments (2 partitions), 8 records on partition 1; group billing stuck at offset 5 of partition 1. */
function estate(members = 0, deployment = false): MemoryCluster {
  const c = emptyCluster();
  addTopic(c, "payments", 2);
  for (let i = 0; i < 8; i++) put(c, "payments", 1, { key: `p-${i}`, value: i === 5 ? "not json {" : `{"n":${i}}`, headers: { "x-trace": `t-${i}` } });
  addGroup(c, "billing", { payments: { 0: "0", 1: "5" } }, Array.from({ length: members }, (_, i) => member(`m${i + 1}`, "payments", [i])));
  if (deployment) c.deployments.set("billing", { replicas: members, config: {}, running: true });
  return c;
}

const skip = (extra: Record<string, string | number> = {}) => action("skip_poison_message", { group: "billing", topic: "payments", partition: 1, offset: "5", ...extra });

describe("skip_poison_message dry run", () => {
  it("refuses while the group has active members and nothing can stop them", async () => {
    const p = await skipPoisonMessage.dryRun(skip(), context(estate(2)));
    expect(p.output.refusal).toBe(
      "group billing has 2 active member(s) (client-m1@/10.0.0.2, client-m2@/10.0.0.2); the broker moves a group's offset only while it is empty, and no deployment target runs billing to stop it: stop its consumers, then dry-run again",
    );
    expect(p.precondition).toBeNull();
  });

  it("with a deployment target, plans stop -> move -> start, copy first", async () => {
    const p = await skipPoisonMessage.dryRun(skip(), context(estate(2, true)));
    expect(p.output.refusal).toBeUndefined();
    expect(p.output.effect).toEqual([
      "create topic payments.quarantine (1 partition, 30 days retention); copy the record at payments/1/5 (key 3 bytes, value 10 bytes, 1 headers) to payments.quarantine with kafka-ops-quarantine-* headers naming its source, the group and why",
      "stop simulated deployment of billing (replicas 2 -> 0) and wait up to 60000 ms for group billing's 2 member(s) to leave",
      "group billing committed offset on payments/1: 5 -> 6",
      "start simulated deployment of billing again (replicas 0 -> 2), also if the offset change fails",
    ]);
    expect(p.precondition).toEqual({
      group: "billing",
      topic: "payments",
      partition: 1,
      committed: "5",
      members: 2,
      record: { offset: "5", keyBytes: 3, valueBytes: 10 },
      quarantineExists: false,
      deployment: { target: "simulated deployment of billing", replicas: 2 },
    });
  });

  it("refuses what is already done or not there, and warns when records before the poison one are skipped too", async () => {
    const past = estate();
    past.groups.get("billing")!.offsets["payments"]![1] = "7";
    expect((await skipPoisonMessage.dryRun(skip(), context(past))).output.refusal).toBe("nothing to change: group billing has already committed 7 on payments/1, past offset 5");
    expect((await skipPoisonMessage.dryRun(skip({ offset: "40" }), context(estate()))).output.refusal).toBe("no record at payments/1 offset 40: the log holds 0..7 (removed by retention, or never written)");
    const sampled = estate();
    sampled.topics.get("payments")!.records[1]!.splice(5, 1); // offset 5 not held, the log still runs to 7
    expect((await skipPoisonMessage.dryRun(skip(), context(sampled))).output.refusal).toBe(
      "the record at payments/1 offset 5 could not be read (compacted away, or not held: in-memory simulation (test)): without it nothing can be copied to quarantine first",
    );
    expect((await skipPoisonMessage.dryRun(skip({ partition: 4 }), context(estate()))).output.refusal).toBe("topic payments has no partition 4");
    expect((await skipPoisonMessage.dryRun(skip({ offset: "-3" }), context(estate()))).output.refusal).toBe('params.offset must be an offset (a non-negative integer; got "-3")');
    const behind = estate();
    behind.groups.get("billing")!.offsets["payments"]![1] = "3";
    expect((await skipPoisonMessage.dryRun(skip(), context(behind))).output.warnings).toEqual([
      "group billing committed 3, before the poison record: the 2 record(s) from 3 to 4 are marked consumed too (the consumer processed them before it stuck at 5, or it would not fail there)",
    ]);
  });
});

describe("skip_poison_message apply, verify, rollback", () => {
  it("an empty group: copies, commits past the record, verifies, rolls back", async () => {
    const c = estate();
    const ctx = context(c);
    const prepared = await skipPoisonMessage.dryRun(skip(), ctx);
    const applied = await skipPoisonMessage.apply(skip(), prepared, ctx);
    expect(applied.output).toEqual(["quarantine topic payments.quarantine: created", "copied payments/1/5 to payments.quarantine/0/0", "group billing committed payments/1@6"]);
    const [copy] = c.topics.get("payments.quarantine")!.records.flat();
    expect(copy!.value?.toString()).toBe("not json {");
    expect(copy!.headers.map((h) => h.key)).toEqual([
      "x-trace",
      "kafka-ops-quarantine-reason",
      "kafka-ops-quarantine-source",
      "kafka-ops-quarantine-at",
      "kafka-ops-quarantine-action",
      "kafka-ops-quarantine-group",
      "kafka-ops-quarantine-original-timestamp",
    ]);
    expect(lastHeader(copy!, "kafka-ops-quarantine-source")).toBe("payments/1/5");
    expect(c.groups.get("billing")!.offsets["payments"]).toEqual({ 0: "0", 1: "6" });
    expect(await skipPoisonMessage.verify(skip(), applied, ctx)).toEqual({ ok: true, detail: "group billing committed 6 on payments/1 (skipped payments/1/5); the record is kept at payments.quarantine/0/0" });
    expect(skipPoisonMessage.rollback.possible).toBe(true);
    if (skipPoisonMessage.rollback.possible) expect(await skipPoisonMessage.rollback.run(skip(), applied, ctx)).toEqual(["group billing committed payments/1@5"]);
    expect(c.groups.get("billing")!.offsets["payments"]![1]).toBe("5");
  });

  it("active members with a deployment: stop, wait for empty, move, start", async () => {
    const c = estate(2, true);
    const ctx = context(c);
    const applied = await skipPoisonMessage.apply(skip(), await skipPoisonMessage.dryRun(skip(), ctx), ctx);
    expect(applied.output).toEqual([
      "quarantine topic payments.quarantine: created",
      "copied payments/1/5 to payments.quarantine/0/0",
      "stopped the deployment of group billing",
      "group billing committed payments/1@6",
      "started the deployment of group billing again",
    ]);
    expect(c.deployments.get("billing")!.running).toBe(true);
    expect(c.groups.get("billing")!.members).toHaveLength(2);
    expect(c.groups.get("billing")!.offsets["payments"]![1]).toBe("6");
  });

  it("members that do not leave: the offset is not moved and the deployment is started again", async () => {
    const c = estate(2, true);
    const ctx = context(c);
    const calls: string[] = [];
    const stuck: DeploymentPort = {
      ...ctx.write.deployments,
      stop: async (g) => void calls.push(`stop ${g}`),
      start: async (g) => void calls.push(`start ${g}`),
    };
    ctx.write.deployments = stuck;
    const prepared = await skipPoisonMessage.dryRun(skip({ stopTimeoutMs: 2000 }), ctx);
    const error = await skipPoisonMessage.apply(skip({ stopTimeoutMs: 2000 }), prepared, ctx).catch((e: Error) => e);
    expect((error as Error).message).toBe("group billing still has 2 member(s) (client-m1@/10.0.0.2, client-m2@/10.0.0.2) 2000 ms after its deployment was stopped: the offset was not moved");
    expect(calls).toEqual(["stop billing", "start billing"]);
    expect(ctx.settled).toEqual([500, 500, 500, 500]);
    expect(c.groups.get("billing")!.offsets["payments"]![1]).toBe("5");
    expect(c.topics.get("payments.quarantine")!.records.flat()).toHaveLength(1);
  });
});
