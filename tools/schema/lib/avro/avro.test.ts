/** The Avro change classes of issue 8, through checkCompatibility. */
import { describe, expect, it } from "vitest";
import type { CompatibilityLevel } from "../../../../contract/vocabulary.ts";
import { checkCompatibility, type ExistingSchema } from "../compatibility.ts";

const avro = (candidate: unknown, existing: Array<unknown | ExistingSchema>, level: CompatibilityLevel, candidateReferences?: Record<string, string>) =>
  checkCompatibility({
    schemaType: "AVRO",
    candidate: JSON.stringify(candidate),
    candidateReferences: candidateReferences ? new Map(Object.entries(candidateReferences)) : undefined,
    existing: existing.map((e, i) =>
      e !== null && typeof e === "object" && "schema" in e ? (e as ExistingSchema) : { version: i + 1, schema: JSON.stringify(e) },
    ),
    level,
  });

const record = (fields: unknown[], name = "Order") => ({ type: "record", name, namespace: "com.acme", fields });

describe("Avro checker: the change classes of issue 8", () => {
  it("the empty union parses, and reads as Avro Java says", () => {
    expect(avro([], [[]], "FULL")).toEqual({ compatible: true, messages: [], checkedAgainst: [1] });
    // No datum has the empty union: any reader reads it, it reads nothing.
    expect(avro(["int"], [[]], "BACKWARD").compatible).toBe(true);
    expect(avro([], ["int"], "BACKWARD").messages).toEqual([
      "the top-level schema type changed from int to union []: readers of the new schema cannot read old data (against version 1)",
    ]);
  });

  it("a registered version whose union default does not match its first branch is still checked; a candidate like it is refused", () => {
    const stored = record([{ name: "note", type: ["null", "string"], default: "none" }]);
    const next = record([{ name: "note", type: ["null", "string"], default: null }, { name: "qty", type: "int", default: 0 }]);
    expect(avro(next, [stored], "FULL")).toEqual({ compatible: true, messages: [], checkedAgainst: [1] });
    // The stored field's default counts although it is invalid: Avro Java does not validate it again.
    expect(avro(record([{ name: "qty", type: "int" }]), [stored], "FORWARD")).toEqual({ compatible: true, messages: [], checkedAgainst: [1] });
    expect(avro(stored, [next], "BACKWARD").messages[0]).toMatch(/^candidate schema is not valid Avro: incompatible field default "none"/);
  });

  it("named types from another subject come through the references", () => {
    const address = (zip: string) => JSON.stringify({ type: "record", name: "Address", namespace: "com.acme.shared", fields: [{ name: "zip", type: zip }] });
    const order = record([{ name: "id", type: "string" }, { name: "shipping", type: "com.acme.shared.Address" }]);
    const old: ExistingSchema = { version: 1, schema: JSON.stringify(order), references: new Map([["com.acme.shared.Address", address("string")]]) };
    expect(avro(order, [old], "FULL", { "com.acme.shared.Address": address("string") }).compatible).toBe(true);
    expect(avro(order, [old], "BACKWARD", { "com.acme.shared.Address": address("int") }).messages).toEqual([
      'field "shipping.zip" type changed from string to int: readers of the new schema cannot read old data (against version 1)',
    ]);
    expect(avro(order, [old], "BACKWARD").messages).toEqual(["candidate schema is not valid Avro: undefined name: com.acme.shared.Address"]);
  });

  it("a writer union branch the reader cannot take is named; a reader union is searched branch by branch", () => {
    const old = record([{ name: "amount", type: ["int", "string"] }]);
    expect(avro(record([{ name: "amount", type: "long" }]), [old], "BACKWARD").messages).toEqual([
      'field "amount": union no longer contains "string" (type changed from union [int, string] to long): readers of the new schema cannot read old data (against version 1)',
    ]);
    // Avro Java tries every reader branch: int is read by the long branch, string by the string branch.
    expect(avro(record([{ name: "amount", type: ["null", "long", "string"] }]), [old], "BACKWARD").compatible).toBe(true);
  });
});
