/**
 * The live entry point the tests use: `investigate()` takes an incident, and in live mode the
 * incident only carries identity (id, title, one placeholder snapshot to satisfy the contract);
 * everything the agents read comes from the live ports.
 */
import type { IncidentInput, Snapshot } from "../../contract/incident.ts";
import type { Report } from "../../contract/report.ts";
import type { Settings } from "../../config/settings.ts";
import { investigate } from "../../investigate.ts";
import { openLive, type LiveSession } from "../../ports/live/live-ports.ts";
import type { SampleWindow } from "../../ports/live/sampling.ts";

export function liveIncident(id = "live"): IncidentInput {
  return { format: "kafka-incident/v1", id, title: id, snapshots: [{ at: new Date().toISOString() }] };
}

export interface LiveRun {
  report: Report;
  window: SampleWindow;
  ms: number;
}

/** Investigates a session that is already open (so the caller can also record it). */
export async function investigateSession(session: LiveSession, id = "live"): Promise<LiveRun> {
  const started = performance.now();
  const report = await investigate(liveIncident(id), { ports: session.ports });
  return { report, window: await session.window(), ms: performance.now() - started };
}

/** Opens a live session, investigates, closes. */
export async function investigateLive(
  settings: Settings,
  options: { id?: string; onSample?: (index: number, snapshot: Snapshot) => void; log?: (line: string) => void } = {},
): Promise<LiveRun> {
  const session = openLive(settings, { ...(options.onSample && { onSample: options.onSample }), ...(options.log && { log: options.log }) });
  try {
    const run = await investigateSession(session, options.id);
    if (process.env.LIVE_DEBUG) console.log(`live run (${Math.round(run.ms)} ms):`, explain(run), "faults:", run.window.faults);
    return run;
  } finally {
    await session.close();
  }
}

/** A compact view of a report for assertion messages. */
export function explain(run: LiveRun | Report): string {
  const report = "report" in run ? run.report : run;
  return JSON.stringify(
    {
      decision: report.decision,
      primary: report.primary,
      diagnoses: report.diagnoses.map((d) => ({ code: d.code, confidence: d.confidence, summary: d.summary, entities: d.entities })),
      actions: report.actions.map((a) => ({ kind: a.kind, params: a.params })),
      escalation: report.escalation,
      missing: report.missingEvidence,
    },
    null,
    1,
  );
}
