/**
 * The deployments that run consumer groups, behind pluggable targets (a signed webhook, a
 * Kubernetes Deployment). Which target runs which group comes from configuration
 * (settings `deployments`).
 *
 * Used by the deployment-side executors (scale_consumers, tune_consumer_config) and by
 * skip_poison_message (stop the group, move the offset, start it).
 */
export interface DeploymentView {
  /** The target that runs the group, for messages ("kubernetes deployment payments/orders-svc"). */
  target: string;
  /** Replicas the deployment asks for now (0 while stopped). */
  replicas: number;
  /** False while stopped through `stop` (or scaled to zero by someone else). */
  running: boolean;
  /** Replicas ready now, when the target knows (a Deployment's readyReplicas). */
  ready?: number;
  /** Consumer settings the deployment passes to its clients, as it reports them. */
  config: Record<string, string>;
  /** What a reader of a config change's dry run should know: how it reaches the consumers ("it rolls the pods"), what the target cannot change. */
  notes?: string[];
  /** Set while the target is still rolling out a change (pods on an older template): what is left. */
  rolloutPending?: string;
  /** What else sets the replicas ("HorizontalPodAutoscaler payments/orders (min 2, max 6)"): a change by hand is undone while it runs. */
  autoscaler?: string;
  /** Consumer settings the target reports but does not change (an env var taken from a ConfigMap or Secret). */
  unmanaged?: string[];
}

/** One consumer setting to change: a value to set, or null to remove it (back to the client's default). */
export type DeploymentConfigChange = Record<string, string | null>;

export interface DeploymentPort {
  /** null when no configured target runs this group. */
  describe(group: string): Promise<DeploymentView | null>;
  /** Asks the target for this many replicas (>= 1; use `stop` for zero). */
  scale(group: string, replicas: number): Promise<void>;
  /** Changes only the named consumer settings; every other setting stays as it was. */
  setConfig(group: string, changes: DeploymentConfigChange): Promise<void>;
  /**
   * Stops every consumer of the group (replicas to 0), remembering the replica count so `start`
   * restores it. Resolves once the target has accepted the change, not when the members have left:
   * callers that need an empty group poll the group port.
   */
  stop(group: string): Promise<void>;
  /** Restores the replica count `stop` remembered (1 when none is known). */
  start(group: string): Promise<void>;
}
