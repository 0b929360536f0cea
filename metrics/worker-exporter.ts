/**
 * The alert worker's Prometheus metrics (prom-client, a registry of its own), fed by the
 * worker's observer calls (worker/worker.ts `WorkerObserver`): what it did with the alerts, its
 * investigations, takeovers and transactions, and what it holds now. Names and labels are
 * documented in docs/workers.md. No label carries an alert id or an error text: the series stay
 * few however many alerts go by (the ids and errors are in the logs and the DLQ headers).
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { WorkerObserver } from "../worker/worker.ts";

export interface WorkerExporter extends WorkerObserver {
  registry: Registry;
}

/** An investigation is a sampling window (seconds to minutes) plus the graph, a model's calls with --llm. */
const DURATION_BUCKETS = [0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];

export function workerExporter(): WorkerExporter {
  const registry = new Registry();
  const registers = [registry];
  const m = {
    alerts: new Counter({
      name: "kafka_ops_worker_alerts_total",
      help: "Alerts taken to their end, counted once their record's transaction committed, by outcome: reported, dead_lettered (error_class failing or unparseable), already_done (a copy of one finished before), ignored (a resolved Alertmanager alert)",
      labelNames: ["outcome", "error_class"] as const,
      registers,
    }),
    attempts: new Counter({ name: "kafka_ops_worker_investigation_attempts_total", help: "Investigation attempts started (a retry and a takeover are attempts too)", registers }),
    failures: new Counter({ name: "kafka_ops_worker_investigation_failures_total", help: "Investigation attempts that ended in an error rather than a report", registers }),
    // No label: latency is the time to a report; a failed attempt is counted in failures_total.
    duration: new Histogram({ name: "kafka_ops_worker_investigation_duration_seconds", help: "Time of the investigation attempts that ended with a report", buckets: DURATION_BUCKETS, registers }),
    takeovers: new Counter({ name: "kafka_ops_worker_takeovers_total", help: "Alerts claimed from a holder that died (its lease ran out, or it died while committing)", registers }),
    transactions: new Counter({
      name: "kafka_ops_worker_transactions_total",
      help: "Transactions of a record's reports, DLQ records and offset, by result: committed, fenced (another worker holds the partition now), failed",
      labelNames: ["result"] as const,
      registers,
    }),
    partitions: new Gauge({ name: "kafka_ops_worker_partitions_assigned", help: "Alerts partitions the consumer group gives this worker now", registers }),
    inFlight: new Gauge({ name: "kafka_ops_worker_investigations_in_flight", help: "Investigations running now (at most --concurrency)", registers }),
  };
  // Zero, not absent, before the first one: rate() and alerts need the series.
  for (const outcome of ["reported", "already_done", "ignored"] as const) m.alerts.inc({ outcome }, 0);
  for (const error_class of ["failing", "unparseable"] as const) m.alerts.inc({ outcome: "dead_lettered", error_class }, 0);
  for (const result of ["committed", "fenced", "failed"] as const) m.transactions.inc({ result }, 0);
  m.attempts.inc(0);
  m.failures.inc(0);
  m.takeovers.inc(0);
  m.partitions.set(0);
  m.inFlight.set(0);

  return {
    registry,
    assigned(partitions) {
      m.partitions.set(partitions.length);
    },
    tookOver() {
      m.takeovers.inc();
    },
    attemptStarted() {
      m.attempts.inc();
      m.inFlight.inc();
    },
    attemptEnded(_alertId, seconds, error) {
      m.inFlight.dec();
      if (error === undefined) m.duration.observe(seconds);
      else m.failures.inc();
    },
    transaction(result) {
      m.transactions.inc({ result });
    },
    finished(outcome, errorClass) {
      m.alerts.inc(outcome === "dead_lettered" ? { outcome, error_class: errorClass ?? "failing" } : { outcome });
    },
  };
}
