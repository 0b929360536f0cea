/**
 * Where investigations waiting at the approval gate are kept (settings `state`): a SQLite file in
 * `dir` by default (~/.kafka-ops when unset; KAFKA_OPS_STATE_DIR), or a PostgreSQL database when
 * `postgres.url` is set (KAFKA_OPS_POSTGRES_URL), so several hosts can share the gate.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { Secret } from "./secret.ts";

export const StateSettings = z.strictObject({
  /** Directory of the SQLite state file (state.sqlite); default ~/.kafka-ops. */
  dir: z.string().min(1).optional().describe("directory of the SQLite state file (default ~/.kafka-ops)"),
  /** A PostgreSQL connection URL; when set, state lives there instead of the SQLite file. */
  postgres: z
    .strictObject({ url: z.string().regex(/^postgres(ql)?:\/\//, "expected a postgres:// or postgresql:// URL").transform((s) => new Secret(s)) })
    .optional(),
});
export type StateSettings = z.infer<typeof StateSettings>;

export const DEFAULT_STATE_DIR = join(homedir(), ".kafka-ops");

/** The URL, and its password on its own (a server or driver error may quote just that). */
export function stateSecrets(state: StateSettings | undefined): Secret[] {
  const url = state?.postgres?.url;
  if (!url) return [];
  const out = [url];
  try {
    const password = decodeURIComponent(new URL(url.reveal()).password);
    if (password) out.push(new Secret(password));
  } catch {
    // Not parseable as a URL: the whole text is still redacted.
  }
  return out;
}
