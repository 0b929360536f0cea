/**
 * Live DeploymentPort: settings `deployments.groups` says which target runs a group and how;
 * each configured target is built once, on first use (a Kubernetes target reads its kubeconfig
 * and CA then), and closed with the ports.
 */
import { KafkaOpsError } from "../../../errors.ts";
import type { DeploymentPort } from "../deployment.ts";
import { kubernetesTarget } from "../targets/kubernetes.ts";
import type { DeploymentTarget, GroupBinding } from "../targets/target.ts";
import { webhookTarget } from "../targets/webhook.ts";
import type { LiveWriteContext } from "./context.ts";

export function liveDeployments(ctx: LiveWriteContext): DeploymentPort & { close(): Promise<void> } {
  const settings = ctx.settings.deployments;
  const built = new Map<string, DeploymentTarget>();

  function targetOf(name: string): DeploymentTarget {
    let target = built.get(name);
    if (target) return target;
    const spec = settings?.targets[name];
    if (!spec) throw new KafkaOpsError("BAD_INPUT", `deployments.targets: no target named "${name}"`);
    target = spec.type === "webhook" ? webhookTarget(name, spec, { redact: ctx.redact }) : kubernetesTarget(name, spec, { policy: ctx.policy });
    built.set(name, target);
    return target;
  }

  /** The group's binding and target; null when no target runs it. */
  function route(group: string): { binding: GroupBinding; target: DeploymentTarget } | null {
    const binding = settings?.groups[group];
    return binding ? { binding, target: targetOf(binding.target) } : null;
  }

  function required(group: string): { binding: GroupBinding; target: DeploymentTarget } {
    const r = route(group);
    if (!r) throw new KafkaOpsError("NOT_FOUND", `no deployment target runs consumer group "${group}" (settings deployments.groups)`);
    return r;
  }

  return {
    async describe(group) {
      const r = route(group);
      return r ? r.target.describe(group, r.binding) : null;
    },
    async scale(group, replicas) {
      const r = required(group);
      await r.target.scale(group, r.binding, replicas);
    },
    async setConfig(group, changes) {
      const r = required(group);
      await r.target.setConfig(group, r.binding, changes);
    },
    async stop(group) {
      const r = required(group);
      await r.target.stop(group, r.binding);
    },
    async start(group) {
      const r = required(group);
      await r.target.start(group, r.binding);
    },
    async close() {
      await Promise.allSettled([...built.values()].map((t) => t.close?.()));
      built.clear();
    },
  };
}
