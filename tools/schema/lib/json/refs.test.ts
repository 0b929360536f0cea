/** `$ref`s, local and to other schemas (a subject's references, resolved by name). */
import { describe, expect, it } from "vitest";
import type { References } from "../checker.ts";
import { jsonChecker } from "../json-schema.ts";

const check = (candidate: unknown, candidateRefs: Record<string, unknown>, old: unknown, oldRefs: Record<string, unknown>): string[] => {
  const refs = (r: Record<string, unknown>): References => new Map(Object.entries(r).map(([k, v]) => [k, JSON.stringify(v)]));
  const c = jsonChecker.parse(JSON.stringify(candidate), refs(candidateRefs));
  const o = jsonChecker.parse(JSON.stringify(old), refs(oldRefs));
  if (!c.ok) throw new Error(c.error);
  if (!o.ok) throw new Error(o.error);
  return jsonChecker.compare(c.value, o.value, ["backward"]);
};
const address = (zip: string) => ({ type: "object", properties: { zip: { type: zip } }, definitions: { Zip: { type: zip } } });
const order = (ref: string, extra: Record<string, unknown> = {}) => ({ type: "object", properties: { shipping: { $ref: ref } }, ...extra });

describe("JSON Schema $ref to other schemas", () => {
  it("follows a reference by name into the referenced schema", () => {
    expect(check(order("address.json"), { "address.json": address("integer") }, order("address.json"), { "address.json": address("string") })).toEqual([
      'property "shipping.zip": type string -> integer [TYPE_CHANGED at #/properties/shipping/properties/zip]: readers of the new schema cannot read old data',
    ]);
    expect(check(order("address.json"), { "address.json": address("string") }, order("address.json"), { "address.json": address("string") })).toEqual([]);
  });

  it("follows a pointer into a referenced schema (address.json#/definitions/Zip)", () => {
    const refs = (zip: string) => ({ "address.json": address(zip) });
    expect(check(order("address.json#/definitions/Zip"), refs("integer"), order("address.json#/definitions/Zip"), refs("string"))).toEqual([
      'property "shipping": type string -> integer [TYPE_CHANGED at #/properties/shipping]: readers of the new schema cannot read old data',
    ]);
  });

  it("resolves names against the root's $id, and keeps the name of a referenced schema that has its own $id", () => {
    const root = order("address.json", { $id: "https://schemas.acme.example/orders/order.json" });
    const withId = (zip: string) => ({ "address.json": { $id: "urn:acme:address", ...address(zip) } });
    expect(check(root, withId("integer"), root, withId("string"))).toHaveLength(1);
  });

  it("follows nested references flattened into one map", () => {
    const refs = (code: string) => ({
      "address.json": { type: "object", properties: { country: { $ref: "country.json" } } },
      "country.json": { type: "object", properties: { code: { type: code } } },
    });
    expect(check(order("address.json"), refs("integer"), order("address.json"), refs("string"))).toEqual([
      'property "shipping.country.code": type string -> integer [TYPE_CHANGED at #/properties/shipping/properties/country/properties/code]: readers of the new schema cannot read old data',
    ]);
  });

  it("a reference that resolves nowhere makes the schema invalid, naming it", () => {
    expect(jsonChecker.parse(JSON.stringify(order("address.json")))).toEqual({
      ok: false,
      error: '#/properties/shipping: $ref "address.json": no schema "address.json" among the references',
    });
    expect(jsonChecker.parse(JSON.stringify(order("#/definitions/Missing")))).toEqual({
      ok: false,
      error: '#/properties/shipping: $ref "#/definitions/Missing": "/definitions/Missing" not found in the schema',
    });
    expect(jsonChecker.parse(JSON.stringify(order("a.json")), new Map([["a.json", "{"]]))).toMatchObject({ ok: false });
  });
});

describe("JSON Schema local $ref", () => {
  it("#/$defs/X finds a body kept under definitions (Confluent's definitions -> $defs bridge)", () => {
    const doc = (zip: string) => ({ definitions: { Address: address(zip) }, ...order("#/$defs/Address") });
    expect(check(doc("integer"), {}, doc("string"), {})).toHaveLength(1);
  });

  it("an $anchor (2020-12) and a recursive tree", () => {
    const anchored = (type: string) => ({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $defs: { id: { $anchor: "ident", type } },
      properties: { id: { $ref: "#ident" } },
    });
    expect(check(anchored("integer"), {}, anchored("string"), {})).toEqual([
      'property "id": type string -> integer [TYPE_CHANGED at #/properties/id]: readers of the new schema cannot read old data',
    ]);
    const tree = (value: string) => ({ type: "object", properties: { value: { type: value }, children: { type: "array", items: { $ref: "#" } } } });
    expect(check(tree("string"), {}, tree("string"), {})).toEqual([]);
    // The recursion is reported once more, where it re-enters the changed root (the fixpoint pass).
    expect(check(tree("integer"), {}, tree("string"), {})).toEqual([
      'property "value": type string -> integer [TYPE_CHANGED at #/properties/value]: readers of the new schema cannot read old data',
      'property "children[].value": type string -> integer [TYPE_CHANGED at #/properties/children/items/properties/value]: readers of the new schema cannot read old data',
    ]);
  });
});
