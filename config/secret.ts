/**
 * A secret (SASL password, OAuth token, registry password) that cannot leak by accident:
 * it prints, serializes and inspects as "[redacted]"; only `reveal()` gives the value, and
 * only the code that opens a connection calls it.
 */
const REDACTED = "[redacted]";

export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return REDACTED;
  }
}

/**
 * Removes every known secret value from a text (an error message from a client library, a
 * log line) before it reaches a report, a log or a prompt.
 */
export function redactor(secrets: readonly Secret[]): (text: string) => string {
  const values = secrets.map((s) => s.reveal()).filter((v) => v.length >= 4);
  return (text) => values.reduce((out, v) => out.split(v).join(REDACTED), text);
}
