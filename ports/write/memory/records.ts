/** In-memory RecordMoverPort over a MemoryCluster (placeholder until written). */
import type { RecordMoverPort } from "../record-mover.ts";
import type { MemoryCluster } from "./cluster.ts";
import { unsupported } from "../unsupported.ts";

export function memoryRecords(_cluster: MemoryCluster): RecordMoverPort {
  return new Proxy({} as RecordMoverPort, { get: (_t, key) => (typeof key === "string" && key !== "then" && key !== "close" ? () => unsupported(`in-memory records.${key}`) : undefined) });
}
