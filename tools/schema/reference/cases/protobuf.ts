/**
 * Protobuf cases of the project's own corpus: every change class issue 8 lists, each accepted and
 * refused at least once, with the verdict of Confluent's protobuf-provider rules as
 * docs/schema-compatibility.md states them. Paths are Confluent's (`#/Payment/3`,
 * `#/Payment/method` for a oneof), at the start of the message.
 */
import type { ReferenceCase } from "../reference-cases.ts";
import { corpus } from "./build.ts";

const { accepts, refuses } = corpus("PROTOBUF", "own/protobuf");

export const PROTOBUF_CLASSES = [
  "oneof-move-in", "oneof-move-out", "oneof-member", "optional-to-repeated", "field-removed",
  "enum-int32", "scalar-kind", "map-value-type", "named-type", "message", "package", "forward",
  "references", "transitive",
] as const;

const file = (body: string, { pkg = "ledger", syntax = "proto3", imports = [] as string[] } = {}) =>
  `syntax = "${syntax}";\npackage ${pkg};\n${imports.map((i) => `import "${i}";\n`).join("")}\n${body.trim()}\n`;
/** A payment message whose fields vary; `more` holds further top-level declarations. */
const payment = (fields: string, more = "", options: Parameters<typeof file>[1] = {}) => file(`message Payment {\n${fields.trim()}\n}\n${more}`, options);
const STATE = "enum State {\n  PENDING = 0;\n  SETTLED = 1;\n}";

export const PROTOBUF_CASES: ReferenceCase[] = [
  // --- oneofs
  refuses("oneof-move-in", "two independent fields put into a new oneof", payment("string id = 1;\n  string card_token = 2;\n  string iban = 3;"), payment("string id = 1;\n  oneof method {\n    string card_token = 2;\n    string iban = 3;\n  }"), ["#/Payment/method"]),
  refuses("oneof-move-in", "an independent field moved into an existing oneof", payment("string id = 1;\n  string wallet = 4;\n  oneof method {\n    string card_token = 2;\n    string iban = 3;\n  }"), payment("string id = 1;\n  oneof method {\n    string card_token = 2;\n    string iban = 3;\n    string wallet = 4;\n  }"), ["#/Payment/method"]),
  accepts("oneof-move-in", "a single field wrapped in a new oneof of its own", payment("string id = 1;\n  string card_token = 2;"), payment("string id = 1;\n  oneof method {\n    string card_token = 2;\n  }")),
  accepts("oneof-move-out", "the fields of a oneof made independent", payment("string id = 1;\n  oneof method {\n    string card_token = 2;\n    string iban = 3;\n  }"), payment("string id = 1;\n  string card_token = 2;\n  string iban = 3;")),
  refuses("oneof-move-out", "FORWARD: the old readers still hold them in a oneof", payment("string id = 1;\n  oneof method {\n    string card_token = 2;\n    string iban = 3;\n  }"), payment("string id = 1;\n  string card_token = 2;\n  string iban = 3;"), ["#/Payment/method"], { level: "FORWARD" }),
  refuses("oneof-member", "a member removed from a oneof that stays", payment("string id = 1;\n  oneof method {\n    string card_token = 2;\n    string iban = 3;\n  }"), payment("string id = 1;\n  oneof method {\n    string card_token = 2;\n  }"), ["#/Payment/method/3"]),
  accepts("oneof-member", "a member added to a oneof", payment("string id = 1;\n  oneof method {\n    string card_token = 2;\n  }"), payment("string id = 1;\n  oneof method {\n    string card_token = 2;\n    string iban = 3;\n  }")),

  // --- labels
  refuses("optional-to-repeated", "optional int64 -> repeated int64 (packed on the wire)", payment("string id = 1;\n  optional int64 amount_minor = 2;"), payment("string id = 1;\n  repeated int64 amount_minor = 2;"), ["#/Payment/2"]),
  refuses("optional-to-repeated", "optional enum -> repeated enum (a varint, packed too)", payment("string id = 1;\n  optional State state = 2;", STATE), payment("string id = 1;\n  repeated State state = 2;", STATE), ["#/Payment/2"]),
  accepts("optional-to-repeated", "optional string -> repeated string (length-delimited either way)", payment("string id = 1;\n  optional string memo = 2;"), payment("string id = 1;\n  repeated string memo = 2;")),
  accepts("optional-to-repeated", "optional message -> repeated message", payment("string id = 1;\n  optional Fee fee = 2;", "message Fee {\n  int64 minor = 1;\n}"), payment("string id = 1;\n  repeated Fee fee = 2;", "message Fee {\n  int64 minor = 1;\n}")),

  // --- removals
  accepts("field-removed", "a field removed without reserving its number", payment("string id = 1;\n  string memo = 2;\n  int64 amount_minor = 3;"), payment("string id = 1;\n  int64 amount_minor = 3;")),
  accepts("field-removed", "a field removed with its number and name reserved, FULL", payment("string id = 1;\n  string memo = 2;"), payment("string id = 1;\n  reserved 2;\n  reserved \"memo\";"), { level: "FULL" }),
  refuses("field-removed", "a proto2 required field removed", payment("required string id = 1;\n  optional string memo = 2;", "", { syntax: "proto2" }), payment("optional string memo = 2;", "", { syntax: "proto2" }), ["#/Payment/1"]),
  refuses("field-removed", "a proto2 required field added", payment("optional string memo = 2;", "", { syntax: "proto2" }), payment("required string id = 1;\n  optional string memo = 2;", "", { syntax: "proto2" }), ["#/Payment/1"]),

  // --- scalar kinds
  accepts("enum-int32", "an enum field read as int32", payment("string id = 1;\n  State state = 2;", STATE), payment("string id = 1;\n  int32 state = 2;", STATE), { level: "FULL" }),
  accepts("enum-int32", "an int32 field given an enum type", payment("string id = 1;\n  int32 state = 2;", STATE), payment("string id = 1;\n  State state = 2;", STATE), { level: "FULL" }),
  refuses("enum-int32", "an enum field turned into a string", payment("string id = 1;\n  State state = 2;", STATE), payment("string id = 1;\n  string state = 2;", STATE), ["#/Payment/2"]),
  refuses("enum-int32", "an enum field turned into sint32 (zigzag, another encoding)", payment("string id = 1;\n  State state = 2;", STATE), payment("string id = 1;\n  sint32 state = 2;", STATE), ["#/Payment/2"]),
  accepts("scalar-kind", "int32 -> uint64 and string -> bytes, one scalar kind each", payment("int32 attempts = 1;\n  string memo = 2;"), payment("uint64 attempts = 1;\n  bytes memo = 2;"), { level: "FULL" }),
  refuses("scalar-kind", "fixed64 -> int64", payment("string id = 1;\n  fixed64 batch = 2;"), payment("string id = 1;\n  int64 batch = 2;"), ["#/Payment/2"]),
  refuses("scalar-kind", "double -> float", payment("string id = 1;\n  double rate = 2;"), payment("string id = 1;\n  float rate = 2;"), ["#/Payment/2"]),

  // --- maps and named types
  accepts("map-value-type", "map<string, State> -> map<string, Payment.State>, the same nested enum", payment("map<string, State> states = 1;\n  enum State {\n    PENDING = 0;\n  }"), payment("map<string, Payment.State> states = 1;\n  enum State {\n    PENDING = 0;\n  }"), { level: "FULL" }),
  accepts("map-value-type", "map<string, .ledger.Payment.Line> against map<string, Line>", payment("map<string, Line> lines = 1;\n  message Line {\n    int64 minor = 1;\n  }"), payment("map<string, .ledger.Payment.Line> lines = 1;\n  message Line {\n    int64 minor = 1;\n  }"), { level: "FULL" }),
  refuses("map-value-type", "a map's value type changed from an enum to a string", payment("map<string, State> states = 1;\n  enum State {\n    PENDING = 0;\n  }"), payment("map<string, string> states = 1;\n  enum State {\n    PENDING = 0;\n  }"), ["#/Payment/1"]),
  refuses("named-type", "a field pointed at another message type", payment("string id = 1;\n  Fee fee = 2;", "message Fee {\n  int64 minor = 1;\n}\nmessage Tax {\n  int64 minor = 1;\n}"), payment("string id = 1;\n  Tax fee = 2;", "message Fee {\n  int64 minor = 1;\n}\nmessage Tax {\n  int64 minor = 1;\n}"), ["#/Payment/2"]),
  accepts("named-type", "a field renamed, the number and type kept", payment("string id = 1;\n  Fee fee = 2;", "message Fee {\n  int64 minor = 1;\n}"), payment("string id = 1;\n  Fee charge = 2;", "message Fee {\n  int64 minor = 1;\n}"), { level: "FULL" }),

  // --- messages, packages, direction
  refuses("message", "a top-level message removed", payment("string id = 1;", "message Refund {\n  string id = 1;\n}"), payment("string id = 1;"), ["#/Refund"]),
  accepts("message", "a top-level message added", payment("string id = 1;"), payment("string id = 1;", "message Refund {\n  string id = 1;\n}")),
  refuses("package", "the package renamed", payment("string id = 1;"), payment("string id = 1;", "", { pkg: "ledger.v2" }), ["#/"]),
  accepts("package", "a comment and an option added, the package kept", payment("string id = 1;"), payment("// the settled amount\n  string id = 1 [deprecated = true];")),
  refuses("forward", "FORWARD: a message added is one the old schema lacks", payment("string id = 1;"), payment("string id = 1;", "message Refund {\n  string id = 1;\n}"), ["#/Refund"], { level: "FORWARD" }),
  accepts("forward", "FORWARD: a message removed", payment("string id = 1;", "message Refund {\n  string id = 1;\n}"), payment("string id = 1;"), { level: "FORWARD" }),
  accepts("forward", "FORWARD: a oneof that takes in independent fields (the old readers had them apart)", payment("string id = 1;\n  string card_token = 2;\n  string iban = 3;"), payment("string id = 1;\n  oneof method {\n    string card_token = 2;\n    string iban = 3;\n  }"), { level: "FORWARD" }),

  // --- imports resolved through references
  accepts("references", "an imported message unchanged", payment("string id = 1;\n  common.Money total = 2;", "", { imports: ["common/money.proto"] }), payment("string id = 1;\n  common.Money total = 2;\n  string memo = 3;", "", { imports: ["common/money.proto"] }), {
    candidateReferences: { "common/money.proto": file("message Money {\n  string currency = 1;\n  int64 minor = 2;\n}", { pkg: "common" }) },
    oldReferences: { "common/money.proto": file("message Money {\n  string currency = 1;\n  int64 minor = 2;\n}", { pkg: "common" }) },
  }),
  refuses("references", "a field of the imported message changed kind", payment("string id = 1;\n  common.Money total = 2;", "", { imports: ["common/money.proto"] }), payment("string id = 1;\n  common.Money total = 2;", "", { imports: ["common/money.proto"] }), ["#/Money/2", "#/Payment/2"], {
    candidateReferences: { "common/money.proto": file("message Money {\n  string currency = 1;\n  double minor = 2;\n}", { pkg: "common" }) },
    oldReferences: { "common/money.proto": file("message Money {\n  string currency = 1;\n  int64 minor = 2;\n}", { pkg: "common" }) },
  }),

  // --- history
  refuses("transitive", "BACKWARD_TRANSITIVE: version 1 had the field as int64", payment("string id = 1;\n  string amount = 2;"), payment("string id = 1;\n  string amount = 2;\n  string memo = 3;"), ["#/Payment/2"], { level: "BACKWARD_TRANSITIVE", before: [payment("string id = 1;\n  int64 amount = 2;")] }),
  accepts("transitive", "FULL_TRANSITIVE: fields added one version at a time", payment("string id = 1;\n  string memo = 2;"), payment("string id = 1;\n  string memo = 2;\n  int64 amount_minor = 3;"), { level: "FULL_TRANSITIVE", before: [payment("string id = 1;")] }),
];
