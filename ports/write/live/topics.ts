/** Live TopicAdminPort (placeholder until written). */
import type { TopicAdminPort } from "../topic-admin.ts";
import type { LiveWriteContext } from "./context.ts";
import { unsupported } from "../unsupported.ts";

export function liveTopics(_ctx: LiveWriteContext): TopicAdminPort {
  return new Proxy({} as TopicAdminPort, { get: (_t, key) => (typeof key === "string" && key !== "then" && key !== "close" ? () => unsupported(`live topics.${key}`) : undefined) });
}
