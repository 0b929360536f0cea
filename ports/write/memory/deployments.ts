/** In-memory DeploymentPort over a MemoryCluster (placeholder until written). */
import type { DeploymentPort } from "../deployment.ts";
import type { MemoryCluster } from "./cluster.ts";
import { unsupported } from "../unsupported.ts";

export function memoryDeployments(_cluster: MemoryCluster): DeploymentPort {
  return new Proxy({} as DeploymentPort, { get: (_t, key) => (typeof key === "string" && key !== "then" && key !== "close" ? () => unsupported(`in-memory deployments.${key}`) : undefined) });
}
