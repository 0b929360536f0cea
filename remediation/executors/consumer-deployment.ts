/**
 * What the deployment-side executors (scale_consumers, tune_consumer_config) read before they
 * change a group's deployment: the deployment as its target reports it, and the group as the
 * broker does (how many members, how many own partitions). A target that is not configured, or
 * that cannot be read, is a refusal naming what to fix, not an exception.
 */
import type { DeploymentView } from "../../ports/write/deployment.ts";
import type { ExecutionContext } from "./executor.ts";


export type DeploymentRead = { ok: true; view: DeploymentView } | { ok: false; why: string };

/** The group's deployment, or why there is none to act on. */
export async function readDeployment(ctx: ExecutionContext, group: string): Promise<DeploymentRead> {
  let view: DeploymentView | null;
  try {
    view = await ctx.write.deployments.describe(group);
  } catch (error) {
    return { ok: false, why: `cannot read the deployment of group ${group}: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!view) return { ok: false, why: `no deployment target runs consumer group ${group}: configure one in settings deployments.groups (docs/deployment-targets.md)` };
  if (!view.running) return { ok: false, why: `${view.target} is stopped (0 replicas): start it, or find out who stopped it, before changing it` };
  return { ok: true, view };
}

export interface GroupReading {
  state: string;
  members: number;
  /** Members that own at least one partition. */
  owning: number;
  /** Partitions assigned across the members (all the group reads, once it is Stable). */
  partitions: number;
}

/** The group as the broker reports it; null when the group port cannot say. */
export async function readGroup(ctx: ExecutionContext, group: string): Promise<GroupReading | null> {
  try {
    const g = await ctx.write.groups.describeGroup(group);
    const sizes = g.members.map((m) => m.assignment.reduce((n, a) => n + a.partitions.length, 0));
    return { state: g.state, members: g.members.length, owning: sizes.filter((n) => n > 0).length, partitions: sizes.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}
