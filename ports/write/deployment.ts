/**
 * The deployments that run consumer groups, behind pluggable targets (a signed webhook, a
 * Kubernetes Deployment). Which target runs which group comes from configuration.
 *
 * Owned by the deployment-side executors (scale_consumers, tune_consumer_config) and used by
 * skip_poison_message (stop the group, move the offset, start it). The owner refines this interface.
 */
export interface DeploymentView {
  /** The target that runs the group, for messages ("kubernetes deployment payments/orders-svc"). */
  target: string;
  replicas: number;
  /** Consumer settings the deployment passes to its clients, as it reports them. */
  config: Record<string, string>;
}

export interface DeploymentPort {
  /** null when no configured target runs this group. */
  describe(group: string): Promise<DeploymentView | null>;
}
