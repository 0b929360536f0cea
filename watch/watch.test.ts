/**
 * The watch loop over a simulated cluster and a clock the test moves: ten minutes of 30 s
 * samples run in milliseconds. Investigations are the library's own (the whole graph over the
 * window, through the replay adapter), so what a sink receives is a real report.
 */
import { describe, expect, it } from "vitest";
import { redactor } from "../config/secret.ts";
import { defaultThresholds, DEFAULT_THRESHOLDS, type Thresholds } from "../config/thresholds/index.ts";
import { replayPorts } from "../ports/replay/replay-ports.ts";
import { BROKERS, fakeClock, keepsUp, SimCluster, stopsAt, T0, type FakeClock } from "../test/watch/simulated-cluster.ts";
import { liveInvestigator, type InvestigationRequest, type Investigator } from "./investigation.ts";
import type { SampleOutcome } from "./sampler.ts";
import { fanOut, type Delivery } from "./sinks/sink.ts";
import { memoryStore } from "./state-store.ts";
import { Watch, type WatchOptions } from "./watch.ts";

const INTERVAL = 30_000;
const MIN = 60_000;

/** The library's investigation over the request's window (registry, records, logs: not recorded). */
const realInvestigation: Investigator = (r) => liveInvestigator(replayPorts(r.window), { thresholds: defaultThresholds, secrets: [] })(r);

interface Harness {
  watch: Watch;
  clock: FakeClock;
  delivered: Delivery[];
  requests: InvestigationRequest[];
  store: ReturnType<typeof memoryStore>;
  log: string[];
  /** Ticks `n` samples INTERVAL apart; returns the tick index (0-based) of each opened investigation. */
  ticks(n: number): Promise<void>;
  tickCount(): number;
}

function harness(sim: SimCluster, options: Partial<WatchOptions> & { clock?: FakeClock } = {}): Harness {
  const clock = options.clock ?? fakeClock();
  const delivered: Delivery[] = [];
  const requests: InvestigationRequest[] = [];
  const log: string[] = [];
  const store = (options.store as ReturnType<typeof memoryStore> | undefined) ?? memoryStore();
  const investigate = options.investigate ?? realInvestigation;
  let ticked = 0;
  const watch = new Watch({
    sampler: sim.sampler(clock),
    clock,
    intervalMs: INTERVAL,
    windowSize: 10,
    thresholds: defaultThresholds,
    store,
    sinks: fanOut([{ name: "test", deliver: async (d) => void delivered.push(d), close: async () => {} }], redactor([])),
    log: (line) => log.push(line),
    random: () => "abc123",
    ...options,
    investigate: async (r) => (requests.push(r), investigate(r)),
  });
  return {
    watch,
    clock,
    delivered,
    requests,
    store,
    log,
    tickCount: () => ticked,
    async ticks(n) {
      for (let i = 0; i < n; i++) {
        if (ticked > 0) clock.advance(INTERVAL);
        await watch.tick();
        ticked++;
      }
      await watch.settled();
    },
  };
}

/** "orders" written at 50/s per partition, its group keeping up until `stopAt`, when it leaves the group. */
function stoppingConsumer(stopAt: number): SimCluster {
  return new SimCluster()
    .topic({ name: "orders", partitions: 4, ratePerSec: 50 })
    .group({ id: "orders-svc", topic: "orders", members: (t) => (t < stopAt ? 2 : 0), committed: stopsAt(stopAt) });
}

/** A quiet topic read to its end, and a busy one (800/s) whose consumer keeps up within commit timing. */
function bystanders(sim: SimCluster): SimCluster {
  return sim
    .topic({ name: "audit", partitions: 2, ratePerSec: 0, startEnd: 5000 })
    .group({ id: "audit-svc", topic: "audit", members: () => 1, committed: keepsUp(0) })
    .topic({ name: "payments", partitions: 6, ratePerSec: 200 })
    // Commit timing: 0 to 360 records behind (under 2 s at 200/s), never the same twice in a row.
    .group({ id: "payments-svc", topic: "payments", members: () => 3, committed: (t, p, endAt) => Math.max(0, endAt(t) - (((t - T0) / INTERVAL + p) % 4) * 120) });
}

describe("kafka-ops watch over a simulated cluster", () => {
  it("a consumer that stops opens exactly one investigation within 2 samples; the idle topic and the busy group none in 10 minutes", async () => {
    const stop = T0 + 5 * MIN + 10_000;
    const h = harness(bystanders(stoppingConsumer(stop)));
    const opened: number[] = [];
    for (let i = 0; i < 21; i++) {
      h.clock.advance(i > 0 ? INTERVAL : 0);
      const r = await h.watch.tick();
      if (r.kind === "ok" && r.transitions.some((t) => t.transition.kind === "open")) opened.push(h.clock.now());
    }
    await h.watch.settled();

    // The first sample after the stop (5:30) sees the group Empty with records waiting; the second opens it.
    expect(opened.map((t) => new Date(t).toISOString())).toEqual(["2026-11-02T03:06:00.000Z"]);
    expect(opened[0]! - stop).toBeLessThanOrEqual(2 * INTERVAL);
    expect(h.requests.map((r) => [r.id, r.entity.key, r.finding.code, r.alert.kind, r.alert.labels])).toEqual([
      ["watch-20261102t030600z-group-orders-svc-abc123", "group:orders-svc", "lag.consumer_down", "consumer_lag", { group: "orders-svc", topic: "orders" }],
    ]);
    expect(h.delivered).toHaveLength(1);
    const d = h.delivered[0]!;
    if (d.kind !== "report") throw new Error("expected a report");
    expect([d.key, d.entity, d.reason, d.report.incidentId, d.report.primary, d.report.decision]).toEqual([
      "watch-20261102t030600z-group-orders-svc-abc123",
      { kind: "group", name: "orders-svc" },
      "raised",
      "watch-20261102t030600z-group-orders-svc-abc123",
      "lag.consumer_down",
      "escalate",
    ]);
    expect(h.watch.openEntities().map((e) => [e.entity.key, e.code])).toEqual([["group:orders-svc", "lag.consumer_down"]]);
  });

  it("runs on its own loop with the injected clock: 20 samples 30 s apart, no timer waited on", async () => {
    const sim = bystanders(new SimCluster());
    const controller = new AbortController();
    const h = harness(sim, { observer: { sampled: () => sim.samples === 20 && controller.abort() } });
    await h.watch.run(controller.signal);
    expect(sim.samples).toBe(20);
    expect(h.clock.slept).toEqual(Array(19).fill(INTERVAL));
    expect(h.clock.now() - T0).toBe(19 * INTERVAL);
    expect(h.requests).toEqual([]);
  });

  it("a hung member (still in the group, not committing) is raised once its frozen tail spans the stall thresholds", async () => {
    const hang = T0 + 3 * MIN + 5_000;
    const sim = new SimCluster().topic({ name: "orders", partitions: 2, ratePerSec: 20 }).group({ id: "orders-svc", topic: "orders", members: () => 1, committed: stopsAt(hang) });
    const h = harness(sim);
    await h.ticks(12);
    // Frozen from the 03:03:30 sample on: it looks like growth for that one sample (not enough to
    // open), is stalled two intervals later (03:04:30) on every partition the member owns, and
    // opens on the second stalled sample. One investigation, with the right diagnosis.
    expect(h.requests.map((r) => [r.alert.firedAt, r.finding.code, r.finding.entities.member])).toEqual([["2026-11-02T03:05:00.000Z", "lag.consumer_down", "orders-svc-member-0"]]);
  });

  it("hysteresis: a partition that stalls and recovers over and over pages once in 10 minutes", async () => {
    // Every 3 minutes: frozen from 10 s to 150 s into the cycle, then caught up again. The
    // readings per cycle: healthy, growing, healthy, stalled, stalled, healthy: never six
    // healthy samples in a row, so the entity never clears and the next stall pages nobody.
    const CYCLE = 3 * MIN;
    const frozen = (t: number) => (t - T0) % CYCLE >= 10_000 && (t - T0) % CYCLE < 150_000;
    const sim = new SimCluster()
      .topic({ name: "orders", partitions: 1, ratePerSec: 20 })
      .group({ id: "orders-svc", topic: "orders", members: () => 1, committed: (t, _p, endAt) => (frozen(t) ? endAt(T0 + Math.floor((t - T0) / CYCLE) * CYCLE + 10_000) : endAt(t)) });
    const h = harness(sim);
    await h.ticks(21);
    expect(h.log.filter((l) => l.includes("opening"))).toEqual(["group orders-svc is lag.consumer_down: opening watch-20261102t030200z-group-orders-svc-abc123"]);
    expect(h.requests.map((r) => r.entity.key)).toEqual(["group:orders-svc"]);
    expect(h.delivered.map((d) => d.kind)).toEqual(["report"]);
  });

  it("opens again once cleared: the clear is delivered with the investigation it closes", async () => {
    // Down from 03:02:10 to 03:04:10, then back and caught up.
    const down = (t: number) => t >= T0 + 2 * MIN + 10_000 && t < T0 + 4 * MIN + 10_000;
    const again = T0 + 8 * MIN + 10_000;
    const sim = new SimCluster()
      .topic({ name: "orders", partitions: 2, ratePerSec: 50 })
      .group({ id: "orders-svc", topic: "orders", members: (t) => (down(t) || t >= again ? 0 : 1), committed: (t, p, endAt) => (down(t) ? stopsAt(T0 + 2 * MIN + 10_000)(t, p, endAt) : stopsAt(again)(t, p, endAt)) });
    const h = harness(sim, { investigate: async (r) => fakeReport(r) });
    await h.ticks(21);
    expect(h.delivered.map((d) => [d.kind, d.at, d.key])).toEqual([
      ["report", "2026-11-02T03:03:00.000Z", "watch-20261102t030300z-group-orders-svc-abc123"],
      // Back at 03:04:10: healthy from 04:30 on, for the sixth time at 07:00.
      ["cleared", "2026-11-02T03:07:00.000Z", "watch-20261102t030300z-group-orders-svc-abc123"],
      ["report", "2026-11-02T03:09:00.000Z", "watch-20261102t030900z-group-orders-svc-abc123"],
    ]);
    const cleared = h.delivered[1]!;
    expect(cleared.kind === "cleared" && [cleared.code, cleared.entity]).toEqual(["lag.consumer_down", { kind: "group", name: "orders-svc" }]);
  });

  it("thresholds per group: a group whose clearAfterSamples is 1 clears on its first healthy sample", async () => {
    const down = (t: number) => t >= T0 + 2 * MIN + 10_000 && t < T0 + 4 * MIN + 10_000;
    const sim = new SimCluster()
      .topic({ name: "orders", partitions: 2, ratePerSec: 50 })
      .group({ id: "orders-svc", topic: "orders", members: (t) => (down(t) ? 0 : 1), committed: (t, p, endAt) => (down(t) ? stopsAt(T0 + 2 * MIN + 10_000)(t, p, endAt) : keepsUp()(t, p, endAt)) });
    const tuned: Thresholds = { for: (scope) => (scope?.group === "orders-svc" ? { ...DEFAULT_THRESHOLDS, "watch.clearAfterSamples": 1 } : DEFAULT_THRESHOLDS), inForce: () => [] };
    const h = harness(sim, { thresholds: tuned, investigate: async (r) => fakeReport(r) });
    await h.ticks(12);
    expect(h.delivered.map((d) => [d.kind, d.at])).toEqual([
      ["report", "2026-11-02T03:03:00.000Z"],
      ["cleared", "2026-11-02T03:04:30.000Z"],
    ]);
  });

  it("a restart is not a blind period: the window and the open entity come back from the store, nothing is opened twice", async () => {
    const stop = T0 + 2 * MIN + 10_000;
    const sim = stoppingConsumer(stop);
    const first = harness(sim, { investigate: async (r) => fakeReport(r) });
    await first.ticks(7); // 03:00 .. 03:03:00, opened at 03:00
    expect(first.delivered.map((d) => d.kind)).toEqual(["report"]);

    // A new process, 45 s later, on the same store.
    const clock = fakeClock(first.clock.now() + 45_000);
    const second = harness(sim, { clock, store: first.store, investigate: async (r) => fakeReport(r) });
    expect(await second.watch.restore()).toEqual({ samples: 7, entities: 1 });
    const r = await second.watch.tick();
    await second.watch.settled();
    expect(second.watch.window.snapshots).toHaveLength(8);
    expect(r.kind === "ok" && r.transitions).toEqual([]);
    expect(second.delivered).toEqual([]);
    expect(second.watch.openEntities().map((e) => e.investigationId)).toEqual(["watch-20261102t030300z-group-orders-svc-abc123"]);
  });

  it("after a restart, an investigation that never reached the sinks runs again under its id; samples older than the window are dropped", async () => {
    const sim = stoppingConsumer(T0 + 2 * MIN + 10_000);
    let release!: () => void;
    const never = harness(sim, { investigate: () => new Promise((_, reject) => (release = () => reject(new Error("killed")))) });
    for (let i = 0; i < 7; i++) {
      if (i) never.clock.advance(INTERVAL);
      await never.watch.tick();
    }
    // The process "dies" mid-investigation: the store holds the open state, not reported.
    expect(never.store.saved!.entities.map((e) => [e.entity.key, e.state.phase, e.state.phase === "open" && e.state.reported])).toEqual([["group:orders-svc", "open", false]]);
    release();
    await never.watch.settled();

    const clock = fakeClock(never.clock.now() + 4 * MIN);
    const again = harness(sim, { clock, store: never.store, investigate: async (r) => fakeReport(r) });
    // 5 minutes of window (10 x 30 s): at 03:07 the samples from before 03:02 are too old.
    expect(await again.watch.restore()).toEqual({ samples: 3, entities: 1 });
    await again.ticks(1);
    expect(again.delivered.map((d) => [d.kind, d.key, d.kind === "report" && d.reason])).toEqual([["report", "watch-20261102t030300z-group-orders-svc-abc123", "restarted"]]);
    expect(again.store.saved!.entities[0]!.state).toMatchObject({ phase: "open", reported: true });
  });

  it("after a restart, an unreported investigation whose diagnosis has changed meanwhile is not run twice: the new one is", async () => {
    const sim = stoppingConsumer(T0 + 2 * MIN + 10_000);
    const first = harness(sim, { investigate: () => new Promise(() => {}) });
    for (let i = 0; i < 7; i++) {
      if (i) first.clock.advance(INTERVAL);
      await first.watch.tick();
    }
    // The store as a process left it that died during an investigation of another diagnosis.
    const saved = first.store.saved!;
    Object.assign(saved.entities[0]!.state, { code: "lag.slow_consumer" });
    const quick: Thresholds = { for: () => ({ ...DEFAULT_THRESHOLDS, "watch.changeAfterSamples": 1 }), inForce: () => [] };
    const again = harness(sim, { clock: fakeClock(first.clock.now() + INTERVAL), store: first.store, thresholds: quick, random: () => "def456", investigate: async (r) => fakeReport(r) });
    await again.watch.restore();
    await again.ticks(1);
    expect(again.delivered.map((d) => [d.key, d.kind === "report" && d.reason])).toEqual([["watch-20261102t030330z-group-orders-svc-def456", "changed"]]);
  });

  it("a sample that fails or is incomplete changes nothing: no state moves, the window keeps what it had", async () => {
    const sim = stoppingConsumer(T0 + 10 * MIN);
    const refused: SampleOutcome = { kind: "failed", reason: "connect ECONNREFUSED", faults: ["connect to Kafka: connect ECONNREFUSED"] };
    const incomplete: SampleOutcome = { kind: "incomplete", faults: ["offsets of orders: not leader"] };
    sim.failures.push(refused, refused, { kind: "failed", reason: "no answer", faults: [] }, incomplete);
    const h = harness(sim, { investigate: async (r) => fakeReport(r) });
    await h.ticks(6);
    expect(h.watch.window.snapshots.map((s) => s.at)).toEqual(["2026-11-02T03:02:00.000Z", "2026-11-02T03:02:30.000Z"]);
    expect(h.log).toEqual(["sample failed: connect ECONNREFUSED", "sample failed: no answer", "the cluster answers again", "warning: offsets of orders: not leader"]);
  });

  it("pages only for the entities it is told to include; another cluster behind the same address starts a fresh window", async () => {
    const sim = stoppingConsumer(T0 + MIN);
    const h = harness(sim, { include: (e) => e.name !== "orders-svc", investigate: async (r) => fakeReport(r) });
    await h.ticks(5);
    expect(h.requests).toEqual([]);
    const other = new SimCluster("other-cluster").topic({ name: "orders", partitions: 1, ratePerSec: 1 });
    h.watch.window.push({ snapshot: other.snapshot(h.clock.now() + 1000), brokers: BROKERS, clusterId: "other-cluster" });
    expect([h.watch.window.clusterId, h.watch.window.snapshots.length]).toEqual(["other-cluster", 1]);
  });
});

/** A report without running the graph, for tests about when investigations open, not what they say. */
function fakeReport(r: InvestigationRequest) {
  return {
    format: "kafka-investigation/v1" as const,
    incidentId: r.id,
    decision: "escalate" as const,
    primary: r.finding.code,
    diagnoses: [r.finding],
    actions: [],
    escalation: { severity: "sev2" as const, reason: r.finding.summary, owner: "on-call" },
    agents: ["streaming" as const, "incident-debugging" as const],
    toolCalls: [],
    timings: { totalMs: 1 },
    missingEvidence: [],
  };
}
