/**
 * Numeric literals in TypeScript source, outside comments, string text and named module
 * constants: what a rule must not hide a threshold in. A small scanner, not a parser: enough for
 * the rule files, which hold no regex literals with digits.
 */
export interface Literal {
  line: number;
  text: string;
}

/** Numbers a rule may write: no-ops, a percentage, milliseconds per second. */
export const STRUCTURAL = new Set(["0", "1", "100", "1000"]);

export function numericLiterals(source: string): Literal[] {
  const code = blankNamedConstants(blankNonCode(source));
  const out: Literal[] = [];
  const lines = code.split("\n");
  lines.forEach((text, i) => {
    for (const m of text.matchAll(/(?<![\w$.])\d[\d_]*(\.\d+)?(e[+-]?\d+)?(?![\w$])/gi)) {
      if (!STRUCTURAL.has(m[0])) out.push({ line: i + 1, text: m[0] });
    }
  });
  return out;
}

/** Comments and the text of string and template literals become spaces (newlines kept). */
function blankNonCode(src: string): string {
  let out = "";
  let i = 0;
  const templates: number[] = []; // brace depth at which each open template's `${` began
  let depth = 0;
  const blank = (s: string) => s.replace(/[^\n]/g, " ");
  const inTemplate = () => templates.length > 0 && templates.at(-1) === -1;
  while (i < src.length) {
    const c = src[i]!;
    const next = src[i + 1];
    if (inTemplate()) {
      if (c === "\\") { out += "  "; i += 2; continue; }
      if (c === "`") { templates.pop(); out += c; i++; continue; }
      if (c === "$" && next === "{") { templates[templates.length - 1] = depth; depth++; out += "${"; i += 2; continue; }
      out += c === "\n" ? "\n" : " ";
      i++;
      continue;
    }
    if (c === "/" && next === "/") {
      const end = src.indexOf("\n", i);
      const stop = end < 0 ? src.length : end;
      out += blank(src.slice(i, stop));
      i = stop;
      continue;
    }
    if (c === "/" && next === "*") {
      const end = src.indexOf("*/", i + 2);
      const stop = end < 0 ? src.length : end + 2;
      out += blank(src.slice(i, stop));
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === "\\" ? 2 : 1;
      out += c + blank(src.slice(i + 1, j)) + c;
      i = j + 1;
      continue;
    }
    if (c === "`") { templates.push(-1); out += c; i++; continue; }
    if (c === "{") depth++;
    if (c === "}") {
      depth--;
      if (templates.length && templates.at(-1) === depth) { templates[templates.length - 1] = -1; out += c; i++; continue; }
    }
    out += c;
    i++;
  }
  return out;
}

/** `const NAME = ...;` at the top level, on one line: a named constant, documented where it is. */
function blankNamedConstants(code: string): string {
  return code.replace(/^(export )?const [A-Z][A-Z0-9_]* = [^\n]*;$/gm, (m) => m.replace(/[^\n]/g, " "));
}
