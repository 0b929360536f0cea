/** In-memory GroupAdminPort over a MemoryCluster (placeholder until written). */
import type { GroupAdminPort } from "../group-admin.ts";
import type { MemoryCluster } from "./cluster.ts";
import { unsupported } from "../unsupported.ts";

export function memoryGroups(_cluster: MemoryCluster): GroupAdminPort {
  return new Proxy({} as GroupAdminPort, { get: (_t, key) => (typeof key === "string" && key !== "then" && key !== "close" ? () => unsupported(`in-memory groups.${key}`) : undefined) });
}
