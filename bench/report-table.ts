/** The side-by-side table and PASS/MISS verdicts every bench prints before its last JSON line. */

/** Columns padded to their widest cell: the first left-aligned, the figures right-aligned. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(headers), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
