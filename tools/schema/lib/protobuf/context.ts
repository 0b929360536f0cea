/**
 * The state of one Protobuf diff, after Confluent's protobuf-provider `diff/Context.java`: the
 * types each side defines (its own and its imports', by full name), the path being compared
 * (`#/Message/oneof/tag`, the form Confluent reports) and the differences found. Names are
 * resolved like protoc does and Context does: from the innermost enclosing scope outwards, so
 * `Status`, `M.Status` and `.pkg.M.Status` written inside `M` are the same type.
 */
import type { ProtoFile, ProtoMessage, ProtoTypeElement } from "./model.ts";
import type { DifferenceType } from "./differences.ts";

export type TypeInfo = {
  packageName: string;
  /** The file that defines it: the schema itself (path "") or an import. */
  file: ProtoFile;
  type: ProtoTypeElement;
};

/** What the messages need to say a difference in words (the values are original's and update's). */
export type DifferenceDetail = { subject: string; original?: string; update?: string };

export type Difference = { type: DifferenceType; path: string } & DifferenceDetail;

export type ProtoSchema = { main: ProtoFile; dependencies: ProtoFile[] };

type Side = { types: Map<string, TypeInfo>; packageName: string };

export class DiffContext {
  readonly differences: Difference[] = [];
  private readonly path: string[] = [];
  private readonly name: string[] = [];
  /** Messages being compared on the way down, so a recursive type is compared once. */
  private readonly inProgress = new Set<ProtoMessage>();
  private readonly sides: { original: Side; update: Side };

  constructor(original: Side, update: Side) {
    this.sides = { original, update };
  }

  static of(original: ProtoSchema, update: ProtoSchema): DiffContext {
    return new DiffContext(collect(original), collect(update));
  }

  /** A fresh context over the same types (Context.getSubcontext): its differences are its own. */
  subcontext(): DiffContext {
    const sub = new DiffContext({ ...this.sides.original }, { ...this.sides.update });
    for (const m of this.inProgress) sub.inProgress.add(m);
    sub.path.push(...this.path);
    sub.name.push(...this.name);
    return sub;
  }

  setPackageName(packageName: string, isOriginal: boolean): void {
    this.side(isOriginal).packageName = packageName;
  }

  /** Context.setFullName: path and naming scope both become the dotted name's parts. */
  setFullName(dotted: string): void {
    const parts = dotted.split(".");
    this.path.splice(0, this.path.length, ...parts);
    this.name.splice(0, this.name.length, ...parts);
  }

  packageName(isOriginal: boolean): string {
    return this.side(isOriginal).packageName;
  }

  /** Runs `body` with `segment` appended to the path. */
  inPath<T>(segment: string, body: () => T): T {
    this.path.push(segment);
    try {
      return body();
    } finally {
      this.path.pop();
    }
  }

  /** Runs `body` inside the named scope (a message or enum): it is both a path segment and a naming scope. */
  inName<T>(segment: string, body: () => T): T {
    this.name.push(segment);
    try {
      return this.inPath(segment, body);
    } finally {
      this.name.pop();
    }
  }

  /** Runs `body` unless `message` is already being compared further up (recursion). */
  inSchema(message: ProtoMessage, body: () => void): void {
    if (this.inProgress.has(message)) return;
    this.inProgress.add(message);
    try {
      body();
    } finally {
      this.inProgress.delete(message);
    }
  }

  add(type: DifferenceType, detail: DifferenceDetail): void {
    this.differences.push({ type, path: `#/${this.path.join("/")}`, ...detail });
  }

  /** The full name `name` (as written in the current scope) refers to, if that side defines it. */
  resolve(name: string, isOriginal: boolean): string | undefined {
    const { types, packageName } = this.side(isOriginal);
    if (types.size === 0) return undefined;
    if (name.startsWith(".")) return types.has(name.slice(1)) ? name.slice(1) : undefined;
    const prefix = [...(packageName === "" ? [] : packageName.split(".")), ...this.name];
    for (; prefix.length > 0; prefix.pop()) {
      const candidate = `${prefix.join(".")}.${name}`;
      if (types.has(candidate)) return candidate;
    }
    return types.has(name) ? name : undefined;
  }

  getType(name: string, isOriginal: boolean): TypeInfo | undefined {
    const full = this.resolve(name, isOriginal);
    return full === undefined ? undefined : this.side(isOriginal).types.get(full);
  }

  private side(isOriginal: boolean): Side {
    return isOriginal ? this.sides.original : this.sides.update;
  }
}

/** Context.collectTypeInfo: the imports' types, then the schema's own; the package left is the schema's. */
function collect(schema: ProtoSchema): Side {
  const types = new Map<string, TypeInfo>();
  for (const file of [...schema.dependencies, schema.main]) {
    const walk = (elements: ProtoTypeElement[], scope: string[]): void => {
      for (const type of elements) {
        const local = [...scope, type.name];
        types.set([...(file.packageName === "" ? [] : [file.packageName]), ...local].join("."), { packageName: file.packageName, file, type });
        if (type.kind === "message") walk(type.nested, local);
      }
    };
    walk(file.types, []);
  }
  return { types, packageName: schema.main.packageName };
}
