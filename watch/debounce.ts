/**
 * The per-entity state machine that turns a reading per sample into pages: debounced (one open
 * investigation per entity, a new one only when the diagnosis changes or after it cleared) and
 * with hysteresis (clearing takes `watch.clearAfterSamples` healthy samples in a row, so a
 * partition that flaps between stalled and ok stays open instead of paging at every flap).
 * Pure: the watch feeds it one reading per entity per sample and acts on the transition.
 */
import type { ThresholdValues } from "../config/thresholds/index.ts";
import type { DiagnosisCode } from "../contract/vocabulary.ts";

/** An entity with no state is healthy: nothing pending, nothing open. */
export type EntityState =
  | {
      /** Unhealthy, for fewer than `watch.raiseAfterSamples` samples yet. */
      phase: "pending";
      code: DiagnosisCode;
      unhealthyRun: number;
    }
  | {
      /** An investigation was opened for `code`. */
      phase: "open";
      code: DiagnosisCode;
      /** Healthy samples in a row since the last unhealthy one. */
      healthyRun: number;
      /** A different diagnosis seen in a row, not yet held for `watch.changeAfterSamples`. */
      candidate: { code: DiagnosisCode; run: number } | null;
      investigationId: string;
      openedAt: string;
      /** The report reached the sinks (a restart re-runs an investigation that had not). */
      reported: boolean;
    };

export type Transition =
  | { kind: "open"; code: DiagnosisCode; reason: "raised" | "changed"; previous?: DiagnosisCode }
  | { kind: "clear"; code: DiagnosisCode; investigationId: string };

export type WatchThresholds = Pick<ThresholdValues, "watch.raiseAfterSamples" | "watch.clearAfterSamples" | "watch.changeAfterSamples">;

export interface Step {
  /** The next state; undefined when the entity is healthy. An "open" transition leaves the id to the caller. */
  state: EntityState | undefined;
  transition: Transition | null;
}

/** One sample's reading of an entity: its unhealthy diagnosis, or null when healthy. */
export function step(state: EntityState | undefined, seen: DiagnosisCode | null, th: WatchThresholds): Step {
  const raiseAfter = Math.max(1, th["watch.raiseAfterSamples"]);
  if (state === undefined || state.phase === "pending") {
    if (seen === null) return { state: undefined, transition: null };
    const run = (state?.unhealthyRun ?? 0) + 1;
    if (run < raiseAfter) return { state: { phase: "pending", code: seen, unhealthyRun: run }, transition: null };
    return { state: opened(seen), transition: { kind: "open", code: seen, reason: "raised" } };
  }
  if (seen === null) {
    const healthyRun = state.healthyRun + 1;
    if (healthyRun >= Math.max(1, th["watch.clearAfterSamples"])) {
      return { state: undefined, transition: { kind: "clear", code: state.code, investigationId: state.investigationId } };
    }
    return { state: { ...state, healthyRun, candidate: null }, transition: null };
  }
  if (seen === state.code) return { state: { ...state, healthyRun: 0, candidate: null }, transition: null };
  const run = state.candidate?.code === seen ? state.candidate.run + 1 : 1;
  if (run < Math.max(1, th["watch.changeAfterSamples"])) return { state: { ...state, healthyRun: 0, candidate: { code: seen, run } }, transition: null };
  return { state: opened(seen), transition: { kind: "open", code: seen, reason: "changed", previous: state.code } };
}

/** An open state waiting for the caller's investigation id and time. */
function opened(code: DiagnosisCode): EntityState {
  return { phase: "open", code, healthyRun: 0, candidate: null, investigationId: "", openedAt: "", reported: false };
}
