/**
 * The investigation an unhealthy entity opens: the library's live investigation (the whole
 * graph: triage, the specialists with their DLQ peeks, registry reads, record samples and client
 * metrics, the correlation, the verdict), reading the cluster's state from the watch's window as
 * it was when the entity turned unhealthy rather than sampling a window of its own: the report
 * comes within the sample that raised it, and it judges what the detectors judged.
 */
import type { Finding } from "../agents/finding.ts";
import type { Secret } from "../config/secret.ts";
import type { Thresholds } from "../config/thresholds/index.ts";
import type { Alert, Incident } from "../contract/incident.ts";
import type { Report } from "../contract/report.ts";
import type { AlertKind } from "../contract/vocabulary.ts";
import type { InvestigateOptions } from "../investigate.ts";
import type { Fault } from "../ports/faults.ts";
import type { Ports } from "../ports/ports.ts";
import { replayPorts } from "../ports/replay/replay-ports.ts";
import type { Entity } from "./detect.ts";

export interface InvestigationRequest {
  /** The investigation id: the report's incidentId and the deliveries' key. */
  id: string;
  entity: Entity;
  /** The detector's finding that raised it. */
  finding: Finding;
  alert: Alert;
  /** The window when it was raised, as a recording. */
  window: Incident;
  /** The sampling faults of that window's latest sample. */
  faults: readonly string[];
}

export type Investigator = (request: InvestigationRequest) => Promise<Report>;

/** The alert a recorded incident would carry for this finding: it steers triage like any alert. */
export function alertFor(entity: Entity, finding: Finding, firedAt: string): Alert {
  const labels: Record<string, string> = {};
  for (const key of ["group", "topic", "partition", "broker"] as const) {
    const v = finding.entities[key];
    if (v !== undefined && v !== null && v !== "") labels[key] = String(v);
  }
  if (entity.kind === "topic") labels.topic = entity.name;
  return { kind: alertKind(finding), summary: `kafka-ops watch: ${finding.summary}`, labels, firedAt };
}

function alertKind(f: Finding): AlertKind {
  const family = f.code.split(".")[0];
  if (f.code === "lag.broker_saturated" && f.entities.group === undefined) return "broker";
  if (family === "lag" || (f.code === "unknown" && f.entities.group !== undefined)) return "consumer_lag";
  if (family === "rebalance") return "rebalance";
  if (family === "replication") return "replication";
  if (family === "cluster") return "broker";
  if (family === "partition") return "throughput";
  if (family === "dlq") return "dlq";
  if (family === "schema") return "schema";
  if (family === "quality") return "quality";
  return "other";
}

/** `watch-20261102t030400z-group-orders-svc-1a2b3c`: sortable by time, readable, unique. */
export function investigationId(entity: Entity, at: number, random: string): string {
  const stamp = new Date(at).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "z").toLowerCase();
  const name = entity.name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 48);
  return `watch-${stamp}-${entity.kind}${name && entity.kind !== "cluster" ? `-${name}` : ""}-${random}`;
}

/** The sampler's fault lines as the investigation's missing evidence, the way live ports word them. */
export function samplingFaults(lines: readonly string[]): Fault[] {
  return lines.map((what): Fault => ({ tool: "sampling", kind: "unavailable", what, entity: {}, reason: null, retriable: false }));
}

export interface LiveInvestigatorOptions {
  thresholds: Thresholds;
  policy?: InvestigateOptions["policy"];
  secrets: readonly Secret[];
}

/**
 * Investigations through `live` (the live ports: registry, records, configs, metrics read on
 * demand) with the cluster state served from the request's window. The live ports' own
 * sampling window is never started: metadata, groups and faults are the watch's.
 */
export function liveInvestigator(live: Ports, options: LiveInvestigatorOptions): Investigator {
  return async (request) => {
    const { investigatePorts } = await import("../investigate.ts");
    const recorded = replayPorts(request.window);
    const ports: Ports = { ...live, metadata: recorded.metadata, groups: recorded.groups, faults: async () => samplingFaults(request.faults) };
    return investigatePorts(ports, {
      incidentId: request.id,
      alert: request.alert,
      thresholds: options.thresholds,
      secrets: options.secrets,
      ...(options.policy && { policy: options.policy }),
    });
  };
}
