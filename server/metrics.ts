/**
 * GET /metrics: Prometheus metrics through prom-client, in a registry of the server's own (two
 * servers in one process, as in the tests, count apart). Label values come from the closed
 * vocabularies (decision, diagnosis code, tool name, agent), never from request data, so the
 * series stay bounded.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Report } from "../contract/report.ts";
import type { InvestigationEvent } from "../graph/events.ts";

export interface ServerMetrics {
  registry: Registry;
  finished(report: Report, source: string, seconds: number): void;
  failed(source: string): void;
  event(event: InvestigationEvent): void;
  queue(waiting: number, running: number): void;
  refused(reason: "queue_full" | "shutting_down"): void;
}

export function serverMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "kafka_ops_" });
  const investigations = new Counter({
    name: "kafka_ops_investigations_total",
    help: "Investigations finished (a report made, at the gate or done), by decision and primary diagnosis code",
    labelNames: ["decision", "primary", "source"] as const,
    registers: [registry],
  });
  const failures = new Counter({ name: "kafka_ops_investigations_failed_total", help: "Investigations that failed without a report", labelNames: ["source"] as const, registers: [registry] });
  const refused = new Counter({ name: "kafka_ops_investigations_refused_total", help: "Investigations refused before they were queued", labelNames: ["reason"] as const, registers: [registry] });
  const duration = new Histogram({
    name: "kafka_ops_investigation_duration_seconds",
    help: "Wall time of an investigation, from start to report (queue wait excluded)",
    labelNames: ["source"] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const tools = new Histogram({
    name: "kafka_ops_tool_duration_seconds",
    help: "Latency of one tool call, by tool, agent and outcome",
    labelNames: ["tool", "agent", "outcome"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const tokens = new Counter({ name: "kafka_ops_model_tokens_total", help: "Model tokens used by investigations, by kind", labelNames: ["kind"] as const, registers: [registry] });
  const modelCalls = new Counter({ name: "kafka_ops_model_calls_total", help: "Model calls made by investigations", registers: [registry] });
  const depth = new Gauge({ name: "kafka_ops_queue_depth", help: "Investigations waiting for a run slot", registers: [registry] });
  const inFlight = new Gauge({ name: "kafka_ops_investigations_in_flight", help: "Investigations running now", registers: [registry] });
  return {
    registry,
    finished(report, source, seconds) {
      investigations.inc({ decision: report.decision, primary: report.primary, source });
      duration.observe({ source }, seconds);
      if (report.llm) {
        tokens.inc({ kind: "prompt" }, report.llm.promptTokens);
        tokens.inc({ kind: "completion" }, report.llm.completionTokens);
        modelCalls.inc(report.llm.calls);
      }
    },
    failed(source) {
      failures.inc({ source });
    },
    event(event) {
      if (event.type === "tool" && event.phase === "finish") tools.observe({ tool: event.tool, agent: event.agent, outcome: event.outcome }, event.ms / 1000);
    },
    queue(waiting, running) {
      depth.set(waiting);
      inFlight.set(running);
    },
    refused(reason) {
      refused.inc({ reason });
    },
  };
}
