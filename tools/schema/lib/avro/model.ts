/**
 * An Avro schema as Avro Java's `Schema` holds it, for the compatibility check: named types are
 * shared objects (so recursion is a cycle and a pair is recognised by identity), logical types are
 * their underlying type, and a field knows only whether it has a default, not its value (which is
 * what `SchemaCompatibility` asks). Built from the JSON with Avro's naming rules (namespaces
 * inherited, aliases qualified); it validates nothing else, which is what lets a registered version
 * be read leniently (see avro.ts for the strict parse of a candidate).
 */
export type AvroPrimitive = "null" | "boolean" | "int" | "long" | "float" | "double" | "bytes" | "string";

export type AvroNode =
  | { type: AvroPrimitive }
  | { type: "record"; name: string; aliases: string[]; fields: AvroField[] }
  | { type: "enum"; name: string; aliases: string[]; symbols: string[]; default: string | undefined }
  | { type: "fixed"; name: string; aliases: string[]; size: number }
  | { type: "array"; items: AvroNode }
  | { type: "map"; values: AvroNode }
  | { type: "union"; types: AvroNode[] };

export type AvroField = { name: string; aliases: string[]; type: AvroNode; hasDefault: boolean };

export type AvroNamed = Extract<AvroNode, { name: string }>;

const PRIMITIVES = new Set<string>(["null", "boolean", "int", "long", "float", "double", "bytes", "string"]);

/** Full name -> named type, shared by a schema and the references parsed before it. */
export type AvroNames = Map<string, AvroNamed>;

/** Builds the node for `json`, defining its named types in `names`; throws with what is wrong. */
export function toNode(json: unknown, names: AvroNames, namespace = ""): AvroNode {
  if (typeof json === "string") return PRIMITIVES.has(json) ? { type: json as AvroPrimitive } : lookup(json, names, namespace);
  if (Array.isArray(json)) return { type: "union", types: json.map((branch) => toNode(branch, names, namespace)) };
  if (json === null || typeof json !== "object") throw new Error(`not a schema: ${JSON.stringify(json)}`);
  const schema = json as Record<string, unknown>;
  const type = schema["type"];
  if (typeof type !== "string") {
    if (type === undefined) throw new Error(`no "type" in ${JSON.stringify(json).slice(0, 80)}`);
    return toNode(type, names, namespace);
  }
  switch (type) {
    case "record":
    case "error":
      return defineRecord(schema, names, namespace);
    case "enum": {
      const { name, space } = fullName(schema, namespace);
      const symbols = schema["symbols"];
      if (!Array.isArray(symbols) || !symbols.every((s) => typeof s === "string")) throw new Error(`enum ${name}: "symbols" is not a list of names`);
      const enumDefault = typeof schema["default"] === "string" ? schema["default"] : undefined;
      return define(names, { type: "enum", name, aliases: aliasesOf(schema, space), symbols, default: enumDefault });
    }
    case "fixed": {
      const { name, space } = fullName(schema, namespace);
      const size = schema["size"];
      if (typeof size !== "number") throw new Error(`fixed ${name}: "size" is not a number`);
      return define(names, { type: "fixed", name, aliases: aliasesOf(schema, space), size });
    }
    case "array":
      return { type: "array", items: toNode(required(schema, "items"), names, namespace) };
    case "map":
      return { type: "map", values: toNode(required(schema, "values"), names, namespace) };
    default:
      return PRIMITIVES.has(type) ? { type: type as AvroPrimitive } : lookup(type, names, namespace);
  }
}

function defineRecord(schema: Record<string, unknown>, names: AvroNames, namespace: string): AvroNode {
  const { name, space } = fullName(schema, namespace);
  const fields = schema["fields"];
  if (!Array.isArray(fields)) throw new Error(`record ${name}: "fields" is not a list`);
  // Defined before its fields are read, so that a field can refer to the record itself.
  const record: AvroNamed & { type: "record" } = { type: "record", name, aliases: aliasesOf(schema, space), fields: [] };
  define(names, record);
  for (const field of fields as unknown[]) {
    if (field === null || typeof field !== "object") throw new Error(`record ${name}: a field is not an object`);
    const f = field as Record<string, unknown>;
    if (typeof f["name"] !== "string") throw new Error(`record ${name}: a field has no name`);
    const aliases = Array.isArray(f["aliases"]) ? f["aliases"].filter((a): a is string => typeof a === "string") : [];
    record.fields.push({ name: f["name"], aliases, type: toNode(required(f, "type"), names, space), hasDefault: "default" in f });
  }
  return record;
}

function required(schema: Record<string, unknown>, key: string): unknown {
  if (!(key in schema)) throw new Error(`"${key}" missing in ${JSON.stringify(schema).slice(0, 80)}`);
  return schema[key];
}

function fullName(schema: Record<string, unknown>, namespace: string): { name: string; space: string } {
  const name = schema["name"];
  if (typeof name !== "string" || name === "") throw new Error(`a ${String(schema["type"])} without a name`);
  if (name.includes(".")) return { name, space: name.slice(0, name.lastIndexOf(".")) };
  const space = typeof schema["namespace"] === "string" ? schema["namespace"] : namespace;
  return { name: space === "" ? name : `${space}.${name}`, space };
}

function aliasesOf(schema: Record<string, unknown>, space: string): string[] {
  const aliases = Array.isArray(schema["aliases"]) ? schema["aliases"].filter((a): a is string => typeof a === "string") : [];
  return aliases.map((a) => (a.includes(".") || space === "" ? a : `${space}.${a}`));
}

function define<T extends AvroNamed>(names: AvroNames, node: T): T {
  if (names.has(node.name)) throw new Error(`can't redefine: ${node.name}`);
  names.set(node.name, node);
  return node;
}

function lookup(name: string, names: AvroNames, namespace: string): AvroNode {
  const found = (!name.includes(".") && namespace !== "" ? names.get(`${namespace}.${name}`) : undefined) ?? names.get(name);
  if (!found) throw new Error(`undefined name: ${name}`);
  return found;
}

/** `com.acme.Order` -> `Order`. */
export function unqualified(name: string): string {
  return name.slice(name.lastIndexOf(".") + 1);
}
