/** In-memory TopicAdminPort over a MemoryCluster (placeholder until written). */
import type { TopicAdminPort } from "../topic-admin.ts";
import type { MemoryCluster } from "./cluster.ts";
import { unsupported } from "../unsupported.ts";

export function memoryTopics(_cluster: MemoryCluster): TopicAdminPort {
  return new Proxy({} as TopicAdminPort, { get: (_t, key) => (typeof key === "string" && key !== "then" && key !== "close" ? () => unsupported(`in-memory topics.${key}`) : undefined) });
}
