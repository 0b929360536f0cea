/** JSON Schema compatibility: a structural check of the common cases (see compatibility.ts). */
import { errorText, NEW_READS_OLD, OLD_READS_NEW, type Checker } from "./checker.ts";

type JsonSchemaNode = boolean | Record<string, unknown>;
type JsonParsed = { root: JsonSchemaNode };

export const jsonChecker: Checker<JsonParsed> = {
  label: "JSON Schema",
  parse(text) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return { ok: false, error: `not JSON: ${errorText(error)}` };
    }
    if (typeof json === "boolean" || isObject(json)) return { ok: true, value: { root: json } };
    return { ok: false, error: "a JSON Schema must be an object or a boolean" };
  },
  compare(candidate, old, directions) {
    const out: string[] = [];
    for (const direction of directions) {
      const readerIsNew = direction === "backward";
      const reader = readerIsNew ? candidate.root : old.root;
      const writer = readerIsNew ? old.root : candidate.root;
      out.push(...jsonDiff(reader, writer, readerIsNew));
    }
    return [...new Set(out)];
  },
};

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function typesOf(node: Record<string, unknown>): Set<string> | undefined {
  const t = node["type"];
  if (typeof t === "string") return new Set([t]);
  if (Array.isArray(t)) return new Set(t.filter((x): x is string => typeof x === "string"));
  return undefined;
}

function describeTypes(types: Set<string> | undefined): string {
  if (!types) return "any";
  return types.size === 1 ? [...types][0]! : `[${[...types].join(", ")}]`;
}

/** Whether additional (undeclared) properties are refused; a schema-valued additionalProperties is returned as is. */
function additional(node: Record<string, unknown>): "open" | "closed" | Record<string, unknown> {
  const a = node["additionalProperties"];
  if (a === false) return "closed";
  if (isObject(a)) return a;
  return "open";
}

function resolveRef(root: JsonSchemaNode, node: JsonSchemaNode): JsonSchemaNode {
  let current = node;
  for (let depth = 0; depth < 20 && isObject(current) && typeof current["$ref"] === "string"; depth++) {
    const ref = current["$ref"];
    if (!ref.startsWith("#")) return current;
    let target: unknown = root;
    for (const part of ref.slice(1).split("/").filter((p) => p !== "")) {
      const key = decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~");
      target = isObject(target) ? target[key] : undefined;
    }
    if (typeof target !== "boolean" && !isObject(target)) return current;
    current = target;
  }
  return current;
}

function jsonDiff(readerRoot: JsonSchemaNode, writerRoot: JsonSchemaNode, readerIsNew: boolean): string[] {
  const out: string[] = [];
  const why = readerIsNew ? NEW_READS_OLD : OLD_READS_NEW;
  const at = (path: string): string => (path === "" ? "the top-level schema" : `property "${path}"`);

  // Recursive $refs are bounded by depth.
  const walk = (r0: JsonSchemaNode, w0: JsonSchemaNode, path: string, depth: number): void => {
    if (depth > 50) return;
    const r = resolveRef(readerRoot, r0);
    const w = resolveRef(writerRoot, w0);
    if (r === true || w === false) return; // reader accepts anything, or writer writes nothing
    if (r === false) {
      out.push(`${at(path)} is now forbidden (schema false): ${why}`);
      return;
    }
    if (w === true) return; // writer unconstrained ("true" schema): not analysed

    // type
    const rt = typesOf(r);
    const wt = typesOf(w);
    if (rt && wt) {
      const lost = [...wt].filter((t) => !rt.has(t) && !(t === "integer" && rt.has("number")));
      if (lost.length > 0) {
        const oldT = readerIsNew ? wt : rt;
        const newT = readerIsNew ? rt : wt;
        out.push(`${at(path)} type changed from ${describeTypes(oldT)} to ${describeTypes(newT)}: ${why}`);
        return;
      }
    } else if (rt && !wt && path !== "") {
      out.push(
        readerIsNew
          ? `${at(path)} type constrained to ${describeTypes(rt)} (was any): ${why}`
          : `${at(path)} type no longer constrained (was ${describeTypes(rt)}): ${why}`,
      );
    }

    // enum
    const re = Array.isArray(r["enum"]) ? (r["enum"] as unknown[]) : undefined;
    const we = Array.isArray(w["enum"]) ? (w["enum"] as unknown[]) : undefined;
    if (re) {
      const allowed = new Set(re.map((v) => JSON.stringify(v)));
      if (we) {
        for (const v of we) {
          if (allowed.has(JSON.stringify(v))) continue;
          out.push(
            readerIsNew
              ? `${at(path)}: enum value ${JSON.stringify(v)} removed: ${why}`
              : `${at(path)}: enum value ${JSON.stringify(v)} added: ${why}`,
          );
        }
      } else {
        out.push(readerIsNew ? `${at(path)}: enum constraint added: ${why}` : `${at(path)}: enum constraint removed: ${why}`);
      }
    }

    // object
    const rProps = isObject(r["properties"]) ? (r["properties"] as Record<string, JsonSchemaNode>) : {};
    const wProps = isObject(w["properties"]) ? (w["properties"] as Record<string, JsonSchemaNode>) : {};
    const rRequired = new Set(Array.isArray(r["required"]) ? (r["required"] as unknown[]).filter((x): x is string => typeof x === "string") : []);
    const wRequired = new Set(Array.isArray(w["required"]) ? (w["required"] as unknown[]).filter((x): x is string => typeof x === "string") : []);
    const child = (name: string): string => (path === "" ? name : `${path}.${name}`);
    for (const name of rRequired) {
      if (wRequired.has(name)) continue;
      out.push(
        readerIsNew
          ? `property "${child(name)}" is newly required: ${why}`
          : name in wProps
            ? `required property "${child(name)}" is no longer required: ${why}`
            : `required property "${child(name)}" was removed: ${why}`,
      );
    }
    const rAdditional = additional(r);
    const wAdditional = additional(w);
    for (const [name, wSchema] of Object.entries(wProps)) {
      const rSchema = rProps[name];
      if (rSchema !== undefined) {
        walk(rSchema, wSchema, child(name), depth + 1);
      } else if (rAdditional === "closed") {
        out.push(
          readerIsNew
            ? `property "${child(name)}" was removed and the new schema does not allow additional properties: ${why}`
            : `property "${child(name)}" was added but the old schema does not allow additional properties: ${why}`,
        );
      } else if (isObject(rAdditional)) {
        walk(rAdditional, wSchema, child(name), depth + 1);
      }
    }
    if (rAdditional === "closed" && wAdditional !== "closed" && (r["properties"] !== undefined || r["type"] === "object")) {
      out.push(
        readerIsNew
          ? `${at(path)}: additionalProperties closed (set to false): ${why}`
          : `${at(path)}: additionalProperties opened, but the old schema does not allow them: ${why}`,
      );
    }

    // array
    const rItems = r["items"];
    const wItems = w["items"];
    if ((typeof rItems === "boolean" || isObject(rItems)) && (typeof wItems === "boolean" || isObject(wItems))) {
      walk(rItems, wItems, `${path}[]`, depth + 1);
    }
  };

  walk(readerRoot, writerRoot, "", 0);
  return out;
}
