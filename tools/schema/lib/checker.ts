/**
 * What a schema-type checker is: it parses schema text and lists, for a candidate against one
 * existing version, every problem that breaks compatibility in the asked directions.
 */

/** backward: the candidate reads old data; forward: old readers read the candidate's data. */
export type Direction = "backward" | "forward";

export const NEW_READS_OLD = "readers of the new schema cannot read old data";
export const OLD_READS_NEW = "readers of the old schema cannot read new data";

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * The schemas a schema references, already resolved (through the registry port, or from a
 * recording): reference name -> schema text. The name is what the referencing schema uses:
 * the import path for Protobuf (`"other.proto"`), the full name of the named type for Avro
 * (`"com.acme.Address"`), the `$ref` URI for JSON Schema (`"address.json"`). Nested references
 * are flattened into the same map.
 */
export type References = ReadonlyMap<string, string>;

export interface Checker<T> {
  label: string;
  parse(text: string, references?: References): Parsed<T>;
  /**
   * Parses a version the registry already holds, leniently as registries do (Avro: defaults are
   * not validated again; Protobuf: an import not at hand is tolerated). `parse` when absent.
   */
  parseRegistered?(text: string, references?: References): Parsed<T>;
  /** Problems of `candidate` against `old` for the given directions; empty when compatible. */
  compare(candidate: T, old: T, directions: Direction[]): string[];
}

export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

/** `com.acme.Order` -> `Order`: registries compare unqualified names. */
export function shortName(name: string | undefined): string {
  if (name === undefined) return "?";
  const i = name.lastIndexOf(".");
  return i < 0 ? name : name.slice(i + 1);
}
