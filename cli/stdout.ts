/** stdout carries a command's result (a report, a JSON document) and nothing else. */

/** Keeps stdout for the command's result: anything that logs while it works goes to stderr. */
export async function withConsoleOnStderr<T>(fn: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, info: console.info, debug: console.debug };
  console.log = console.info = console.debug = console.error;
  try {
    return await fn();
  } finally {
    Object.assign(console, saved);
  }
}
