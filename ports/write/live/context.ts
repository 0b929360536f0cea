/**
 * What every live write port is built from: the validated settings (connection, TLS, SASL, the
 * deployment targets), the redactor, and the call policy (deadlines, retries) the read side uses.
 */
import type { Settings } from "../../../config/settings.ts";
import type { CallPolicy } from "../../live/call.ts";

export interface LiveWriteContext {
  settings: Settings;
  redact(text: string): string;
  policy: CallPolicy;
  log?(line: string): void;
}
