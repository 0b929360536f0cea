/** One documented tunable: its default, unit and one line of doc. */
export interface ThresholdSpec {
  default: number;
  unit: "records" | "seconds" | "ms" | "ratio" | "count" | "samples" | "per-second" | "per-hour" | "factor";
  doc: string;
}
