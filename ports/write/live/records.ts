/** Live RecordMoverPort (placeholder until written). */
import type { RecordMoverPort } from "../record-mover.ts";
import type { LiveWriteContext } from "./context.ts";
import { unsupported } from "../unsupported.ts";

export function liveRecords(_ctx: LiveWriteContext): RecordMoverPort {
  return new Proxy({} as RecordMoverPort, { get: (_t, key) => (typeof key === "string" && key !== "then" && key !== "close" ? () => unsupported(`live records.${key}`) : undefined) });
}
