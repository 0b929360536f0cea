/**
 * /metrics scraped over HTTP and read with a real Prometheus text-format parser, checked against
 * what `kafka-ops lag --json` prints for the same samples (its `lagReport`), and against
 * Burrow's statuses for what the partition window judged.
 */
import { afterEach, describe, expect, it } from "vitest";
import { lagReport } from "../cli/commands/lag.ts";
import { redactor, Secret } from "../config/secret.ts";
import { defaultThresholds } from "../config/thresholds/index.ts";
import { fakeClock, keepsUp, SimCluster, stopsAt, T0 } from "../test/watch/simulated-cluster.ts";
import { fanOut } from "../watch/sinks/sink.ts";
import { memoryStore } from "../watch/state-store.ts";
import { Watch } from "../watch/watch.ts";
import { BURROW, groupStatus } from "./burrow-status.ts";
import { watchExporter } from "./exporter.ts";
import { serveMetrics, type MetricsServer } from "./server.ts";
import { samplesOf, scrapeMetrics, type ParsedFamily } from "./testing.ts";

const CANARY = "canary-client-secret-77c1";
const scrub = redactor([new Secret(CANARY)]);
const MIN = 60_000;
let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function watched(ticks: number) {
  const stop = T0 + 2 * MIN + 10_000;
  const sim = new SimCluster("prod-east")
    .topic({ name: "orders", partitions: 3, ratePerSec: 40 })
    .group({ id: "orders-svc", topic: "orders", members: (t) => (t < stop ? 2 : 0), committed: stopsAt(stop) })
    .topic({ name: "audit", partitions: 2, ratePerSec: 0, startEnd: 700 })
    // A client id that carries a secret: label values are scrubbed like every other way out.
    .group({ id: "audit-svc", topic: "audit", members: () => 1, committed: keepsUp(0), clientId: `audit ${CANARY}` })
    // One partition never committed: lag unknown, status no_offsets.
    .group({ id: "partial-svc", topic: "audit", members: () => 1, committed: (t, p, endAt) => (p === 0 ? endAt(t) - 5 : null) });
  const clock = fakeClock();
  const exporter = watchExporter({ redact: scrub });
  const watch = new Watch({
    sampler: sim.sampler(clock),
    clock,
    intervalMs: 30_000,
    windowSize: 10,
    thresholds: defaultThresholds,
    store: memoryStore(),
    sinks: fanOut([], redactor([])),
    investigate: async () => {
      throw new Error("not in this test");
    },
    observer: exporter,
  });
  for (let i = 0; i < ticks; i++) {
    if (i) clock.advance(30_000);
    await watch.tick();
  }
  await watch.settled();
  server = await serveMetrics(exporter.registry, { port: 0 });
  const { text, families } = await scrapeMetrics(server.url);
  return { watch, families, text };
}

/** A family's samples as "label=value,..." -> value, for the labels named. */
function series(families: ParsedFamily[], name: string, labels: string[]): Record<string, number> {
  return Object.fromEntries(samplesOf(families, name).map((m) => [labels.map((l) => `${l}=${m.labels?.[l] ?? ""}`).join(","), Number(m.value)]));
}

describe("kafka-ops watch /metrics", () => {
  it("lag, lag in seconds and offsets per partition equal kafka-ops lag --json for the same samples", async () => {
    const { watch, families } = await watched(8);
    const report = lagReport({ snapshots: watch.window.snapshots });
    const labels = ["cluster_name", "group", "topic", "partition", "member_host", "consumer_id", "client_id"];
    const key = (g: string, p: (typeof report.groups)[number]["partitions"][number]) =>
      `cluster_name=prod-east,group=${g},topic=${p.topic},partition=${p.partition},member_host=${p.host ?? ""},consumer_id=${p.consumerId ?? ""},client_id=${scrub(p.clientId ?? "")}`;
    const expected = (pick: (p: (typeof report.groups)[number]["partitions"][number]) => number | string | null) =>
      Object.fromEntries(report.groups.flatMap((g) => g.partitions.flatMap((p) => (pick(p) === null ? [] : [[key(g.group, p), Number(pick(p))]]))));

    expect(series(families, "kafka_ops_group_lag", labels)).toEqual(expected((p) => p.lag));
    expect(series(families, "kafka_ops_group_lag_seconds", labels)).toEqual(expected((p) => p.lagSeconds));
    expect(series(families, "kafka_ops_group_offset", labels)).toEqual(expected((p) => p.currentOffset));
    // The values themselves, so the comparison cannot pass on two empty sides: orders-svc
    // stopped at 03:02:10 with 3 records unread, the log has grown 40/s since (to 03:03:30).
    expect(series(families, "kafka_ops_group_lag", ["group", "partition"])).toEqual({
      "group=orders-svc,partition=0": 3203,
      "group=orders-svc,partition=1": 3203,
      "group=orders-svc,partition=2": 3203,
      "group=audit-svc,partition=0": 0,
      "group=audit-svc,partition=1": 0,
      "group=partial-svc,partition=0": 5,
    });
    expect(series(families, "kafka_ops_group_lag_seconds", ["group", "partition"])["group=orders-svc,partition=0"]).toBe(80.1);
    expect(JSON.stringify(families)).not.toContain(CANARY);
    expect(series(families, "kafka_ops_group_sum_lag", ["group"])).toEqual({ "group=orders-svc": 9609, "group=audit-svc": 0, "group=partial-svc": 5 });
    expect(series(families, "kafka_ops_group_topic_sum_lag", ["group", "topic"])).toEqual({ "group=orders-svc,topic=orders": 9609, "group=audit-svc,topic=audit": 0, "group=partial-svc,topic=audit": 5 });
    expect(series(families, "kafka_ops_partition_latest_offset", ["topic", "partition"])).toEqual({ "topic=orders,partition=0": 9400, "topic=orders,partition=1": 9400, "topic=orders,partition=2": 9400, "topic=audit,partition=0": 700, "topic=audit,partition=1": 700 });
  });

  it("partition and group status in Burrow's numbers, from the partition window's verdict", async () => {
    const { families } = await watched(8);
    expect(series(families, "kafka_ops_partition_status", ["group", "partition"])).toEqual({
      "group=orders-svc,partition=0": BURROW.STOP,
      "group=orders-svc,partition=1": BURROW.STOP,
      "group=orders-svc,partition=2": BURROW.STOP,
      "group=audit-svc,partition=0": BURROW.OK,
      "group=audit-svc,partition=1": BURROW.OK,
      "group=partial-svc,partition=0": BURROW.OK,
      "group=partial-svc,partition=1": BURROW.NOTFOUND,
    });
    expect(series(families, "kafka_ops_partition_window_status", ["group", "partition", "status"])).toEqual({
      "group=orders-svc,partition=0,status=stopped": 1,
      "group=orders-svc,partition=1,status=stopped": 1,
      "group=orders-svc,partition=2,status=stopped": 1,
      "group=audit-svc,partition=0,status=idle": 1,
      "group=audit-svc,partition=1,status=idle": 1,
      "group=partial-svc,partition=0,status=idle": 1,
      "group=partial-svc,partition=1,status=no_offsets": 1,
    });
    expect(series(families, "kafka_ops_group_status", ["group"])).toEqual({ "group=orders-svc": BURROW.ERR, "group=audit-svc": BURROW.OK, "group=partial-svc": BURROW.OK });
  });

  it("the watch's own health: samples by outcome, their duration, the window, what is open", async () => {
    const { families } = await watched(8);
    expect(series(families, "kafka_ops_watch_samples_total", ["outcome"])).toEqual({ "outcome=ok": 8, "outcome=incomplete": 0, "outcome=failed": 0 });
    expect(samplesOf(families, "kafka_ops_watch_sample_duration_seconds")[0]?.count).toBe("8");
    expect(series(families, "kafka_ops_watch_window_samples", [])).toEqual({ "": 8 });
    expect(series(families, "kafka_ops_watch_last_sample_timestamp_seconds", [])).toEqual({ "": (T0 + 7 * 30_000) / 1000 });
    expect(series(families, "kafka_ops_watch_open", ["kind", "entity", "code"])).toEqual({ "kind=group,entity=orders-svc,code=lag.consumer_down": 1 });
    expect(series(families, "kafka_ops_watch_investigations_total", ["code", "reason"])).toEqual({ "code=lag.consumer_down,reason=raised": 1 });
    // The investigation threw (this test's investigator): counted, not fatal.
    expect(series(families, "kafka_ops_watch_investigation_failures_total", [])).toEqual({ "": 1 });
  });

  it("answers /metrics only, GET or HEAD", async () => {
    const exporter = watchExporter();
    server = await serveMetrics(exporter.registry, { port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const other = await fetch(server.url.replace("/metrics", "/"));
    expect([other.status, await other.text()]).toEqual([404, "not found: the metrics are at /metrics\n"]);
    expect((await fetch(server.url, { method: "POST" })).status).toBe(405);
    const ok = await fetch(server.url);
    expect([ok.status, ok.headers.get("content-type")]).toEqual([200, "text/plain; version=0.0.4; charset=utf-8"]);
  });

  it("a group's Burrow status is its worst partition, with STOP, STALL and REWIND reported as ERR", () => {
    expect(groupStatus(["ok", "idle", "catching_up"])).toBe("OK");
    expect(groupStatus(["ok", "growing"])).toBe("WARN");
    expect(groupStatus(["growing", "stalled"])).toBe("ERR");
    expect(groupStatus(["rewind"])).toBe("ERR");
    expect(groupStatus(["no_offsets"])).toBe("OK");
  });
});
