import { describe, expect, it } from "vitest";
import { quarantineMessages } from "./quarantine-messages.ts";
import { lastHeader } from "./record-headers.ts";
import { action, addGroup, addTopic, context, emptyCluster, put, values, type MemoryCluster } from "./record-testing.ts";

function estate(): MemoryCluster {
  const c = emptyCluster();
  addTopic(c, "orders.DLQ", 1);
  for (let i = 0; i < 5; i++) put(c, "orders.DLQ", 0, { key: `k${i}`, value: `v${i}`, headers: { "__connect.errors.exception.message": "Unknown magic byte!", "__connect.errors.topic": "orders" } });
  // Two records were replayed already: the quarantine starts after them.
  addGroup(c, "kafka-ops-dlq.orders.DLQ", { "orders.DLQ": { 0: "2" } });
  return c;
}

const quarantine = action("quarantine_messages", { dlqTopic: "orders.DLQ", quarantineTopic: "orders.DLQ.quarantine" });

describe("quarantine_messages", () => {
  it("dry run: what is copied where, and that nothing is deleted", async () => {
    const p = await quarantineMessages.dryRun(quarantine, context(estate()));
    expect(p.output.effect).toEqual([
      'create topic orders.DLQ.quarantine (1 partition, 30 days retention); copy up to 3 record(s) of orders.DLQ (partition 0 offsets 2..4) to orders.DLQ.quarantine with their keys, values and headers, plus kafka-ops-quarantine-* headers (reason "fails on every attempt (dlq.poison): quarantined instead of replayed")',
      "reader group kafka-ops-dlq.orders.DLQ on orders.DLQ: partition 0 2 -> 5, committed in the same transactions as the writes (100 records each, at most 200 records/s: about 1 s)",
      "the DLQ's records stay in orders.DLQ until its retention removes them; nothing is deleted",
    ]);
    expect(p.cost).toEqual({ records: 3 });
    expect((await quarantineMessages.dryRun(action("quarantine_messages", { dlqTopic: "orders.DLQ", quarantineTopic: "orders.DLQ" }), context(estate()))).output.refusal).toBe(
      "params.quarantineTopic is the DLQ itself (orders.DLQ)",
    );
    expect((await quarantineMessages.dryRun(action("quarantine_messages", { dlqTopic: "nope.DLQ" }), context(estate()))).output.refusal).toBe("DLQ topic nope.DLQ does not exist");
  });

  it("apply moves the unhandled records with their headers kept; verify; rollback moves the position back", async () => {
    const c = estate();
    const ctx = context(c);
    const applied = await quarantineMessages.apply(quarantine, await quarantineMessages.dryRun(quarantine, ctx), ctx);
    expect(applied.output).toEqual([
      "quarantine topic orders.DLQ.quarantine: created",
      "moved 3 records of orders.DLQ (3 to orders.DLQ.quarantine) in 1 transactions; 0 failed attempt(s) retried (their open transactions aborted: read_committed readers never see them)",
      "reader group kafka-ops-dlq.orders.DLQ on orders.DLQ now at partition 0 5",
    ]);
    expect(values(c, "orders.DLQ.quarantine")).toEqual(["v2", "v3", "v4"]);
    const first = c.topics.get("orders.DLQ.quarantine")!.records[0]![0]!;
    expect(lastHeader(first, "__connect.errors.exception.message")).toBe("Unknown magic byte!");
    expect(lastHeader(first, "kafka-ops-quarantine-source")).toBe("orders.DLQ/0/2");
    expect(lastHeader(first, "kafka-ops-quarantine-action")).toBe("quarantine_messages");
    expect(values(c, "orders.DLQ")).toHaveLength(5);
    expect(await quarantineMessages.verify(quarantine, applied, ctx)).toEqual({
      ok: true,
      detail: "reader group kafka-ops-dlq.orders.DLQ is at or past orders.DLQ/0@5; orders.DLQ.quarantine holds 3 record(s) (3 moved by this action)",
    });
    expect(quarantineMessages.rollback.possible).toBe(true);
    if (quarantineMessages.rollback.possible) {
      expect(await quarantineMessages.rollback.run(quarantine, applied, ctx)).toEqual(["reader group kafka-ops-dlq.orders.DLQ on orders.DLQ set back to partition 0 2"]);
    }
    expect(c.groups.get("kafka-ops-dlq.orders.DLQ")!.offsets["orders.DLQ"]).toEqual({ 0: "2" });
    expect((await quarantineMessages.verify(quarantine, applied, ctx)).ok).toBe(false);
  });
});
