/** Live DeploymentPort (placeholder until written). */
import type { DeploymentPort } from "../deployment.ts";
import type { LiveWriteContext } from "./context.ts";
import { unsupported } from "../unsupported.ts";

export function liveDeployments(_ctx: LiveWriteContext): DeploymentPort {
  return new Proxy({} as DeploymentPort, { get: (_t, key) => (typeof key === "string" && key !== "then" && key !== "close" ? () => unsupported(`live deployments.${key}`) : undefined) });
}
