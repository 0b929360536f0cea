/**
 * What the tools have shown in this investigation: the entity names and numbers that appear
 * in tool results, outside the untrusted fields (record keys, values, headers, log messages).
 * A model's finding or action may only name entities found here: a name that only appears
 * inside a record value or a log line (where anyone can write it) does not count.
 */
const UNTRUSTED_KEYS = new Set(["value", "key", "headers", "message", "summary", "schema", "sample", "samples", "example", "messages"]);

export class EvidenceIndex {
  readonly #strings = new Set<string>();
  readonly #numbers = new Set<number>();
  /** Tools that answered with data. */
  readonly tools = new Set<string>();

  observe(tool: string, value: unknown): void {
    this.tools.add(tool);
    this.#walk(value, 0);
  }

  #walk(v: unknown, depth: number): void {
    if (depth > 12 || v === null || v === undefined) return;
    if (typeof v === "string") {
      if (v.length > 0 && v.length <= 249) this.#strings.add(v);
    } else if (typeof v === "number") {
      if (Number.isInteger(v)) this.#numbers.add(v);
    } else if (Array.isArray(v)) {
      for (const x of v) this.#walk(x, depth + 1);
    } else if (typeof v === "object") {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (UNTRUSTED_KEYS.has(k)) continue;
        // Record-keyed maps (offsets per partition, metrics per broker): the keys are entities too.
        if (/^\d+$/.test(k)) this.#numbers.add(Number(k));
        else if (depth > 0 && k.length <= 249) this.#strings.add(k);
        this.#walk(x, depth + 1);
      }
    }
  }

  has(entity: string | number): boolean {
    if (typeof entity === "number") return this.#numbers.has(entity) || this.#strings.has(String(entity));
    return this.#strings.has(entity) || (/^\d+$/.test(entity) && this.#numbers.has(Number(entity)));
  }
}
