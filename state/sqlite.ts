/**
 * Opens a SQLite database on Node's built-in driver, set up for several processes sharing one
 * file: WAL (readers do not block the writer), a busy timeout (a writer waits for another's lock
 * instead of failing at once), and the directory created when missing.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { DatabaseSync } from "node:sqlite";

/** How long a writer waits for another process's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 15_000;

let driver: Promise<typeof import("node:sqlite")> | undefined;

/**
 * `node:sqlite` is still marked experimental in Node 22 and says so once on stderr when loaded;
 * that one line is noise on every CLI run, so only it is silenced, while loading.
 */
function loadDriver(): Promise<typeof import("node:sqlite")> {
  driver ??= (async () => {
    const emit = process.emitWarning;
    process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
      const text = typeof warning === "string" ? warning : warning.message;
      if (/SQLite is an experimental feature/.test(text)) return;
      (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
    }) as typeof process.emitWarning;
    try {
      return await import("node:sqlite");
    } finally {
      process.emitWarning = emit;
    }
  })();
  return driver;
}

export async function openSqlite(path: string): Promise<DatabaseSync> {
  const { DatabaseSync } = await loadDriver();
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS });
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
  return db;
}
