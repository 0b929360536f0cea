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
