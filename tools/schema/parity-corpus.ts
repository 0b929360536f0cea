/**
 * The live parity corpus (tools/schema/parity.int.test.ts): schema histories and candidates of
 * all three types, each with the verdict Confluent Schema Registry gives it (`confluent`), read
 * from its rules: Avro Java's `SchemaCompatibility`, the json-schema-provider diff (strict
 * policy: `SchemaDiff.COMPATIBLE_CHANGES_STRICT`) and the protobuf-provider diff
 * (`SchemaDiff.COMPATIBLE_CHANGES`). The rule a case exercises is in its `rule`.
 *
 * A history is registered under NONE (so that a breaking version can be part of it, as in real
 * incidents), then the case's level is set and the candidate registered. References name
 * another subject of the same case by key; its versions are registered first.
 */
import type { CompatibilityLevel, SchemaType } from "../../contract/vocabulary.ts";

export interface CorpusRef {
  /** What the schema itself uses: import path, Avro full name, `$ref` URI. */
  name: string;
  /** Key of a subject in the case's `referenced`. */
  key: string;
  version: number;
}

export type CorpusSchema = string | { schema: string; refs: CorpusRef[] };

export interface ParityCase {
  id: string;
  type: SchemaType;
  level: CompatibilityLevel;
  /** Oldest first. */
  history: CorpusSchema[];
  candidate: CorpusSchema;
  /** Subjects the schemas reference: key -> versions, oldest first (same type as the case). */
  referenced?: Record<string, CorpusSchema[]>;
  /** Confluent Schema Registry's verdict. */
  confluent: boolean;
  /** The rule that decides it (Avro SchemaCompatibility type, or the diff's Difference.Type). */
  rule: string;
}

// --- Avro -----------------------------------------------------------------------------------

type AvroField = { name: string; type: unknown; default?: unknown; aliases?: string[] };
const avro = (fields: AvroField[], name = "Order"): string => JSON.stringify({ type: "record", name, namespace: "com.acme", fields });
const id: AvroField = { name: "id", type: "string" };
const ADDRESS = (cityType: string) => JSON.stringify({ type: "record", name: "Address", namespace: "com.acme", fields: [{ name: "city", type: cityType }] });
const addressRef: CorpusRef[] = [{ name: "com.acme.Address", key: "address", version: 1 }];
const addressRef2: CorpusRef[] = [{ name: "com.acme.Address", key: "address", version: 2 }];
const shipTo: AvroField = { name: "ship_to", type: "com.acme.Address" };
const status = (symbols: string[]) => ({ type: "enum", name: "Status", symbols });

const AVRO: ParityCase[] = ([
  { id: "avro-add-field-with-default", level: "BACKWARD", history: [avro([id])], candidate: avro([id, { name: "currency", type: "string", default: "EUR" }]), confluent: true, rule: "reader field with default" },
  { id: "avro-add-field-no-default", level: "BACKWARD", history: [avro([id])], candidate: avro([id, { name: "currency", type: "string" }]), confluent: false, rule: "READER_FIELD_MISSING_DEFAULT_VALUE" },
  { id: "avro-add-field-no-default-forward", level: "FORWARD", history: [avro([id])], candidate: avro([id, { name: "currency", type: "string" }]), confluent: true, rule: "writer field ignored by the old reader" },
  { id: "avro-remove-field-no-default-forward", level: "FORWARD", history: [avro([id, { name: "currency", type: "string" }])], candidate: avro([id]), confluent: false, rule: "READER_FIELD_MISSING_DEFAULT_VALUE (old reader)" },
  { id: "avro-remove-field-no-default-backward", level: "BACKWARD", history: [avro([id, { name: "currency", type: "string" }])], candidate: avro([id]), confluent: true, rule: "writer field ignored by the new reader" },
  { id: "avro-remove-field-with-default-full", level: "FULL", history: [avro([id, { name: "currency", type: "string", default: "EUR" }])], candidate: avro([id]), confluent: true, rule: "old reader's default" },
  { id: "avro-int-to-long-backward", level: "BACKWARD", history: [avro([id, { name: "qty", type: "int" }])], candidate: avro([id, { name: "qty", type: "long" }]), confluent: true, rule: "int promotes to long" },
  { id: "avro-int-to-long-forward", level: "FORWARD", history: [avro([id, { name: "qty", type: "int" }])], candidate: avro([id, { name: "qty", type: "long" }]), confluent: false, rule: "TYPE_MISMATCH (long read as int)" },
  { id: "avro-long-to-int-backward", level: "BACKWARD", history: [avro([id, { name: "qty", type: "long" }])], candidate: avro([id, { name: "qty", type: "int" }]), confluent: false, rule: "TYPE_MISMATCH" },
  { id: "avro-double-to-string", level: "BACKWARD", history: [avro([id, { name: "amount", type: "double" }])], candidate: avro([id, { name: "amount", type: "string" }]), confluent: false, rule: "TYPE_MISMATCH" },
  { id: "avro-string-to-bytes-full", level: "FULL", history: [avro([id, { name: "note", type: "string" }])], candidate: avro([id, { name: "note", type: "bytes" }]), confluent: true, rule: "string and bytes promote both ways" },
  { id: "avro-enum-symbol-added", level: "BACKWARD", history: [avro([id, { name: "status", type: status(["NEW", "PAID"]) }])], candidate: avro([id, { name: "status", type: status(["NEW", "PAID", "SHIPPED"]) }]), confluent: true, rule: "reader enum has the writer's symbols" },
  { id: "avro-enum-symbol-removed", level: "BACKWARD", history: [avro([id, { name: "status", type: status(["NEW", "PAID", "SHIPPED"]) }])], candidate: avro([id, { name: "status", type: status(["NEW", "PAID"]) }]), confluent: false, rule: "MISSING_ENUM_SYMBOLS" },
  { id: "avro-enum-symbol-removed-forward", level: "FORWARD", history: [avro([id, { name: "status", type: status(["NEW", "PAID", "SHIPPED"]) }])], candidate: avro([id, { name: "status", type: status(["NEW", "PAID"]) }]), confluent: true, rule: "old reader has every new symbol" },
  { id: "avro-union-widened-forward", level: "FORWARD", history: [avro([id, { name: "ref", type: ["null", "string"], default: null }])], candidate: avro([id, { name: "ref", type: ["null", "string", "long"], default: null }]), confluent: false, rule: "MISSING_UNION_BRANCH (old reader lacks long)" },
  { id: "avro-made-nullable-backward", level: "BACKWARD", history: [avro([id, { name: "ref", type: "string" }])], candidate: avro([id, { name: "ref", type: ["null", "string"], default: null }]), confluent: true, rule: "reader union holds the writer type" },
  { id: "avro-made-nullable-forward", level: "FORWARD", history: [avro([id, { name: "ref", type: "string" }])], candidate: avro([id, { name: "ref", type: ["null", "string"], default: null }]), confluent: false, rule: "MISSING_UNION_BRANCH (null read as string)" },
  { id: "avro-field-renamed-with-alias", level: "BACKWARD", history: [avro([id, { name: "amount", type: "double" }])], candidate: avro([id, { name: "total", type: "double", aliases: ["amount"] }]), confluent: true, rule: "reader field alias" },
  { id: "avro-record-renamed", level: "BACKWARD", history: [avro([id])], candidate: avro([id], "Purchase"), confluent: false, rule: "NAME_MISMATCH" },
  { id: "avro-transitive-backward-old-break", level: "BACKWARD_TRANSITIVE", history: [avro([id, { name: "amount", type: "double" }]), avro([id, { name: "amount", type: "string" }])], candidate: avro([id, { name: "amount", type: "string" }, { name: "note", type: "string", default: "" }]), confluent: false, rule: "TYPE_MISMATCH against version 1 only" },
  { id: "avro-nontransitive-old-break-ignored", level: "BACKWARD", history: [avro([id, { name: "amount", type: "double" }]), avro([id, { name: "amount", type: "string" }])], candidate: avro([id, { name: "amount", type: "string" }, { name: "note", type: "string", default: "" }]), confluent: true, rule: "only the latest version is checked" },
  { id: "avro-transitive-forward-old-break", level: "FORWARD_TRANSITIVE", history: [avro([id, { name: "currency", type: "string" }]), avro([id])], candidate: avro([id, { name: "note", type: "string", default: "" }]), confluent: false, rule: "READER_FIELD_MISSING_DEFAULT_VALUE for version 1's reader" },
  { id: "avro-transitive-full-compatible", level: "FULL_TRANSITIVE", history: [avro([id]), avro([id, { name: "currency", type: "string", default: "EUR" }])], candidate: avro([id, { name: "currency", type: "string", default: "EUR" }, { name: "note", type: "string", default: "" }]), confluent: true, rule: "defaults everywhere" },
  { id: "avro-reference-compatible", level: "BACKWARD", referenced: { address: [ADDRESS("string")] }, history: [{ schema: avro([id, shipTo]), refs: addressRef }], candidate: { schema: avro([id, shipTo, { name: "note", type: "string", default: "" }]), refs: addressRef }, confluent: true, rule: "reader field with default; named type from a reference" },
  { id: "avro-reference-changed-type", level: "BACKWARD", referenced: { address: [ADDRESS("string"), ADDRESS("int")] }, history: [{ schema: avro([id, shipTo]), refs: addressRef }], candidate: { schema: avro([id, shipTo]), refs: addressRef2 }, confluent: false, rule: "TYPE_MISMATCH inside the referenced Address" },
] satisfies Omit<ParityCase, "type">[]).map((c): ParityCase => ({ ...c, type: "AVRO" }));

// --- JSON Schema ----------------------------------------------------------------------------

const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}): string => JSON.stringify({ type: "object", properties, ...extra });
const closed = { additionalProperties: false };
const str = { type: "string" };
const num = { type: "number" };
const addressJson = (city: unknown) => JSON.stringify({ type: "object", properties: { city } });
const jsonRef: CorpusRef[] = [{ name: "address.json", key: "address", version: 1 }];
const jsonRef2: CorpusRef[] = [{ name: "address.json", key: "address", version: 2 }];

const JSON_CASES: ParityCase[] = ([
  { id: "json-property-removed-open", level: "BACKWARD", history: [obj({ id: str, note: str })], candidate: obj({ id: str }), confluent: true, rule: "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL" },
  { id: "json-property-added-open", level: "BACKWARD", history: [obj({ id: str })], candidate: obj({ id: str, note: str }), confluent: false, rule: "PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL" },
  { id: "json-optional-added-closed", level: "BACKWARD", history: [obj({ id: str }, closed)], candidate: obj({ id: str, note: str }, closed), confluent: true, rule: "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL" },
  { id: "json-property-removed-closed", level: "BACKWARD", history: [obj({ id: str, note: str }, closed)], candidate: obj({ id: str }, closed), confluent: false, rule: "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL" },
  { id: "json-type-changed", level: "BACKWARD", history: [obj({ id: str, amount: num })], candidate: obj({ id: str, amount: str }), confluent: false, rule: "TYPE_CHANGED" },
  { id: "json-type-extended", level: "BACKWARD", history: [obj({ id: str, note: str })], candidate: obj({ id: str, note: { type: ["string", "null"] } }), confluent: true, rule: "TYPE_EXTENDED" },
  { id: "json-type-narrowed", level: "BACKWARD", history: [obj({ id: str, note: { type: ["string", "null"] } })], candidate: obj({ id: str, note: str }), confluent: false, rule: "TYPE_NARROWED" },
  { id: "json-max-length-increased", level: "BACKWARD", history: [obj({ id: { type: "string", maxLength: 10 } })], candidate: obj({ id: { type: "string", maxLength: 20 } }), confluent: true, rule: "MAX_LENGTH_INCREASED" },
  { id: "json-max-length-decreased", level: "BACKWARD", history: [obj({ id: { type: "string", maxLength: 20 } })], candidate: obj({ id: { type: "string", maxLength: 10 } }), confluent: false, rule: "MAX_LENGTH_DECREASED" },
  { id: "json-minimum-increased", level: "BACKWARD", history: [obj({ qty: { type: "integer", minimum: 0 } })], candidate: obj({ qty: { type: "integer", minimum: 1 } }), confluent: false, rule: "MINIMUM_INCREASED" },
  { id: "json-enum-extended", level: "BACKWARD", history: [obj({ status: { enum: ["NEW", "PAID"] } })], candidate: obj({ status: { enum: ["NEW", "PAID", "SHIPPED"] } }), confluent: true, rule: "ENUM_ARRAY_EXTENDED" },
  { id: "json-enum-narrowed", level: "BACKWARD", history: [obj({ status: { enum: ["NEW", "PAID", "SHIPPED"] } })], candidate: obj({ status: { enum: ["NEW", "PAID"] } }), confluent: false, rule: "ENUM_ARRAY_NARROWED" },
  { id: "json-enum-extended-forward", level: "FORWARD", history: [obj({ status: { enum: ["NEW", "PAID"] } })], candidate: obj({ status: { enum: ["NEW", "PAID", "SHIPPED"] } }), confluent: false, rule: "ENUM_ARRAY_NARROWED (for the old reader)" },
  { id: "json-required-added", level: "BACKWARD", history: [obj({ id: str, note: str })], candidate: obj({ id: str, note: str }, { required: ["note"] }), confluent: false, rule: "REQUIRED_ATTRIBUTE_ADDED" },
  { id: "json-required-removed", level: "BACKWARD", history: [obj({ id: str, note: str }, { required: ["note"] })], candidate: obj({ id: str, note: str }), confluent: true, rule: "REQUIRED_ATTRIBUTE_REMOVED" },
  { id: "json-closed-content-model", level: "BACKWARD", history: [obj({ id: str })], candidate: obj({ id: str }, closed), confluent: false, rule: "ADDITIONAL_PROPERTIES_REMOVED" },
  { id: "json-opened-content-model", level: "BACKWARD", history: [obj({ id: str }, closed)], candidate: obj({ id: str }), confluent: true, rule: "ADDITIONAL_PROPERTIES_ADDED" },
  { id: "json-pattern-added", level: "BACKWARD", history: [obj({ id: str })], candidate: obj({ id: { type: "string", pattern: "^o-[0-9]+$" } }), confluent: false, rule: "PATTERN_ADDED" },
  { id: "json-oneof-extended", level: "BACKWARD", history: [obj({ v: { oneOf: [str, num] } })], candidate: obj({ v: { oneOf: [str, num, { type: "boolean" }] } }), confluent: true, rule: "SUM_TYPE_EXTENDED" },
  { id: "json-oneof-narrowed", level: "BACKWARD", history: [obj({ v: { oneOf: [str, num, { type: "boolean" }] } })], candidate: obj({ v: { oneOf: [str, num] } }), confluent: false, rule: "SUM_TYPE_NARROWED" },
  { id: "json-items-type-changed", level: "BACKWARD", history: [obj({ tags: { type: "array", items: str } })], candidate: obj({ tags: { type: "array", items: num } }), confluent: false, rule: "TYPE_CHANGED (items)" },
  { id: "json-transitive-backward-old-break", level: "BACKWARD_TRANSITIVE", history: [obj({ id: str, amount: num }), obj({ id: str, amount: str })], candidate: obj({ id: str, amount: str }, { description: "orders" }), confluent: false, rule: "TYPE_CHANGED against version 1 only" },
  { id: "json-nontransitive-old-break-ignored", level: "BACKWARD", history: [obj({ id: str, amount: num }), obj({ id: str, amount: str })], candidate: obj({ id: str, amount: str }, { description: "orders" }), confluent: true, rule: "DESCRIPTION_CHANGED; only the latest version is checked" },
  { id: "json-transitive-forward-old-break", level: "FORWARD_TRANSITIVE", history: [obj({ status: { enum: ["NEW"] } }), obj({ status: { enum: ["NEW", "PAID"] } })], candidate: obj({ status: { enum: ["NEW", "PAID"] } }, { title: "Order" }), confluent: false, rule: "ENUM_ARRAY_NARROWED for version 1's reader" },
  { id: "json-reference-compatible", level: "BACKWARD", referenced: { address: [addressJson(str)] }, history: [{ schema: obj({ id: str, ship_to: { $ref: "address.json" } }), refs: jsonRef }], candidate: { schema: obj({ id: str, ship_to: { $ref: "address.json" } }, { description: "orders" }), refs: jsonRef }, confluent: true, rule: "DESCRIPTION_CHANGED; $ref to another subject" },
  { id: "json-reference-changed-type", level: "BACKWARD", referenced: { address: [addressJson(str), addressJson(num)] }, history: [{ schema: obj({ id: str, ship_to: { $ref: "address.json" } }), refs: jsonRef }], candidate: { schema: obj({ id: str, ship_to: { $ref: "address.json" } }), refs: jsonRef2 }, confluent: false, rule: "TYPE_CHANGED inside the referenced schema" },
] satisfies Omit<ParityCase, "type">[]).map((c): ParityCase => ({ ...c, type: "JSON" }));

// --- Protobuf -------------------------------------------------------------------------------

const proto = (body: string, { pkg = "acme", imports = [] as string[] } = {}): string =>
  `syntax = "proto3";\npackage ${pkg};\n${imports.map((i) => `import "${i}";\n`).join("")}\n${body.trim()}\n`;
const order = (fields: string, more = ""): string => proto(`message Order {\n${fields.trim()}\n}\n${more}`);
const MONEY = (units: string) => proto(`message Money {\n  string currency = 1;\n  ${units} units = 2;\n}`);
const moneyRef: CorpusRef[] = [{ name: "money.proto", key: "money", version: 1 }];
const moneyRef2: CorpusRef[] = [{ name: "money.proto", key: "money", version: 2 }];
const withMoney = (extra = "") => proto(`message Order {\n  string id = 1;\n  acme.Money amount = 2;\n${extra}}`, { imports: ["money.proto"] });

const PROTOBUF: ParityCase[] = ([
  { id: "proto-field-added", level: "BACKWARD", history: [order("string id = 1;")], candidate: order("string id = 1;\n  string note = 2;"), confluent: true, rule: "FIELD_ADDED" },
  { id: "proto-field-removed", level: "BACKWARD", history: [order("string id = 1;\n  string note = 2;")], candidate: order("string id = 1;"), confluent: true, rule: "FIELD_REMOVED" },
  { id: "proto-field-removed-reserved", level: "FULL", history: [order("string id = 1;\n  string note = 2;")], candidate: order("string id = 1;\n  reserved 2;"), confluent: true, rule: "FIELD_REMOVED" },
  { id: "proto-scalar-kind-changed", level: "BACKWARD", history: [order("string id = 1;\n  int64 amount = 2;")], candidate: order("string id = 1;\n  string amount = 2;"), confluent: false, rule: "FIELD_SCALAR_KIND_CHANGED" },
  { id: "proto-int32-to-int64", level: "FULL", history: [order("string id = 1;\n  int32 qty = 2;")], candidate: order("string id = 1;\n  int64 qty = 2;"), confluent: true, rule: "same scalar kind (GENERAL_NUMBER)" },
  { id: "proto-int32-to-sint32", level: "BACKWARD", history: [order("string id = 1;\n  int32 qty = 2;")], candidate: order("string id = 1;\n  sint32 qty = 2;"), confluent: false, rule: "FIELD_SCALAR_KIND_CHANGED (zigzag)" },
  { id: "proto-string-to-bytes", level: "FULL", history: [order("string id = 1;\n  string note = 2;")], candidate: order("string id = 1;\n  bytes note = 2;"), confluent: true, rule: "same scalar kind (STRING_OR_BYTES)" },
  { id: "proto-field-renamed", level: "FULL", history: [order("string id = 1;\n  string note = 2;")], candidate: order("string id = 1;\n  string comment = 2;"), confluent: true, rule: "FIELD_NAME_CHANGED" },
  { id: "proto-message-removed", level: "BACKWARD", history: [order("string id = 1;", "message Refund {\n  string id = 1;\n}")], candidate: order("string id = 1;"), confluent: false, rule: "MESSAGE_REMOVED" },
  { id: "proto-message-added", level: "BACKWARD", history: [order("string id = 1;")], candidate: order("string id = 1;", "message Refund {\n  string id = 1;\n}"), confluent: true, rule: "MESSAGE_ADDED" },
  { id: "proto-message-added-forward", level: "FORWARD", history: [order("string id = 1;")], candidate: order("string id = 1;", "message Refund {\n  string id = 1;\n}"), confluent: false, rule: "MESSAGE_REMOVED (for the old reader)" },
  { id: "proto-enum-value-added", level: "FULL", history: [order("string id = 1;\n  Status status = 2;", "enum Status {\n  NEW = 0;\n  PAID = 1;\n}")], candidate: order("string id = 1;\n  Status status = 2;", "enum Status {\n  NEW = 0;\n  PAID = 1;\n  SHIPPED = 2;\n}"), confluent: true, rule: "ENUM_CONST_ADDED" },
  { id: "proto-package-changed", level: "BACKWARD", history: [order("string id = 1;")], candidate: proto("message Order {\n  string id = 1;\n}", { pkg: "acme.v2" }), confluent: false, rule: "PACKAGE_CHANGED" },
  { id: "proto-field-into-existing-oneof", level: "BACKWARD", history: [order("string id = 1;\n  string email = 2;\n  oneof contact {\n    string phone = 3;\n  }")], candidate: order("string id = 1;\n  oneof contact {\n    string email = 2;\n    string phone = 3;\n  }"), confluent: false, rule: "FIELD_MOVED_TO_EXISTING_ONEOF" },
  { id: "proto-named-type-changed", level: "BACKWARD", history: [order("string id = 1;\n  Line line = 2;", "message Line {\n  string sku = 1;\n}\nmessage Item {\n  string sku = 1;\n}")], candidate: order("string id = 1;\n  Item line = 2;", "message Line {\n  string sku = 1;\n}\nmessage Item {\n  string sku = 1;\n}"), confluent: false, rule: "FIELD_NAMED_TYPE_CHANGED" },
  { id: "proto-optional-to-repeated-number", level: "BACKWARD", history: [order("string id = 1;\n  optional int64 qty = 2;")], candidate: order("string id = 1;\n  repeated int64 qty = 2;"), confluent: false, rule: "FIELD_NUMERIC_LABEL_CHANGED" },
  { id: "proto-enum-to-int32", level: "BACKWARD", history: [order("string id = 1;\n  Status status = 2;", "enum Status {\n  NEW = 0;\n  PAID = 1;\n}")], candidate: order("string id = 1;\n  int32 status = 2;", "enum Status {\n  NEW = 0;\n  PAID = 1;\n}"), confluent: true, rule: "enum and int32 are one scalar kind (GENERAL_NUMBER)" },
  { id: "proto-transitive-backward-old-break", level: "BACKWARD_TRANSITIVE", history: [order("string id = 1;\n  int64 amount = 2;"), order("string id = 1;\n  string amount = 2;")], candidate: order("string id = 1;\n  string amount = 2;\n  string note = 3;"), confluent: false, rule: "FIELD_SCALAR_KIND_CHANGED against version 1 only" },
  { id: "proto-nontransitive-old-break-ignored", level: "FULL", history: [order("string id = 1;\n  int64 amount = 2;"), order("string id = 1;\n  string amount = 2;")], candidate: order("string id = 1;\n  string amount = 2;\n  string note = 3;"), confluent: true, rule: "only the latest version is checked" },
  { id: "proto-transitive-forward-old-break", level: "FORWARD_TRANSITIVE", history: [order("string id = 1;"), order("string id = 1;", "message Refund {\n  string id = 1;\n}")], candidate: order("string id = 1;\n  string note = 2;", "message Refund {\n  string id = 1;\n}"), confluent: false, rule: "MESSAGE_REMOVED for version 1's reader" },
  { id: "proto-transitive-full-compatible", level: "FULL_TRANSITIVE", history: [order("string id = 1;"), order("string id = 1;\n  string note = 2;")], candidate: order("string id = 1;\n  string note = 2;\n  int64 qty = 3;"), confluent: true, rule: "FIELD_ADDED" },
  { id: "proto-reference-compatible", level: "BACKWARD", referenced: { money: [MONEY("int64")] }, history: [{ schema: withMoney(), refs: moneyRef }], candidate: { schema: withMoney("  string note = 3;\n"), refs: moneyRef }, confluent: true, rule: "FIELD_ADDED; message type from an import" },
  { id: "proto-reference-changed-type", level: "BACKWARD", referenced: { money: [MONEY("int64"), MONEY("string")] }, history: [{ schema: withMoney(), refs: moneyRef }], candidate: { schema: withMoney("  string note = 3;\n"), refs: moneyRef2 }, confluent: false, rule: "FIELD_SCALAR_KIND_CHANGED inside the imported Money" },
] satisfies Omit<ParityCase, "type">[]).map((c): ParityCase => ({ ...c, type: "PROTOBUF" }));

export const PARITY_CORPUS: ParityCase[] = [...AVRO, ...JSON_CASES, ...PROTOBUF];
