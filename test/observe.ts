/** Runs the real tools over a test incident and assembles what the streaming rules read. */
import type { Incident } from "../contract/incident.ts";
import { replayPorts } from "../ports/replay/replay-ports.ts";
import type { GroupObservation } from "../agents/streaming/observation.ts";
import { observeGroups } from "../agents/streaming/observe.ts";
import { recordingCaller } from "../agents/agent.ts";
import { defaultThresholds, type Thresholds } from "../config/thresholds/index.ts";
import { TOOLS } from "../tools/registry.ts";
import type { ToolResult } from "../tools/define-tool.ts";

export function value<T>(r: ToolResult<T>): T {
  if (r.kind !== "ok") throw new Error(`expected an ok result, got ${JSON.stringify(r)}`);
  return r.value;
}

export async function observeGroup(incident: Incident, group = "orders-svc", thresholds: Thresholds = defaultThresholds): Promise<GroupObservation> {
  const ports = replayPorts(incident);
  const call = recordingCaller(ports, "streaming", [], []);
  const [groups, topics, brokers, logs] = await Promise.all([
    TOOLS.consumer_groups.run(ports, { group }),
    TOOLS.topic_partitions.run(ports, {}),
    TOOLS.broker_metrics.run(ports, {}),
    TOOLS.search_logs.run(ports, {}),
  ]);
  const leaders = new Map<string, number>();
  for (const t of value(topics).topics) for (const p of t.partitions) leaders.set(`${t.name}-${p.partition}`, p.leader);
  const [o] = await observeGroups(call, value(groups).groups, {
    leaders,
    brokers: brokers.kind === "ok" ? brokers.value : undefined,
    logs: logs.kind === "ok" ? logs.value.lines : [],
    alert: incident.alert,
    thresholds,
  });
  if (!o) throw new Error(`no lag read for group ${group}`);
  return o;
}
