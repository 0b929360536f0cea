/** stdout carries a command's result (a report, a JSON document) and nothing else. */
import { format } from "node:util";
import { loadedSecrets, redactor } from "../config/secret.ts";

/**
 * Keeps stdout for the command's result: anything that logs while it works (a library's
 * warning included) goes to stderr, scrubbed of every configured secret like any other way out.
 */
export async function withConsoleOnStderr<T>(fn: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, info: console.info, debug: console.debug, warn: console.warn, error: console.error };
  const redact = redactor(loadedSecrets());
  const toStderr = (...args: unknown[]) => void process.stderr.write(`${redact(format(...args))}\n`);
  console.log = console.info = console.debug = console.warn = console.error = toStderr;
  try {
    return await fn();
  } finally {
    Object.assign(console, saved);
  }
}
