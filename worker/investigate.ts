/**
 * How a worker investigates an alert: a live investigation of the configured cluster (its own
 * sampling window, the graph, the report), exactly as `kafka-ops investigate --bootstrap` runs
 * one, steered by the alert, and durable: its state is checkpointed under the alert's thread
 * after every step, so a worker that takes over a dead one's alert continues that run.
 */
import type { Secret } from "../config/secret.ts";
import type { Settings } from "../config/settings.ts";
import type { Thresholds } from "../config/thresholds/index.ts";
import type { InvestigateOptions } from "../investigate.ts";
import type { AlertInvestigator } from "./worker.ts";

export function liveAlertInvestigator(settings: Settings, options: { thresholds: Thresholds; secrets: readonly Secret[]; llm?: InvestigateOptions["llm"] }): AlertInvestigator {
  return async (work, durable) => {
    const [{ openLive }, { investigatePorts }] = await Promise.all([import("../ports/live/live-ports.ts"), import("../investigate.ts")]);
    // The client's own log lines are dropped: what failed reaches the report as missing evidence.
    const session = openLive(settings, { log: () => {} });
    try {
      return await investigatePorts(session.ports, {
        incidentId: work.id,
        alert: work.alert,
        ...(work.question && { question: work.question }),
        thresholds: options.thresholds,
        secrets: options.secrets,
        policy: settings.policy,
        ...(options.llm && { llm: options.llm }),
        durable,
      });
    } finally {
      await session.close();
    }
  };
}
