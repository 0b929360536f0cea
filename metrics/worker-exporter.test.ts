/**
 * The worker's /metrics, scraped over HTTP and read with a real Prometheus text-format parser,
 * after the observer calls a worker makes for a known story (worker/worker.int.test.ts checks
 * that a real worker makes them).
 */
import { afterEach, describe, expect, it } from "vitest";
import { serveMetrics, type MetricsServer } from "./server.ts";
import { samplesOf, scrapeMetrics, type ParsedFamily } from "./testing.ts";
import { workerExporter } from "./worker-exporter.ts";

let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A family's samples as "label=value,..." -> value, for the labels named. */
function series(families: ParsedFamily[], name: string, labels: string[]): Record<string, number> {
  return Object.fromEntries(samplesOf(families, name).map((m) => [labels.map((l) => `${l}=${m.labels?.[l] ?? ""}`).join(","), Number(m.value)]));
}

async function scrape(exporter: ReturnType<typeof workerExporter>) {
  server ??= await serveMetrics(exporter.registry, { port: 0 });
  return (await scrapeMetrics(server.url)).families;
}

describe("kafka-ops worker /metrics", () => {
  it("every series is there at zero before the first alert", async () => {
    const families = await scrape(workerExporter());
    expect(series(families, "kafka_ops_worker_alerts_total", ["outcome", "error_class"])).toEqual({
      "outcome=reported,error_class=": 0,
      "outcome=already_done,error_class=": 0,
      "outcome=ignored,error_class=": 0,
      "outcome=dead_lettered,error_class=failing": 0,
      "outcome=dead_lettered,error_class=unparseable": 0,
    });
    expect(series(families, "kafka_ops_worker_transactions_total", ["result"])).toEqual({ "result=committed": 0, "result=fenced": 0, "result=failed": 0 });
    for (const name of ["kafka_ops_worker_investigation_attempts_total", "kafka_ops_worker_investigation_failures_total", "kafka_ops_worker_takeovers_total", "kafka_ops_worker_partitions_assigned", "kafka_ops_worker_investigations_in_flight"]) {
      expect([name, series(families, name, [])]).toEqual([name, { "": 0 }]);
    }
    expect(samplesOf(families, "kafka_ops_worker_investigation_duration_seconds").map((s) => [s.count, s.sum])).toEqual([["0", "0"]]);
  });

  it("counts what the worker told it: outcomes, attempts, takeovers, durations, transactions, what it holds", async () => {
    const w = workerExporter();
    w.assigned([0, 1, 2]);
    w.assigned([0, 2]); // a rebalance: a gauge of now, not a sum
    // alert a: taken over from a dead holder on attempt 2, fails twice (0.2 s, 0.7 s), then goes to the DLQ.
    w.tookOver("a", 2);
    w.attemptStarted("a", 2);
    w.attemptEnded("a", 0.2, "registry answered 503");
    w.attemptStarted("a", 3);
    w.attemptEnded("a", 0.7, "registry answered 503");
    w.transaction("committed");
    w.finished("dead_lettered", "failing");
    // alerts b and d: reported after 12 s and 0.3 s; c is still being investigated when scraped.
    w.attemptStarted("b", 1);
    w.attemptEnded("b", 12);
    w.attemptStarted("d", 1);
    w.attemptEnded("d", 0.3);
    w.transaction("fenced");
    w.transaction("committed");
    w.finished("reported");
    w.finished("already_done");
    w.finished("ignored");
    w.finished("ignored");
    w.finished("dead_lettered", "unparseable");
    w.attemptStarted("c", 1);

    const families = await scrape(w);
    expect(series(families, "kafka_ops_worker_alerts_total", ["outcome", "error_class"])).toEqual({
      "outcome=reported,error_class=": 1,
      "outcome=already_done,error_class=": 1,
      "outcome=ignored,error_class=": 2,
      "outcome=dead_lettered,error_class=failing": 1,
      "outcome=dead_lettered,error_class=unparseable": 1,
    });
    expect(series(families, "kafka_ops_worker_investigation_attempts_total", [])).toEqual({ "": 5 });
    expect(series(families, "kafka_ops_worker_investigation_failures_total", [])).toEqual({ "": 2 });
    expect(series(families, "kafka_ops_worker_takeovers_total", [])).toEqual({ "": 1 });
    expect(series(families, "kafka_ops_worker_transactions_total", ["result"])).toEqual({ "result=committed": 2, "result=fenced": 1, "result=failed": 0 });
    expect(series(families, "kafka_ops_worker_partitions_assigned", [])).toEqual({ "": 2 });
    expect(series(families, "kafka_ops_worker_investigations_in_flight", [])).toEqual({ "": 1 });

    // The attempts that ended with a report only (the failures are counted above), in cumulative buckets.
    const family = families.find((f) => f.name === "kafka_ops_worker_investigation_duration_seconds");
    expect(family?.type).toBe("HISTOGRAM");
    expect(family?.metrics).toHaveLength(1);
    const h = family!.metrics[0]!;
    expect([h.count, Number(h.sum)]).toEqual(["2", 12.3]);
    expect(h.buckets).toEqual({ "0.5": "1", "1": "1", "2.5": "1", "5": "1", "10": "1", "20": "2", "30": "2", "60": "2", "120": "2", "300": "2", "600": "2", "+Inf": "2" });

    w.attemptEnded("c", 1);
    w.assigned([]);
    const after = await scrape(w);
    expect(series(after, "kafka_ops_worker_investigations_in_flight", [])).toEqual({ "": 0 });
    expect(series(after, "kafka_ops_worker_partitions_assigned", [])).toEqual({ "": 0 });
  });
});
