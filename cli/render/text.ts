/**
 * Printing untrusted text safely, and colour only where a human is looking.
 *
 * Strings in a report can quote the incident (record values, headers, log lines, group and
 * topic names): text whoever produced the data wrote. Before any of it reaches a terminal,
 * `safe()` makes every control character visible, so an ESC sequence, a carriage return or a
 * bidi override in a log line cannot recolour, clear, rewrite or reorder the report.
 */

import { formatNumber } from "../../contract/numbers.ts";

// C0 controls, DEL, C1 controls (0x9b is a one-byte CSI), line/paragraph separators, and the
// bidi marks, embeddings, overrides and isolates that can reorder what a reader sees.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeChar(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
}

/**
 * The text with every control and reordering character shown as an escape (`\x1b`, `\n`);
 * a number as people read it (contract/numbers.ts: rounded, never NaN or Infinity).
 */
export function safe(value: unknown): string {
  return (typeof value === "number" ? formatNumber(value) : String(value)).replace(UNSAFE, escapeChar);
}

/** One line of at most `max` characters, made safe; longer text ends with an ellipsis. */
export function oneLine(value: unknown, max = 200): string {
  const text = String(value).replace(/\s+/g, " ").trim();
  const cut = [...text].length > max ? `${[...text].slice(0, max - 1).join("")}…` : text;
  return safe(cut);
}

export interface Style {
  readonly enabled: boolean;
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  cyan(s: string): string;
}

const sgr = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const plain = (s: string) => s;

export function createStyle(enabled: boolean): Style {
  if (!enabled) return { enabled, bold: plain, dim: plain, red: plain, yellow: plain, green: plain, cyan: plain };
  return { enabled, bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39), green: sgr(32, 39), cyan: sgr(36, 39) };
}

/**
 * Whether to colour: FORCE_COLOR decides when set (`0`/`false` turn colour off, anything else
 * on), then a non-empty NO_COLOR turns it off (no-color.org), then only a TTY that is not
 * `TERM=dumb` gets colour.
 */
export function shouldColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === "0" || force.toLowerCase() === "false");
  if (env.NO_COLOR) return false;
  return stream.isTTY === true && env.TERM !== "dumb";
}
