/**
 * Avro cases of the project's own corpus: the classes issue 8 lists (the empty union, a stored
 * version whose union default does not match its first branch, named types through references)
 * and the usual ones (promotions, defaults, aliases, enums, unions, fixed, nesting), each accepted
 * and refused at least once, with the verdict of Avro's resolution rules as
 * docs/schema-compatibility.md states them. Paths are field paths (`customer.email`, `lines[]`,
 * `tags{}`; "" for the top-level schema) at the start of the message.
 */
import type { ReferenceCase } from "../reference-cases.ts";
import { corpus } from "./build.ts";

const { accepts, refuses } = corpus("AVRO", "own/avro");

export const AVRO_CLASSES = [
  "empty-union", "stored-union-default", "references", "promotion", "default", "field-alias",
  "record-alias", "enum", "union", "fixed", "nested", "top-level", "forward", "transitive",
] as const;

type Field = { name: string; type: unknown; default?: unknown; aliases?: string[] };
const invoice = (fields: Field[], extra: Record<string, unknown> = {}) => ({ type: "record", name: "Invoice", namespace: "com.example.billing", fields, ...extra });
const number: Field = { name: "number", type: "string" };
const total = (type: unknown): Field => ({ name: "total", type });
const tier = (symbols: string[], extra: Record<string, unknown> = {}) => ({ type: "enum", name: "Tier", symbols, ...extra });
const customer = (emailType: string) => ({ type: "record", name: "Customer", namespace: "com.example.crm", fields: [{ name: "id", type: "long" }, { name: "email", type: emailType }] });
const withCustomer = invoice([number, { name: "customer", type: "com.example.crm.Customer" }]);
// Stored by a registry that did not validate defaults: "n/a" is not a null, the union's first branch.
const storedBadDefault = invoice([number, total("long"), { name: "memo", type: ["null", "string"], default: "n/a" }]);

export const AVRO_CASES: ReferenceCase[] = [
  // --- the empty union
  accepts("empty-union", "[] -> [], FULL", [], [], { level: "FULL" }),
  accepts("empty-union", "a string reader of the empty union: there is no datum to read", [], "string"),
  refuses("empty-union", "the empty union as the reader of strings", "string", [], [""]),

  // --- a registered version with a union default that does not match its first branch
  accepts("stored-union-default", "still checked: a field with a default added, FULL", storedBadDefault, invoice([number, total("long"), { name: "memo", type: ["null", "string"], default: null }, { name: "due", type: "int", default: 30 }]), { level: "FULL" }),
  refuses("stored-union-default", "still checked: total narrowed long -> int", storedBadDefault, invoice([number, total("int"), { name: "memo", type: ["null", "string"], default: null }]), ["total"]),

  // --- named types from another subject
  accepts("references", "the referenced Customer unchanged, a field with a default added", withCustomer, invoice([number, { name: "customer", type: "com.example.crm.Customer" }, { name: "note", type: "string", default: "" }]), {
    candidateReferences: { "com.example.crm.Customer": customer("string") },
    oldReferences: { "com.example.crm.Customer": customer("string") },
  }),
  refuses("references", "a field of the referenced Customer changed type", withCustomer, withCustomer, ["customer.email"], {
    candidateReferences: { "com.example.crm.Customer": customer("int") },
    oldReferences: { "com.example.crm.Customer": customer("string") },
  }),

  // --- promotions: int -> long/float/double, long -> float/double, float -> double, string <-> bytes
  accepts("promotion", "int -> long", invoice([number, total("int")]), invoice([number, total("long")])),
  accepts("promotion", "long -> double", invoice([number, total("long")]), invoice([number, total("double")])),
  accepts("promotion", "float -> double", invoice([number, total("float")]), invoice([number, total("double")])),
  accepts("promotion", "string -> bytes, FULL (both ways)", invoice([number, total("string")]), invoice([number, total("bytes")]), { level: "FULL" }),
  refuses("promotion", "long -> int", invoice([number, total("long")]), invoice([number, total("int")]), ["total"]),
  refuses("promotion", "double -> float", invoice([number, total("double")]), invoice([number, total("float")]), ["total"]),
  refuses("promotion", "int -> string", invoice([number, total("int")]), invoice([number, total("string")]), ["total"]),
  refuses("promotion", "int -> long under FULL: old readers cannot read longs", invoice([number, total("int")]), invoice([number, total("long")]), ["total"], { level: "FULL" }),

  // --- defaults
  accepts("default", "a field added with a default", invoice([number]), invoice([number, { name: "currency", type: "string", default: "EUR" }])),
  accepts("default", "a nullable field added with a null default", invoice([number]), invoice([number, { name: "po", type: ["null", "string"], default: null }])),
  refuses("default", "a field added without a default", invoice([number]), invoice([number, { name: "currency", type: "string" }]), ["currency"]),
  accepts("default", "a field removed (the new reader ignores it)", invoice([number, { name: "currency", type: "string" }]), invoice([number])),

  // --- aliases
  accepts("field-alias", "a field renamed, the old name kept as an alias", invoice([number, total("long")]), invoice([number, { name: "amount", type: "long", aliases: ["total"] }])),
  refuses("field-alias", "a field renamed without an alias: the new name has no default", invoice([number, total("long")]), invoice([number, { name: "amount", type: "long" }]), ["amount"]),
  accepts("record-alias", "a record renamed, the old full name kept as an alias", invoice([number]), { type: "record", name: "Bill", namespace: "com.example.billing", aliases: ["com.example.billing.Invoice"], fields: [number] }),
  refuses("record-alias", "a record renamed without an alias", invoice([number]), { type: "record", name: "Bill", namespace: "com.example.billing", fields: [number] }, [""]),
  accepts("record-alias", "only the namespace changed (names match unqualified)", invoice([number]), { ...invoice([number]), namespace: "com.example.finance" }, { level: "FULL" }),

  // --- enums
  accepts("enum", "a symbol added (BACKWARD)", invoice([number, { name: "tier", type: tier(["BASIC", "PRO"]) }]), invoice([number, { name: "tier", type: tier(["BASIC", "PRO", "ENTERPRISE"]) }])),
  refuses("enum", "a symbol removed", invoice([number, { name: "tier", type: tier(["BASIC", "PRO", "ENTERPRISE"]) }]), invoice([number, { name: "tier", type: tier(["BASIC", "PRO"]) }]), ["tier"]),
  accepts("enum", "a symbol removed, the reader's enum default takes unknown symbols", invoice([number, { name: "tier", type: tier(["BASIC", "PRO", "ENTERPRISE"]) }]), invoice([number, { name: "tier", type: tier(["BASIC", "PRO"], { default: "BASIC" }) }])),
  refuses("enum", "FORWARD: a symbol added that old readers lack", invoice([number, { name: "tier", type: tier(["BASIC", "PRO"]) }]), invoice([number, { name: "tier", type: tier(["BASIC", "PRO", "ENTERPRISE"]) }]), ["tier"], { level: "FORWARD" }),

  // --- unions
  accepts("union", "a branch added to the reader's union", invoice([number, { name: "ref", type: ["null", "string"], default: null }]), invoice([number, { name: "ref", type: ["null", "string", "long"], default: null }])),
  accepts("union", "a plain field made nullable", invoice([number, { name: "ref", type: "string" }]), invoice([number, { name: "ref", type: ["null", "string"], default: null }])),
  refuses("union", "null dropped from the union", invoice([number, { name: "ref", type: ["null", "string"], default: null }]), invoice([number, { name: "ref", type: "string" }]), ["ref"]),
  refuses("union", "a writer branch no reader branch takes", invoice([number, { name: "ref", type: ["string", "boolean"] }]), invoice([number, { name: "ref", type: ["string", "int"] }]), ["ref"]),

  // --- fixed, nested types, the top level
  refuses("fixed", "a fixed size changed", invoice([number, { name: "digest", type: { type: "fixed", name: "Sha", size: 20 } }]), invoice([number, { name: "digest", type: { type: "fixed", name: "Sha", size: 32 } }]), ["digest"]),
  accepts("fixed", "a fixed given a doc", invoice([number, { name: "digest", type: { type: "fixed", name: "Sha", size: 20 } }]), invoice([number, { name: "digest", type: { type: "fixed", name: "Sha", size: 20, doc: "SHA-1" } }]), { level: "FULL" }),
  refuses("nested", "an array item's field narrowed, and a map value changed", invoice([number, { name: "lines", type: { type: "array", items: { type: "record", name: "Line", fields: [{ name: "qty", type: "long" }] } } }, { name: "tags", type: { type: "map", values: "string" } }]), invoice([number, { name: "lines", type: { type: "array", items: { type: "record", name: "Line", fields: [{ name: "qty", type: "int" }] } } }, { name: "tags", type: { type: "map", values: "int" } }]), ["lines[].qty", "tags{}"]),
  accepts("nested", "an array of int read as an array of long", invoice([number, { name: "slots", type: { type: "array", items: "int" } }]), invoice([number, { name: "slots", type: { type: "array", items: "long" } }])),
  refuses("top-level", "a record replaced by a string", invoice([number]), "string", [""]),
  accepts("top-level", "a top-level int read as double", "int", "double"),

  // --- direction and history
  refuses("forward", "FORWARD: a field removed that old readers need (no default)", invoice([number, { name: "currency", type: "string" }]), invoice([number]), ["currency"], { level: "FORWARD" }),
  accepts("forward", "FORWARD: a field removed that old readers default", invoice([number, { name: "currency", type: "string", default: "EUR" }]), invoice([number]), { level: "FORWARD" }),
  refuses("transitive", "BACKWARD_TRANSITIVE: version 1 had total as a string", invoice([number, total("long")]), invoice([number, total("long"), { name: "note", type: "string", default: "" }]), ["total"], { level: "BACKWARD_TRANSITIVE", before: [invoice([number, total("string")])] }),
  accepts("transitive", "FULL_TRANSITIVE: defaults everywhere", invoice([number, { name: "note", type: "string", default: "" }]), invoice([number, { name: "note", type: "string", default: "" }, { name: "due", type: "int", default: 30 }]), { level: "FULL_TRANSITIVE", before: [invoice([number])] }),
];
