/**
 * node:util parseArgs with errors a person can act on: one line, as a UsageError (exit 2).
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./errors.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseCommandArgs<O extends Options>(command: string, args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    if (typeof code !== "string" || !code.startsWith("ERR_PARSE_ARGS")) throw error;
    throw new UsageError(`${describe(code, String(message))} (see kafka-ops ${command} --help)`);
  }
}

function describe(code: string, message: string): string {
  const option = /'(-[^' ]*)/.exec(message)?.[1];
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option) return `unknown option '${option}'`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && option) {
    if (message.includes("does not take an argument")) return `option '${option}' does not take a value`;
    return `option '${option}' needs a value`;
  }
  // Any other parse error: its first line, lower-cased like the CLI's own messages.
  const first = message.split("\n")[0] ?? message;
  return first.charAt(0).toLowerCase() + first.slice(1).replace(/\.$/, "");
}

/**
 * A duration flag (--interval, --deadline, --duration) in milliseconds, or a usage error that
 * names the flag. A bare number is seconds (`--interval 3` is 3 s), as in the config file.
 */
export async function parseDurationFlag(flag: string, value: string): Promise<number> {
  const { durationMs, DURATION_HINT } = await import("../config/settings.ts");
  const ms = durationMs(value);
  if (ms === undefined) throw new UsageError(`--${flag}: ${DURATION_HINT}, got ${JSON.stringify(value)}`);
  return ms;
}

/** A whole-number flag within bounds, or a usage error that names the flag. */
export function parseCountFlag(flag: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${flag}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}
