import { describe, expect, it } from "vitest";
import { checkCompatibility } from "./compatibility.ts";

const order = (fields: unknown[], extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ type: "record", name: "Order", namespace: "com.acme.orders", fields, ...extra });

const ID = { name: "id", type: "string" };
const CUSTOMER = { name: "customer_id", type: "string" };
const AMOUNT = { name: "amount", type: "double" };

const avro = (candidate: string, existing: string[], level: Parameters<typeof checkCompatibility>[0]["level"]) =>
  checkCompatibility({
    schemaType: "AVRO",
    candidate,
    existing: existing.map((schema, i) => ({ version: i + 1, schema })),
    level,
  });

describe("checkCompatibility: AVRO", () => {
  const v1 = order([ID, CUSTOMER, AMOUNT]);

  it("BACKWARD: adding an optional field with a default is compatible", () => {
    const v2 = order([ID, CUSTOMER, AMOUNT, { name: "note", type: ["null", "string"], default: null }]);
    expect(avro(v2, [v1], "BACKWARD")).toEqual({ compatible: true, messages: [], checkedAgainst: [1] });
  });

  it("BACKWARD: adding a field without a default is incompatible, and says so", () => {
    const v2 = order([ID, CUSTOMER, AMOUNT, { name: "currency", type: "string" }]);
    const verdict = avro(v2, [v1], "BACKWARD");
    expect(verdict.compatible).toBe(false);
    expect(verdict.checkedAgainst).toEqual([1]);
    expect(verdict.messages).toEqual([
      'field "currency" added without a default: readers of the new schema cannot read old data (against version 1)',
    ]);
  });

  it("BACKWARD: removing a field is compatible (the reader ignores it)", () => {
    expect(avro(order([ID, AMOUNT]), [v1], "BACKWARD").compatible).toBe(true);
  });

  it("BACKWARD: only the latest version is checked", () => {
    const v2 = order([ID, AMOUNT]); // customer_id removed
    const v3 = order([ID, AMOUNT, { name: "customer_id", type: "long", default: 0 }]); // re-added with another type
    expect(avro(v3, [v1, v2], "BACKWARD")).toEqual({ compatible: true, messages: [], checkedAgainst: [2] });
    expect(avro(v3, [v1, v2], "FULL")).toEqual({ compatible: true, messages: [], checkedAgainst: [2] });
  });

  it("BACKWARD_TRANSITIVE: an older version breaks even though the latest does not", () => {
    const v2 = order([ID, AMOUNT]);
    const v3 = order([ID, AMOUNT, { name: "customer_id", type: "long", default: 0 }]);
    const verdict = avro(v3, [v1, v2], "BACKWARD_TRANSITIVE");
    expect(verdict.compatible).toBe(false);
    expect(verdict.checkedAgainst).toEqual([1, 2]);
    expect(verdict.messages).toEqual([
      'field "customer_id" type changed from string to long: readers of the new schema cannot read old data (against version 1)',
    ]);
  });

  it("*_TRANSITIVE: one problem seen against several versions is one message", () => {
    const v2 = order([ID, CUSTOMER, AMOUNT, { name: "note", type: ["null", "string"], default: null }]);
    const v3 = order([ID, CUSTOMER, { name: "amount", type: "string" }]);
    const verdict = avro(v3, [v1, v2], "BACKWARD_TRANSITIVE");
    expect(verdict.messages).toEqual([
      'field "amount" type changed from double to string: readers of the new schema cannot read old data (against versions 1, 2)',
    ]);
  });

  it("FORWARD: removing a field that has no default in the old reader is incompatible", () => {
    const verdict = avro(order([ID, AMOUNT]), [v1], "FORWARD");
    expect(verdict.compatible).toBe(false);
    expect(verdict.messages).toEqual([
      'field "customer_id" was removed and has no default in the reader: readers of the old schema cannot read new data (against version 1)',
    ]);
  });

  it("FORWARD: adding a field without a default is compatible (old readers ignore it)", () => {
    expect(avro(order([ID, CUSTOMER, AMOUNT, { name: "currency", type: "string" }]), [v1], "FORWARD").compatible).toBe(true);
  });

  it("FORWARD_TRANSITIVE checks every version", () => {
    const v2 = order([ID, CUSTOMER, AMOUNT, { name: "channel", type: "string" }]);
    const v3 = order([ID, CUSTOMER, AMOUNT]); // drops channel: v2 readers break, v1 readers fine
    expect(avro(v3, [v1, v2], "FORWARD").compatible).toBe(false);
    const transitive = avro(v3, [v1, v2], "FORWARD_TRANSITIVE");
    expect(transitive.checkedAgainst).toEqual([1, 2]);
    expect(transitive.messages).toEqual([
      'field "channel" was removed and has no default in the reader: readers of the old schema cannot read new data (against version 2)',
    ]);
  });

  it("FULL: a field added with a default is compatible both ways", () => {
    const v2 = order([ID, CUSTOMER, AMOUNT, { name: "currency", type: "string", default: "EUR" }]);
    expect(avro(v2, [v1], "FULL")).toEqual({ compatible: true, messages: [], checkedAgainst: [1] });
  });

  it("FULL: reports both directions", () => {
    const v2 = order([ID, AMOUNT, { name: "currency", type: "string" }]);
    const verdict = avro(v2, [v1], "FULL");
    expect(verdict.compatible).toBe(false);
    expect(verdict.messages).toEqual([
      'field "currency" added without a default: readers of the new schema cannot read old data (against version 1)',
      'field "customer_id" was removed and has no default in the reader: readers of the old schema cannot read new data (against version 1)',
    ]);
  });

  it("FULL: a promotion is only one-way", () => {
    const old = order([{ name: "qty", type: "int" }]);
    const next = order([{ name: "qty", type: "long" }]);
    expect(avro(next, [old], "BACKWARD").compatible).toBe(true);
    const full = avro(next, [old], "FULL");
    expect(full.messages).toEqual([
      'field "qty" type changed from int to long: readers of the old schema cannot read new data (against version 1)',
    ]);
  });

  it("NONE: always compatible, nothing checked", () => {
    expect(avro(JSON.stringify("string"), [v1], "NONE")).toEqual({ compatible: true, messages: [], checkedAgainst: [] });
  });

  it("no existing version: compatible", () => {
    expect(avro(v1, [], "FULL_TRANSITIVE")).toEqual({ compatible: true, messages: [], checkedAgainst: [] });
  });

  it("a type change names the old and new types", () => {
    const v2 = order([ID, CUSTOMER, { name: "amount", type: "string" }]);
    expect(avro(v2, [v1], "BACKWARD").messages).toEqual([
      'field "amount" type changed from double to string: readers of the new schema cannot read old data (against version 1)',
    ]);
  });

  it("allows the Avro promotions", () => {
    const promotions: Array<[string, string]> = [
      ["int", "long"],
      ["int", "float"],
      ["int", "double"],
      ["long", "float"],
      ["long", "double"],
      ["float", "double"],
      ["string", "bytes"],
      ["bytes", "string"],
    ];
    for (const [from, to] of promotions) {
      const verdict = avro(order([{ name: "x", type: to }]), [order([{ name: "x", type: from }])], "BACKWARD");
      expect(verdict.compatible, `${from} -> ${to}`).toBe(true);
    }
    expect(avro(order([{ name: "x", type: "int" }]), [order([{ name: "x", type: "long" }])], "BACKWARD").messages).toEqual([
      'field "x" type changed from long to int: readers of the new schema cannot read old data (against version 1)',
    ]);
  });

  it("enum symbol removed (BACKWARD) and added (FORWARD)", () => {
    const status = (symbols: string[], extra: Record<string, unknown> = {}) =>
      order([ID, { name: "status", type: { type: "enum", name: "Status", symbols, ...extra } }]);
    const old = status(["NEW", "PAID", "REFUNDED"]);
    const next = status(["NEW", "PAID", "CANCELLED"]);
    expect(avro(next, [old], "BACKWARD").messages).toEqual([
      'field "status": enum symbol "REFUNDED" removed (enum Status has no default): readers of the new schema cannot read old data (against version 1)',
    ]);
    expect(avro(next, [old], "FORWARD").messages).toEqual([
      'field "status": enum symbol "CANCELLED" added, and the old enum Status has no default: readers of the old schema cannot read new data (against version 1)',
    ]);
    // An enum default on the reader absorbs unknown symbols.
    expect(avro(status(["NEW", "PAID"], { default: "NEW" }), [old], "BACKWARD").compatible).toBe(true);
  });

  it("union no longer contains null", () => {
    const old = order([ID, { name: "note", type: ["null", "string"], default: null }]);
    const notNullable = order([ID, { name: "note", type: "string" }]);
    expect(avro(notNullable, [old], "BACKWARD").messages).toEqual([
      'field "note": union no longer contains "null" (type changed from union [null, string] to string): readers of the new schema cannot read old data (against version 1)',
    ]);
    expect(avro(notNullable, [old], "FORWARD").compatible).toBe(true);
    const narrower = order([ID, { name: "note", type: ["string", "int"] }]);
    expect(avro(narrower, [old], "BACKWARD").messages).toEqual([
      'field "note": union no longer contains "null": readers of the new schema cannot read old data (against version 1)',
    ]);
    expect(avro(narrower, [old], "FORWARD").messages).toEqual([
      'field "note": union now also contains "int", which the old union does not: readers of the old schema cannot read new data (against version 1)',
    ]);
  });

  it("walks nested records, arrays, maps and records inside unions", () => {
    const address = (fields: unknown[]) => ({ type: "record", name: "Address", fields });
    const line = (fields: unknown[]) => ({ type: "record", name: "Line", fields });
    const schema = (addr: unknown[], ln: unknown[], attr: string) =>
      order([
        ID,
        { name: "shipping", type: ["null", address(addr)], default: null },
        { name: "lines", type: { type: "array", items: line(ln) } },
        { name: "attributes", type: { type: "map", values: attr } },
      ]);
    const old = schema([{ name: "zip", type: "string" }], [{ name: "sku", type: "string" }, { name: "qty", type: "int" }], "string");
    const next = schema(
      [{ name: "zip", type: "int" }, { name: "country", type: "string" }],
      [{ name: "sku", type: "string" }, { name: "qty", type: "string" }],
      "long",
    );
    expect(avro(next, [old], "BACKWARD").messages).toEqual([
      'field "shipping.zip" type changed from string to int: readers of the new schema cannot read old data (against version 1)',
      'field "shipping.country" added without a default: readers of the new schema cannot read old data (against version 1)',
      'field "lines[].qty" type changed from int to string: readers of the new schema cannot read old data (against version 1)',
      'field "attributes{}" type changed from string to long: readers of the new schema cannot read old data (against version 1)',
    ]);
  });

  it("handles recursive types without looping", () => {
    const node = (extra: unknown[]) =>
      JSON.stringify({
        type: "record",
        name: "Node",
        fields: [{ name: "value", type: "int" }, { name: "next", type: ["null", "Node"], default: null }, ...extra],
      });
    const verdict = avro(node([{ name: "label", type: "string" }]), [node([])], "BACKWARD");
    expect(verdict.messages).toEqual([
      'field "label" added without a default: readers of the new schema cannot read old data (against version 1)',
    ]);
  });

  it("namespace changes are ignored, record renames are not (unless aliased)", () => {
    const old = JSON.stringify({ type: "record", name: "Order", namespace: "a", fields: [ID] });
    expect(avro(JSON.stringify({ type: "record", name: "Order", namespace: "b", fields: [ID] }), [old], "FULL").compatible).toBe(true);
    const renamed = JSON.stringify({ type: "record", name: "Purchase", namespace: "a", fields: [ID] });
    const verdict = avro(renamed, [old], "BACKWARD");
    expect(verdict.compatible).toBe(false);
    expect(verdict.messages[0]).toContain("record name changed from Order to Purchase");
    const aliased = JSON.stringify({ type: "record", name: "Purchase", namespace: "a", aliases: ["a.Order"], fields: [ID] });
    expect(avro(aliased, [old], "BACKWARD").compatible).toBe(true);
  });

  it("field aliases let a renamed field read old data", () => {
    const v2 = order([ID, { name: "client_id", type: "string", aliases: ["customer_id"] }, AMOUNT]);
    expect(avro(v2, [v1], "BACKWARD").compatible).toBe(true);
  });

  it("fixed size change", () => {
    const fixed = (size: number) => order([{ name: "hash", type: { type: "fixed", name: "Hash", size } }]);
    expect(avro(fixed(32), [fixed(16)], "BACKWARD").messages).toEqual([
      'field "hash": fixed Hash size changed from 16 to 32: readers of the new schema cannot read old data (against version 1)',
    ]);
  });

  it("top-level type change", () => {
    expect(avro(JSON.stringify("int"), [v1], "BACKWARD").messages).toEqual([
      "the top-level schema type changed from record Order to int: readers of the new schema cannot read old data (against version 1)",
    ]);
  });

  it("invalid candidate: never throws", () => {
    expect(avro("{not json", [v1], "BACKWARD")).toMatchObject({ compatible: false, checkedAgainst: [] });
    expect(avro("{not json", [v1], "BACKWARD").messages[0]).toMatch(/^candidate schema is not valid Avro: /);
    expect(avro(JSON.stringify({ type: "record", name: "X" }), [v1], "BACKWARD").messages[0]).toMatch(
      /^candidate schema is not valid Avro: /,
    );
    expect(avro(order([{ name: "n", type: "int", default: "x" }]), [], "NONE").messages[0]).toMatch(
      /^candidate schema is not valid Avro: /,
    );
  });

  it("an invalid existing version is reported, not thrown", () => {
    const verdict = avro(v1, ["oops"], "BACKWARD");
    expect(verdict.compatible).toBe(false);
    expect(verdict.checkedAgainst).toEqual([]);
    expect(verdict.messages[0]).toMatch(/^cannot check against version 1: its schema is not valid Avro/);
  });

  it("sorts existing versions and takes the highest as the latest", () => {
    const v2 = order([ID, AMOUNT]);
    const verdict = checkCompatibility({
      schemaType: "AVRO",
      candidate: order([ID, AMOUNT]),
      existing: [
        { version: 2, schema: v2 },
        { version: 1, schema: v1 },
      ],
      level: "FORWARD",
    });
    expect(verdict).toEqual({ compatible: true, messages: [], checkedAgainst: [2] });
  });
});

describe("checkCompatibility: JSON", () => {
  // Confluent's json-schema-provider rules (strict policy); the change classes are in the
  // project's own corpus, tools/schema/reference/cases/json.ts.
  const schema = (properties: Record<string, unknown>, required: string[] = [], extra: Record<string, unknown> = {}) =>
    JSON.stringify({ type: "object", properties, required, ...extra });
  const base = schema({ id: { type: "string" }, amount: { type: "number" } }, ["id", "amount"]);
  const json = (candidate: string, existing: string[], level: Parameters<typeof checkCompatibility>[0]["level"]) =>
    checkCompatibility({ schemaType: "JSON", candidate, existing: existing.map((s, i) => ({ version: i + 1, schema: s })), level });

  it("an optional property added: compatible with a closed content model, not with an open one", () => {
    const closed = (props: Record<string, unknown>) => schema(props, ["id"], { additionalProperties: false });
    expect(json(closed({ id: { type: "string" }, note: { type: "string" } }), [closed({ id: { type: "string" } })], "BACKWARD").compatible).toBe(true);
    const next = schema({ id: { type: "string" }, amount: { type: "number" }, note: { type: "string" } }, ["id", "amount"]);
    expect(json(next, [base], "BACKWARD").messages).toEqual([
      'property "note": declared by the new schema only: the old schema has an open content model, where it may hold any value [OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL at #/properties/note]: readers of the new schema cannot read old data (against version 1)',
    ]);
  });

  it("a new required property breaks BACKWARD", () => {
    const next = schema({ id: { type: "string" }, amount: { type: "number" }, currency: { type: "string" } }, ["id", "amount", "currency"]);
    expect(json(next, [base], "BACKWARD").messages).toEqual([
      'property "currency": required by the new schema, not declared by the old schema [REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL at #/properties/currency]: readers of the new schema cannot read old data (against version 1)',
    ]);
    expect(json(next, [base], "FORWARD").compatible).toBe(true);
  });

  it("a removed required property breaks FORWARD", () => {
    const next = schema({ id: { type: "string" } }, ["id"]);
    expect(json(next, [base], "FORWARD").messages).toEqual([
      'property "amount": required by the old schema, not declared by the new schema [REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL at #/properties/amount]: readers of the old schema cannot read new data (against version 1)',
    ]);
    expect(json(next, [base], "BACKWARD").compatible).toBe(true);
  });

  it("a property type change, and a narrowed bound", () => {
    const next = schema({ id: { type: "string" }, amount: { type: "string" } }, ["id", "amount"]);
    expect(json(next, [base], "BACKWARD").messages).toEqual([
      'property "amount": type number -> string [TYPE_CHANGED at #/properties/amount]: readers of the new schema cannot read old data (against version 1)',
    ]);
    // integer -> number widens: fine for BACKWARD, not for FORWARD.
    const int = schema({ id: { type: "string" }, amount: { type: "integer" } }, ["id", "amount"]);
    expect(json(base, [int], "BACKWARD").compatible).toBe(true);
    expect(json(base, [int], "FORWARD").compatible).toBe(false);
    const capped = (maximum: number) => schema({ amount: { type: "number", maximum } });
    expect(json(capped(50), [capped(100)], "BACKWARD").messages).toEqual([
      'property "amount": maximum 100 -> 50 (narrowed) [MAXIMUM_DECREASED at #/properties/amount/maximum]: readers of the new schema cannot read old data (against version 1)',
    ]);
  });

  it("additionalProperties closed, and a property removed from a closed model", () => {
    const closed = schema({ id: { type: "string" }, amount: { type: "number" } }, ["id", "amount"], { additionalProperties: false });
    expect(json(closed, [base], "BACKWARD").messages).toEqual([
      "the top-level schema: additional properties closed by the new schema (allowed by the old schema) [ADDITIONAL_PROPERTIES_REMOVED at #/additionalProperties]: readers of the new schema cannot read old data (against version 1)",
    ]);
    const closedNoNote = schema({ id: { type: "string" } }, ["id"], { additionalProperties: false });
    const closedWithNote = schema({ id: { type: "string" }, note: { type: "string" } }, ["id"], { additionalProperties: false });
    expect(json(closedNoNote, [closedWithNote], "BACKWARD").messages).toEqual([
      'property "note": declared by the old schema only: the new schema has a closed content model, which rejects it [PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL at #/properties/note]: readers of the new schema cannot read old data (against version 1)',
    ]);
  });

  it("nested objects, arrays, local refs and enums", () => {
    const doc = (zip: unknown, statuses: string[]) =>
      JSON.stringify({
        type: "object",
        $defs: { address: { type: "object", properties: { zip } } },
        properties: {
          shipping: { $ref: "#/$defs/address" },
          lines: { type: "array", items: { type: "object", properties: { qty: { type: "integer" } } } },
          status: { enum: statuses },
        },
      });
    const old = doc({ type: "string" }, ["NEW", "PAID"]);
    const next = doc({ type: "integer" }, ["NEW"]);
    expect(json(next, [old], "BACKWARD").messages).toEqual([
      'property "shipping.zip": type string -> integer [TYPE_CHANGED at #/properties/shipping/properties/zip]: readers of the new schema cannot read old data (against version 1)',
      'property "status": enum ["NEW","PAID"] -> ["NEW"] (the new schema rejects "PAID") [ENUM_ARRAY_NARROWED at #/properties/status/enum]: readers of the new schema cannot read old data (against version 1)',
    ]);
  });

  it("invalid JSON schema text", () => {
    expect(json("{", [base], "BACKWARD").messages[0]).toMatch(/^candidate schema is not valid JSON Schema: /);
    expect(json("42", [base], "BACKWARD").compatible).toBe(false);
  });
});

describe("checkCompatibility: PROTOBUF", () => {
  const proto = (body: string) => `syntax = "proto3";\npackage acme;\n// orders\nmessage Order {\n${body}\n}\n`;
  const base = proto(`  string id = 1;\n  double amount = 2;\n  string customer_id = 3;\n  message Line { string sku = 1; int32 qty = 2; }\n  repeated Line lines = 4;`);
  const pb = (candidate: string, existing: string[], level: Parameters<typeof checkCompatibility>[0]["level"] = "BACKWARD") =>
    checkCompatibility({ schemaType: "PROTOBUF", candidate, existing: existing.map((s, i) => ({ version: i + 1, schema: s })), level });

  it("adding a field is compatible", () => {
    const next = proto(`  string id = 1;\n  double amount = 2;\n  string customer_id = 3;\n  message Line { string sku = 1; int32 qty = 2; }\n  repeated Line lines = 4;\n  map<string, string> attrs = 5 [deprecated = true];`);
    expect(pb(next, [base], "FULL")).toEqual({ compatible: true, messages: [], checkedAgainst: [1] });
  });

  it("a field number reused with another type", () => {
    const next = proto(`  string id = 1;\n  string amount = 2;\n  string customer_id = 3;\n  message Line { string sku = 1; int64 qty = 2; }\n  repeated Line lines = 4;`);
    expect(pb(next, [base]).messages).toEqual([
      '#/Order/2 field "amount" (number 2) changed type (double in the old schema, string in the new one): the wire encodings differ (FIELD_SCALAR_KIND_CHANGED): readers of the new schema cannot read old data (against version 1)',
    ]);
  });

  it("a removed field is compatible, reserved or not (Confluent's FIELD_REMOVED)", () => {
    const removed = proto(`  string id = 1;\n  double amount = 2;\n  message Line { string sku = 1; int32 qty = 2; }\n  repeated Line lines = 4;`);
    expect(pb(removed, [base]).compatible).toBe(true);
    const reserved = proto(`  string id = 1;\n  double amount = 2;\n  reserved 3, 10 to 12;\n  reserved "customer_id";\n  message Line { string sku = 1; int32 qty = 2; }\n  repeated Line lines = 4;`);
    expect(pb(reserved, [base]).compatible).toBe(true);
  });

  it("fields inside oneof count", () => {
    const withOneof = proto(`  string id = 1;\n  oneof payment { string card = 6; string iban = 7; }`);
    const without = proto(`  string id = 1;\n  oneof payment { string card = 6; }`);
    expect(pb(without, [withOneof]).messages[0]).toContain('#/Order/payment/7 field "iban" (number 7) of oneof "payment" is only in the old schema');
  });

  it("invalid protobuf text", () => {
    expect(pb("message Order { string id = ; }", [base]).messages[0]).toMatch(/^candidate schema is not valid Protobuf: /);
    expect(pb("hello", [base]).compatible).toBe(false);
    expect(pb('syntax = "proto3"; message Order { string id = 1;', [base]).messages[0]).toMatch(/illegal end of input/);
  });
});
