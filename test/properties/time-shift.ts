/**
 * Shifting every time in the incident by one constant: snapshot times, the alert, schema
 * registrations, DLQ and sampled record timestamps, log lines, and the epoch-millisecond
 * timestamp headers DLQ records carry (Spring's `kafka_dlt-original-timestamp`). Times inside
 * record values and log message text are the producers' data and stay as written.
 */
import type { Incident } from "../../contract/incident.ts";

/** ISO-8601 UTC, keeping the recording's style: no `.000` when the milliseconds are zero. */
export function shiftIso(iso: string, ms: number): string {
  const out = new Date(Date.parse(iso) + ms).toISOString();
  return out.endsWith(".000Z") ? `${out.slice(0, -5)}Z` : out;
}

const EPOCH_MS_HEADER = /timestamp$/i;

export function shiftTimes(incident: Incident, ms: number): Incident {
  const shift = (iso: string) => shiftIso(iso, ms);
  for (const s of incident.snapshots) s.at = shift(s.at);
  if (incident.alert?.firedAt) incident.alert.firedAt = shift(incident.alert.firedAt);
  for (const sub of incident.schemaRegistry?.subjects ?? []) {
    for (const v of sub.versions) if (v.registeredAt) v.registeredAt = shift(v.registeredAt);
  }
  for (const rs of [...Object.values(incident.dlq ?? {}), ...Object.values(incident.samples ?? {})]) {
    for (const r of rs) {
      r.timestamp = shift(r.timestamp);
      for (const [k, v] of Object.entries(r.headers)) {
        if (EPOCH_MS_HEADER.test(k) && /^\d{10,16}$/.test(v)) r.headers[k] = String(Number(v) + ms);
      }
    }
  }
  for (const line of incident.logs ?? []) line.at = shift(line.at);
  return incident;
}
