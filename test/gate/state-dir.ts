/**
 * The state an approval-gate test runs the binary against: a fresh directory (the SQLite store,
 * the audit log beside it), removed after the tests of the file or describe block that asked for
 * it, and an environment that points the CLI there alone: no PostgreSQL URL, settings file or
 * cluster inherited from the shell that runs the tests.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

export interface GateState {
  dir: string;
  env: { KAFKA_OPS_STATE_DIR: string; KAFKA_OPS_POSTGRES_URL: undefined; KAFKA_OPS_CONFIG: undefined; KAFKA_BOOTSTRAP_SERVERS: undefined };
}

/** A state dir named `<prefix>…` under the system temp dir (or under `parent`), and its environment. */
export function gateState(prefix: string, parent = tmpdir()): GateState {
  const dir = mkdtempSync(join(parent, prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, env: { KAFKA_OPS_STATE_DIR: dir, KAFKA_OPS_POSTGRES_URL: undefined, KAFKA_OPS_CONFIG: undefined, KAFKA_BOOTSTRAP_SERVERS: undefined } };
}
