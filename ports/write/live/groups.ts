/** Live GroupAdminPort (placeholder until written). */
import type { GroupAdminPort } from "../group-admin.ts";
import type { LiveWriteContext } from "./context.ts";
import { unsupported } from "../unsupported.ts";

export function liveGroups(_ctx: LiveWriteContext): GroupAdminPort {
  return new Proxy({} as GroupAdminPort, { get: (_t, key) => (typeof key === "string" && key !== "then" && key !== "close" ? () => unsupported(`live groups.${key}`) : undefined) });
}
