import { DEFAULT_THRESHOLDS, type ThresholdValues } from "../../../config/thresholds/index.ts";
import type { GroupObservation } from "../observation.ts";

/**
 * The thresholds resolved for the group an observation is about (`thresholds.for({ group, topic })`,
 * set by the streaming agent), else the defaults. Group rules take it as their second parameter's
 * default, so a test can pin a profile and the agent need not pass it.
 */
export function thresholdsOf(o: GroupObservation): ThresholdValues {
  // Written so it compiles before and after GroupObservation carries `thresholds`.
  return (o as GroupObservation & { thresholds?: ThresholdValues }).thresholds ?? DEFAULT_THRESHOLDS;
}
