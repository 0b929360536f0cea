/**
 * HTML built by one tagged template: every interpolated value is text and is escaped, unless it
 * is markup this module built (a `Markup`, from another `html` template). Report strings carry
 * record values, log lines, client ids and server messages written by others: none of them can
 * become markup on the page, whichever section prints it.
 */
export class Markup {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

type Value = Markup | string | number | boolean | null | undefined | readonly Value[];

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text for an element's content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Markup {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Markup(out);
}

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/** Markup joined with a separator (itself markup). */
export function join(parts: readonly Markup[], separator = ""): Markup {
  return new Markup(parts.map((p) => p.text).join(separator));
}

/** Markup the code owns as a constant (the stylesheet): never a value that came from a report. */
export function constant(text: string): Markup {
  return new Markup(text);
}
