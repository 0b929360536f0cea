/**
 * Everything the streaming rules know about one consumer group, gathered from the tools.
 * Rules read this and nothing else, so they stay pure and testable in a few lines.
 */
import type { ToolValue } from "../../tools/registry.ts";
import type { GroupLag } from "../../tools/kafka/consumer-group-lag.ts";
import type { GroupView } from "../../tools/kafka/consumer-groups.ts";
import type { LogLine } from "../../contract/incident.ts";

export interface GroupObservation {
  group: GroupView;
  lag: GroupLag;
  metrics: ToolValue<"client_metrics"> | undefined;
  /** Effective consumer settings (configured over Kafka defaults), when known. */
  config: Record<string, string> | undefined;
  /** Leader broker of each "topic-partition" in the latest sample. */
  leaders: ReadonlyMap<string, number>;
  brokers: ToolValue<"broker_metrics"> | undefined;
  logs: readonly LogLine[];
}

/** Whether a broker's worst reading in the window shows it saturated, and why. */
export function saturation(m: ToolValue<"broker_metrics">["brokers"][number]["worst"]): string[] {
  const reasons: string[] = [];
  if ((m.cpu ?? 0) >= 0.9) reasons.push(`cpu ${pct(m.cpu!)}`);
  if (m.requestHandlerIdle !== undefined && m.requestHandlerIdle <= 0.1) reasons.push(`request handler idle ${pct(m.requestHandlerIdle)}`);
  if ((m.networkIn ?? 0) >= 0.9) reasons.push(`network in ${pct(m.networkIn!)}`);
  if ((m.networkOut ?? 0) >= 0.9) reasons.push(`network out ${pct(m.networkOut!)}`);
  if ((m.diskUsed ?? 0) >= 0.95) reasons.push(`disk ${pct(m.diskUsed!)} used`);
  return reasons;
}

export const pct = (ratio: number) => `${Math.round(ratio * 100)}%`;
