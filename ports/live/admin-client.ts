/**
 * Connecting a kafkajs admin client within one call deadline, and closing it without leaving a
 * socket behind: the connect (kafkajs's retries and ours) is bounded as a whole, and `close`
 * waits for a connect still in flight before disconnecting (within the deadline too), since an
 * abandoned connecting socket would keep the process alive.
 */
import type { Admin } from "kafkajs";
import { liveCall, withDeadline, type CallPolicy } from "./call.ts";

export interface OpenedAdmin {
  admin: Admin;
  /** true once connected; otherwise why not (already redacted). */
  connected: Promise<true | string>;
  close(): Promise<void>;
}

export function openAdmin(admin: Admin, policy: CallPolicy): OpenedAdmin {
  let connecting: Promise<void> = Promise.resolve();
  const attempt = liveCall("connect", policy, () => (connecting = admin.connect()));
  const connected = withDeadline("connect", policy.deadlineMs, attempt).then(
    (r) => (r.kind === "ok" ? (true as const) : r.kind === "unavailable" ? r.reason : "not available"),
    (error: unknown) => policy.redact(error instanceof Error ? error.message : String(error)),
  );
  const close = () =>
    withDeadline(
      "disconnect",
      policy.deadlineMs,
      connecting.catch(() => {}).then(() => admin.disconnect()),
    ).catch(() => {});
  return { admin, connected, close };
}
