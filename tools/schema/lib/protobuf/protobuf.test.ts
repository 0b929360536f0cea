/** The change classes issue 8 lists for Protobuf, through checkCompatibility. */
import { describe, expect, it } from "vitest";
import type { CompatibilityLevel } from "../../../../contract/vocabulary.ts";
import { checkCompatibility } from "../compatibility.ts";

const file = (body: string, header = "") => `syntax = "proto3";\npackage acme;\n${header}\nmessage Order {\n${body}\n}\n`;

const pb = (candidate: string, old: string, level: CompatibilityLevel, refs: { candidate?: Record<string, string>; old?: Record<string, string> } = {}) =>
  checkCompatibility({
    schemaType: "PROTOBUF",
    candidate,
    candidateReferences: refs.candidate ? new Map(Object.entries(refs.candidate)) : undefined,
    existing: [{ version: 1, schema: old, references: refs.old ? new Map(Object.entries(refs.old)) : undefined }],
    level,
  });

describe("Protobuf checker: the change classes of issue 8", () => {
  const separate = file("  string card = 1;\n  string iban = 2;");
  const oneof = file("  oneof payment { string card = 1; string iban = 2; }");

  it("fields moved into a oneof break BACKWARD; out of one is compatible; FORWARD asks the other way", () => {
    expect(pb(oneof, separate, "BACKWARD").messages).toEqual([
      '#/Order/payment oneof "payment" of the new schema holds fields that are separate in the old one (card, iban): data setting several of them no longer fits (MULTIPLE_FIELDS_MOVED_TO_ONEOF): readers of the new schema cannot read old data (against version 1)',
    ]);
    expect(pb(separate, oneof, "BACKWARD").compatible).toBe(true);
    expect(pb(separate, oneof, "FORWARD").messages).toEqual([
      '#/Order/payment oneof "payment" of the old schema holds fields that are separate in the new one (card, iban): data setting several of them no longer fits (MULTIPLE_FIELDS_MOVED_TO_ONEOF): readers of the old schema cannot read new data (against version 1)',
    ]);
    expect(pb(oneof, separate, "FORWARD").compatible).toBe(true);
  });

  it("a oneof member removed breaks BACKWARD only", () => {
    const fewer = file("  oneof payment { string card = 1; }");
    expect(pb(fewer, oneof, "BACKWARD").compatible).toBe(false);
    expect(pb(fewer, oneof, "FORWARD").compatible).toBe(true);
  });

  it("optional -> repeated breaks a numeric field, not a string one; an unlabelled proto3 field is not compared", () => {
    expect(pb(file("  repeated int32 qty = 1;"), file("  optional int32 qty = 1;"), "BACKWARD").messages).toEqual([
      '#/Order/1 numeric field "qty" (number 1) changed label (optional int32 in the old schema, repeated int32 in the new one): packed repeated and single values are encoded differently (FIELD_NUMERIC_LABEL_CHANGED): readers of the new schema cannot read old data (against version 1)',
    ]);
    expect(pb(file("  repeated string tag = 1;"), file("  optional string tag = 1;"), "FULL").compatible).toBe(true);
    // Confluent compares labels only when both are written (Wire's label is null without one).
    expect(pb(file("  repeated int32 qty = 1;"), file("  int32 qty = 1;"), "FULL").compatible).toBe(true);
  });

  it("a field removed without reserved is compatible both ways", () => {
    expect(pb(file("  string id = 1;"), file("  string id = 1;\n  string note = 2;"), "FULL")).toEqual({ compatible: true, messages: [], checkedAgainst: [1] });
  });

  it("enum <-> int32 is compatible (both varints); enum <-> string is not", () => {
    const status = "enum Status { NEW = 0; PAID = 1; }";
    expect(pb(file("  Status status = 1;", status), file("  int32 status = 1;"), "FULL").compatible).toBe(true);
    expect(pb(file("  int64 status = 1;"), file("  Status status = 1;", status), "FULL").compatible).toBe(true);
    expect(pb(file("  string status = 1;"), file("  Status status = 1;", status), "BACKWARD").messages).toEqual([
      '#/Order/1 field "status" (number 1) changed type (Status in the old schema, string in the new one): the wire encodings differ (FIELD_SCALAR_KIND_CHANGED): readers of the new schema cannot read old data (against version 1)',
    ]);
  });

  it("map<string, Status> and map<string, Order.Status> are the same type", () => {
    const nested = (value: string) => file(`  map<string, ${value}> statuses = 1;\n  enum Status { NEW = 0; }\n  message Line { string sku = 1; }\n  map<string, Line> lines = 2;`);
    expect(pb(nested("Order.Status"), nested("Status"), "FULL").compatible).toBe(true);
    expect(pb(nested(".acme.Order.Status"), nested("Status"), "FULL").compatible).toBe(true);
    expect(pb(nested("Line"), nested("Status"), "BACKWARD").messages[0]).toContain("#/Order/1 field \"statuses\" (number 1), its map value changed kind (Status (scalar) in the old schema, Line (message) in the new one)");
  });

  it("a type from an imported subject is compared through the references", () => {
    const money = (amountType: string) => `syntax = "proto3";\npackage shared;\nmessage Money { ${amountType} units = 1; string currency = 2; }`;
    const order = file("  shared.Money total = 1;", 'import "shared/money.proto";');
    expect(pb(order, order, "FULL", { candidate: { "shared/money.proto": money("int64") }, old: { "shared/money.proto": money("int64") } }).compatible).toBe(true);
    const verdict = pb(order, order, "BACKWARD", { candidate: { "shared/money.proto": money("string") }, old: { "shared/money.proto": money("int64") } });
    expect(verdict.messages).toEqual([
      '#/Money/1 field "units" (number 1) changed type (int64 in the old schema, string in the new one): the wire encodings differ (FIELD_SCALAR_KIND_CHANGED): readers of the new schema cannot read old data (against version 1)',
      '#/Order/1 field "total" (number 1) refers to another or incompatibly changed message type (shared.Money in the old schema, shared.Money in the new one) (FIELD_NAMED_TYPE_CHANGED): readers of the new schema cannot read old data (against version 1)',
    ]);
  });

  it("well-known imports resolve without references; a missing import or type is a clear error for a candidate only", () => {
    const withTimestamp = file("  google.protobuf.Timestamp at = 1;\n  google.protobuf.Struct extra = 2;", 'import "google/protobuf/timestamp.proto";\nimport "google/protobuf/struct.proto";');
    expect(pb(withTimestamp, withTimestamp, "FULL").compatible).toBe(true);
    const imported = file("  shared.Money total = 1;", 'import "shared/money.proto";');
    expect(pb(imported, imported, "BACKWARD").messages).toEqual([
      'candidate schema is not valid Protobuf: import "shared/money.proto" is neither a reference of the schema nor a well-known file',
    ]);
    expect(pb(file("  Missing m = 1;"), file("  string id = 2;"), "BACKWARD").messages).toEqual([
      'candidate schema is not valid Protobuf: message Order: field "m" has type Missing, which neither the schema nor its imports define',
    ]);
    // A registered version whose import is not at hand is still checked: its type is compared by name.
    expect(pb(imported, imported, "BACKWARD", { candidate: { "shared/money.proto": 'syntax = "proto3"; package shared; message Money {}' } })).toEqual({
      compatible: true,
      messages: [],
      checkedAgainst: [1],
    });
  });
});
