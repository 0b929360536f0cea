/**
 * A deployment target: one way of reaching what runs consumer groups (a signed webhook, a
 * Kubernetes API server). The live DeploymentPort (ports/write/live/deployments.ts) looks up
 * which target and binding run a group (settings `deployments.groups`) and calls it; a target
 * knows nothing of groups it is not handed.
 */
import type { Settings } from "../../../config/settings.ts";
import type { DeploymentConfigChange, DeploymentView } from "../deployment.ts";

export type DeploymentSettings = NonNullable<Settings["deployments"]>;
export type TargetSettings = DeploymentSettings["targets"][string];
export type WebhookSettings = Extract<TargetSettings, { type: "webhook" }>;
export type KubernetesSettings = Extract<TargetSettings, { type: "kubernetes" }>;
/** How one consumer group is deployed on its target. */
export type GroupBinding = DeploymentSettings["groups"][string];

export interface DeploymentTarget {
  describe(group: string, binding: GroupBinding): Promise<DeploymentView>;
  scale(group: string, binding: GroupBinding, replicas: number): Promise<void>;
  setConfig(group: string, binding: GroupBinding, changes: DeploymentConfigChange): Promise<void>;
  stop(group: string, binding: GroupBinding): Promise<void>;
  start(group: string, binding: GroupBinding): Promise<void>;
  close?(): Promise<void>;
}

/** Waits between retries; tests pass one that records the delay and resolves at once. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
