/**
 * The one place for errors. Failures a caller is expected to handle are values (see
 * `Readout` in ports/); these classes are for input the user must fix and for bugs.
 */
export type ErrorCode = "BAD_INPUT" | "NOT_FOUND" | "INTERNAL";

export class KafkaOpsError extends Error {
  readonly code: ErrorCode;
  /** Whether trying the same thing again could succeed. */
  readonly retriable: boolean;
  constructor(code: ErrorCode, message: string, options: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** Input that breaks the contract: names the source and the JSON path. CLI exit code 2. */
export class BadInputError extends KafkaOpsError {
  readonly source: string;
  readonly path: string;
  constructor(source: string, path: string, expected: string) {
    super("BAD_INPUT", `${source}: ${path}: ${expected}`);
    this.source = source;
    this.path = path;
  }
}
