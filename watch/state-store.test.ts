/**
 * The watch's state in the project's checkpointer (SQLite here, the PostgreSQL saver takes the
 * same calls): one row per watch however many samples, a watch restored from it carries on.
 */
import { describe, expect, it } from "vitest";
import { redactor } from "../config/secret.ts";
import { defaultThresholds } from "../config/thresholds/index.ts";
import { NodeSqliteSaver } from "../state/sqlite-saver.ts";
import { fakeClock, SimCluster, stopsAt, T0 } from "../test/watch/simulated-cluster.ts";
import { fanOut } from "./sinks/sink.ts";
import { checkpointStore, SAVED_FORMAT, type SavedWatch } from "./state-store.ts";
import { Watch } from "./watch.ts";

describe("the watch's state store", () => {
  it("rewrites one checkpoint per watch name; load gives back what the last save wrote", async () => {
    const saver = await NodeSqliteSaver.open(":memory:");
    const a = checkpointStore(saver, "east", "sqlite :memory:");
    const b = checkpointStore(saver, "west", "sqlite :memory:");
    expect(await a.load()).toBeUndefined();
    const state = (n: number): SavedWatch => ({ format: SAVED_FORMAT, savedAt: new Date(T0 + n).toISOString(), window: { clusterId: "c", snapshots: [], brokers: [] }, entities: [] });
    for (let i = 0; i < 5; i++) await a.save(state(i));
    await b.save(state(100));
    expect(await a.load()).toEqual(state(4));
    expect(await b.load()).toEqual(state(100));
    const rows = saver.db.prepare("SELECT thread_id, count(*) AS n FROM checkpoints GROUP BY thread_id ORDER BY thread_id").all();
    expect(rows.map((r) => ({ ...r }))).toEqual([
      { thread_id: "kafka-ops-watch:east", n: 1 },
      { thread_id: "kafka-ops-watch:west", n: 1 },
    ]);
    saver.close();
  });

  it("a watch restored from SQLite has the window and the open entity of the one before it", async () => {
    const saver = await NodeSqliteSaver.open(":memory:");
    const sim = new SimCluster().topic({ name: "orders", partitions: 2, ratePerSec: 50 }).group({ id: "orders-svc", topic: "orders", members: (t) => (t < T0 + 60_000 ? 1 : 0), committed: stopsAt(T0 + 60_000) });
    const make = (clock: ReturnType<typeof fakeClock>) =>
      new Watch({
        sampler: sim.sampler(clock),
        clock,
        intervalMs: 30_000,
        windowSize: 10,
        thresholds: defaultThresholds,
        store: checkpointStore(saver, "east", "sqlite :memory:"),
        sinks: fanOut([], redactor([])),
        investigate: async (r) => ({ format: "kafka-investigation/v1", incidentId: r.id, decision: "escalate", primary: r.finding.code, diagnoses: [r.finding], actions: [], escalation: null, agents: [], toolCalls: [], timings: { totalMs: 0 }, missingEvidence: [] }),
        random: () => "0a0b0c",
      });
    const clock = fakeClock();
    const first = make(clock);
    for (let i = 0; i < 5; i++) {
      if (i) clock.advance(30_000);
      await first.tick();
    }
    await first.settled();
    const second = make(fakeClock(clock.now() + 30_000));
    expect(await second.restore()).toEqual({ samples: 5, entities: 1 });
    expect(second.window.snapshots.map((s) => s.at)).toEqual(first.window.snapshots.map((s) => s.at));
    expect(second.openEntities()).toEqual([{ entity: { key: "group:orders-svc", kind: "group", name: "orders-svc", scope: { group: "orders-svc", topic: "orders" } }, code: "lag.consumer_down", investigationId: "watch-20261102t030200z-group-orders-svc-0a0b0c" }]);
    saver.close();
  });
});
