/**
 * What an override applies to: a topic or group name matched by a glob (`orders.*`: `*` any
 * run of characters, `?` one, everything else literal, the whole name) or by a regular
 * expression written between slashes (`/^orders\./`, `/payments$/i`: JavaScript syntax,
 * unanchored like any regex).
 */
export interface Selector {
  /** As written in the config file: what the report and the listing show. */
  text: string;
  matches(name: string): boolean;
}

const REGEX = /^\/(.+)\/([a-z]*)$/s;
/** Flags that keep a match a pure question about the name (g and y make RegExp.test stateful). */
const FLAGS = /^[imsu]*$/;

/** Why a selector cannot be used, or null when it can. */
export function selectorProblem(text: string): string | null {
  if (text.trim() === "") return "expected a glob such as \"orders.*\" or a regex such as \"/^orders\\\\./\"";
  const regex = REGEX.exec(text);
  if (!regex) return null;
  if (!FLAGS.test(regex[2]!)) return `regex flags "${regex[2]}": only i, m, s and u are allowed`;
  try {
    new RegExp(regex[1]!, regex[2]);
    return null;
  } catch (error) {
    return `not a valid regular expression (${(error as Error).message})`;
  }
}

/** A selector from validated text (see selectorProblem). */
export function selector(text: string): Selector {
  const regex = REGEX.exec(text);
  const pattern = regex ? new RegExp(regex[1]!, regex[2]) : globToRegExp(text);
  return { text, matches: (name) => pattern.test(name) };
}

function globToRegExp(glob: string): RegExp {
  const body = [...glob].map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/-]/g, "\\$&"))).join("");
  return new RegExp(`^${body}$`, "s");
}
