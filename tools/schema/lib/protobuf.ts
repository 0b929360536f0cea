/** Protobuf compatibility: a light check over a small parser of message blocks (see compatibility.ts). */
import { shortName, type Checker, type Parsed } from "./checker.ts";

type ProtoField = { name: string; number: number; type: string; label: "" | "optional" | "required" | "repeated" };
type ProtoMessage = { name: string; fields: Map<number, ProtoField>; reservedNumbers: Array<[number, number]>; reservedNames: Set<string> };
type ProtoParsed = { messages: Map<string, ProtoMessage> };

export const protoChecker: Checker<ProtoParsed> = {
  label: "Protobuf",
  parse: parseProto,
  compare(candidate, old) {
    // The light rules below are direction-free: they are applied once per pair of versions.
    return protoDiff(old, candidate);
  },
};

/** Groups of scalar types that share a wire encoding and so can replace each other. */
const PROTO_WIRE_GROUPS = [
  ["int32", "uint32", "int64", "uint64", "bool"],
  ["sint32", "sint64"],
  ["fixed32", "sfixed32"],
  ["fixed64", "sfixed64"],
  ["string", "bytes"],
];

function protoTypesCompatible(a: string, b: string): boolean {
  const shortA = shortName(a);
  const shortB = shortName(b);
  if (shortA === shortB) return true;
  return PROTO_WIRE_GROUPS.some((g) => g.includes(a) && g.includes(b));
}

function protoDiff(old: ProtoParsed, next: ProtoParsed): string[] {
  const out: string[] = [];
  for (const [name, oldMessage] of old.messages) {
    const newMessage = next.messages.get(name);
    if (!newMessage) {
      out.push(`message ${name} was removed: readers of either schema may not find the type they expect`);
      continue;
    }
    for (const [number, oldField] of oldMessage.fields) {
      const newField = newMessage.fields.get(number);
      if (!newField) {
        const reserved = newMessage.reservedNumbers.some(([from, to]) => number >= from && number <= to);
        if (!reserved) {
          out.push(
            `message ${name}: field "${oldField.name}" (number ${number}) was removed without reserving number ${number}: a later field may reuse it with another type`,
          );
        }
        if (oldField.label === "required") out.push(`message ${name}: required field "${oldField.name}" (number ${number}) was removed: readers of the old schema cannot read new data`);
        continue;
      }
      if (!protoTypesCompatible(oldField.type, newField.type)) {
        out.push(
          `message ${name}: field number ${number} type changed from ${oldField.type} to ${newField.type}` +
            `${oldField.name === newField.name ? ` (field "${newField.name}")` : ` (field "${oldField.name}" is now "${newField.name}")`}: the wire encodings differ`,
        );
      }
    }
    for (const [number, newField] of newMessage.fields) {
      if (!oldMessage.fields.has(number) && newField.label === "required") {
        out.push(`message ${name}: required field "${newField.name}" (number ${number}) was added: readers of the new schema cannot read old data`);
      }
    }
  }
  return out;
}

function parseProto(text: string): Parsed<ProtoParsed> {
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\/\/[^\n]*/g, " ");
  const tokens = withoutComments.match(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[A-Za-z_][A-Za-z0-9_.]*|\.[A-Za-z_][A-Za-z0-9_.]*|-?[0-9]+(?:\.[0-9]+)?|[{}();=<>,\[\]]/g) ?? [];
  const messages = new Map<string, ProtoMessage>();
  let i = 0;
  let pkg = "";
  const peek = (): string | undefined => tokens[i];
  const skipStatement = (): void => {
    // Skip to the end of the statement: a `;` at depth 0 or a balanced `{ ... }` block.
    let depth = 0;
    while (i < tokens.length) {
      const t = tokens[i++];
      if (t === "{") depth++;
      else if (t === "}") {
        depth--;
        if (depth <= 0) return;
      } else if (t === ";" && depth === 0) return;
    }
  };
  const parseMessage = (fullName: string): string | undefined => {
    // tokens[i] is "{"
    if (tokens[i] !== "{") return `expected "{" after message ${fullName}`;
    i++;
    const message: ProtoMessage = { name: fullName, fields: new Map(), reservedNumbers: [], reservedNames: new Set() };
    messages.set(fullName, message);
    const parseBody = (inOneof: boolean): string | undefined => {
      while (i < tokens.length) {
        const t = peek();
        if (t === "}") {
          i++;
          return undefined;
        }
        if (t === ";") {
          i++;
          continue;
        }
        if (t === "message" && !inOneof) {
          const name = tokens[i + 1];
          if (!name) return "message without a name";
          i += 2;
          const error = parseMessage(`${fullName}.${name}`);
          if (error) return error;
          continue;
        }
        if (t === "oneof") {
          i += 2;
          if (tokens[i] !== "{") return `expected "{" after oneof in ${fullName}`;
          i++;
          const error = parseBody(true);
          if (error) return error;
          continue;
        }
        if (t === "enum" || t === "option" || t === "extensions" || t === "extend" || t === "group") {
          skipStatement();
          continue;
        }
        if (t === "reserved") {
          i++;
          while (i < tokens.length && tokens[i] !== ";") {
            const tok = tokens[i]!;
            if (/^[0-9]+$/.test(tok)) {
              const from = Number(tok);
              let to = from;
              if (tokens[i + 1] === "to") {
                const end = tokens[i + 2];
                to = end === "max" ? Number.MAX_SAFE_INTEGER : Number(end);
                i += 2;
              }
              message.reservedNumbers.push([from, Number.isFinite(to) ? to : from]);
            } else if (/^["']/.test(tok)) {
              message.reservedNames.add(tok.slice(1, -1));
            }
            i++;
          }
          i++;
          continue;
        }
        // A field: [label] type name = number [options] ;
        let label: ProtoField["label"] = "";
        if (t === "optional" || t === "required" || t === "repeated") {
          label = t;
          i++;
        }
        let type = tokens[i];
        if (type === undefined) return `unexpected end inside message ${fullName}`;
        i++;
        if (type === "map" && tokens[i] === "<") {
          const k = tokens[i + 1];
          const v = tokens[i + 3];
          if (tokens[i + 2] !== "," || tokens[i + 4] !== ">") return `malformed map field in ${fullName}`;
          type = `map<${k},${v}>`;
          i += 5;
        }
        const name = tokens[i];
        const eq = tokens[i + 1];
        const num = tokens[i + 2];
        if (name === undefined || eq !== "=" || num === undefined || !/^[0-9]+$/.test(num)) {
          return `cannot parse field "${[label, type, name, eq, num].filter(Boolean).join(" ")}" in message ${fullName}`;
        }
        i += 3;
        message.fields.set(Number(num), { name, number: Number(num), type: type.replace(/^\./, ""), label });
        // options and the terminating ';'
        while (i < tokens.length && tokens[i] !== ";" && tokens[i] !== "}") i++;
        if (tokens[i] === ";") i++;
      }
      return `unbalanced braces: message ${fullName} is not closed`;
    };
    return parseBody(false);
  };

  while (i < tokens.length) {
    const t = peek();
    if (t === "message") {
      const name = tokens[i + 1];
      if (!name || !/^[A-Za-z_]/.test(name)) return { ok: false, error: "message without a name" };
      i += 2;
      const error = parseMessage(pkg ? `${pkg}.${name}` : name);
      if (error) return { ok: false, error };
    } else if (t === "package") {
      pkg = tokens[i + 1] ?? "";
      skipStatement();
    } else if (t === "syntax" || t === "import" || t === "option" || t === "enum" || t === "service" || t === "extend" || t === "edition") {
      skipStatement();
    } else if (t === ";") {
      i++;
    } else {
      return { ok: false, error: `unexpected "${t}" at top level` };
    }
  }
  if (messages.size === 0) return { ok: false, error: "no message definition found" };
  return { ok: true, value: { messages } };
}
