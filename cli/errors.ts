/**
 * CLI-level input errors. Both map to exit code 2 (see exit-codes.ts) through their
 * `code`, like the library's BadInputError.
 */
import { KafkaOpsError } from "../errors.ts";

/** A command line the CLI cannot run: unknown command, unknown flag, bad flag value. */
export class UsageError extends KafkaOpsError {
  constructor(message: string) {
    super("BAD_INPUT", message);
  }
}

/** An input file that cannot be read. */
export class InputFileError extends KafkaOpsError {
  constructor(message: string, cause?: unknown) {
    super("NOT_FOUND", message, { cause });
  }
}
