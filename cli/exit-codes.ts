/**
 * The CLI's exit codes: the one place they are defined. `kafka-ops --help` prints this table.
 */
export const EXIT = {
  /** Investigation done; decision `none` or `remediate`. Also: --help, --version, schema. */
  ok: 0,
  /** The work could not be done: a live cluster unreachable, or a bug (stack trace with KAFKA_OPS_DEBUG=1). */
  internal: 1,
  /** Bad input: unknown command or flag, missing file, not JSON, contract violation. */
  badInput: 2,
  /** Investigation done; decision `escalate`: a human must act. */
  escalate: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `Exit codes:
  ${EXIT.ok}  decision none or remediate (and --help, --version, schema)
  ${EXIT.escalate}  decision escalate: a human must act
  ${EXIT.badInput}  bad input: unknown command or flag, missing file, not JSON, contract violation
  ${EXIT.internal}  could not be done: a live cluster unreachable (lag, record), or an internal error
     (a bug; set KAFKA_OPS_DEBUG=1 for the stack trace)`;

/** The exit code for a finished investigation. */
export function exitCodeForDecision(decision: "none" | "remediate" | "escalate"): ExitCode {
  return decision === "escalate" ? EXIT.escalate : EXIT.ok;
}
