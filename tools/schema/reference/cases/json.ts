/**
 * JSON Schema cases of the project's own corpus: every change class issue 8 lists, each accepted
 * and refused at least once, with the verdict of Confluent's rules as docs/schema-compatibility.md
 * states them (strict policy; `lenient` where the LENIENT policy answers otherwise or is pinned).
 * Paths are Confluent's JSON paths (`#/properties/weight/maximum`), named in the message's
 * `[RULE at <path>]`.
 */
import type { ReferenceCase } from "../reference-cases.ts";
import { corpus } from "./build.ts";

const { accepts, refuses } = corpus("JSON", "own/json");

/** The change classes this file must cover, each accepted and refused. */
export const JSON_CLASSES = [
  "oneOf", "anyOf", "allOf", "combined-criterion", "not",
  "numeric-bounds", "multipleOf", "string-bounds", "pattern",
  "items-count", "contains-count", "properties-count",
  "additionalProperties-beside-type", "additionalProperties-alone", "additionalProperties-schema",
  "tuple-items", "prefixItems", "additionalItems",
  "dependencies", "dependentRequired", "items-added", "const", "enum", "type",
  "open-content-model", "closed-content-model", "partially-open-content-model", "required",
  "false-property-removed", "patternProperties-covered", "required-with-default-closed",
  "nested", "references", "forward", "transitive",
] as const;

// A shipment, as a logistics team might publish it; every case varies one part of it.
const shipment = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: "object", properties, ...extra });
const closed = { additionalProperties: false };
const text = { type: "string" };
const count = { type: "integer" };
const draft2020 = "https://json-schema.org/draft/2020-12/schema";
const carrier = (branches: unknown[], criterion = "oneOf") => shipment({ id: text, carrier: { [criterion]: branches } });
const dhl = { type: "string", pattern: "^JD[0-9]{18}$" };
const ups = { type: "string", pattern: "^1Z[0-9A-Z]{16}$" };
const post = { type: "integer", minimum: 1 };
const weight = (bounds: Record<string, unknown>) => shipment({ id: text, weight: { type: "number", ...bounds } });
const reference = (bounds: Record<string, unknown>) => shipment({ id: text, reference: { type: "string", ...bounds } });
const parcels = (bounds: Record<string, unknown>) => shipment({ id: text, parcels: { type: "array", items: { type: "string" }, ...bounds } });
const scans = (bounds: Record<string, unknown>) => ({
  $schema: draft2020,
  ...shipment({ id: text, scans: { type: "array", contains: { type: "string", pattern: "^DELIVERED" }, ...bounds } }),
});
const labels = (bounds: Record<string, unknown>) => shipment({ id: text, labels: { type: "object", additionalProperties: text, ...bounds } });
// A position as a tuple: [latitude, longitude, (altitude)].
const position = (items: unknown[], extra: Record<string, unknown> = {}) => shipment({ id: text, position: { type: "array", items, ...extra } });
const lat = { type: "number", minimum: -90, maximum: 90 };
const lon = { type: "number", minimum: -180, maximum: 180 };
const alt = { type: "number" };
const position2020 = (prefixItems: unknown[], extra: Record<string, unknown> = {}) => ({
  $schema: draft2020,
  ...shipment({ id: text, position: { type: "array", prefixItems, ...extra } }),
});
const customs = (dependencies: Record<string, unknown>) =>
  shipment({ id: text, value: { type: "number" }, currency: text, hsCode: text, invoice: text }, { dependencies });
const customs2020 = (dependentRequired: Record<string, string[]>) => ({
  $schema: draft2020,
  ...shipment({ id: text, value: { type: "number" }, currency: text, hsCode: text }, { dependentRequired }),
});
const address = (postcode: unknown) => ({ type: "object", properties: { street: text, postcode } });

export const JSON_CASES: ReferenceCase[] = [
  // --- combined schemas: anyOf/oneOf may gain branches, allOf lose some; branches must pair up
  accepts("oneOf", "a carrier format added to a oneOf", carrier([dhl, ups]), carrier([dhl, ups, post])),
  refuses("oneOf", "a carrier format removed from a oneOf", carrier([dhl, ups, post]), carrier([dhl, post]), ["#/properties/carrier"]),
  refuses("oneOf", "a oneOf branch changed type: no branch of the new one reads old integers", carrier([dhl, post]), carrier([dhl, { type: "boolean" }]), ["#/properties/carrier"]),
  accepts("anyOf", "a carrier format added to an anyOf", carrier([dhl], "anyOf"), carrier([dhl, ups], "anyOf")),
  refuses("anyOf", "a carrier format removed from an anyOf", carrier([dhl, ups], "anyOf"), carrier([ups], "anyOf"), ["#/properties/carrier"]),
  accepts("allOf", "a constraint dropped from an allOf", carrier([text, { maxLength: 40 }], "allOf"), carrier([text], "allOf")),
  refuses("allOf", "a constraint added to an allOf", carrier([text], "allOf"), carrier([text, { maxLength: 40 }], "allOf"), ["#/properties/carrier"]),
  accepts("combined-criterion", "oneOf widened to anyOf", carrier([dhl, ups]), carrier([dhl, ups], "anyOf")),
  refuses("combined-criterion", "anyOf narrowed to oneOf", carrier([dhl, ups], "anyOf"), carrier([dhl, ups]), ["#/properties/carrier"]),
  accepts("combined-criterion", "a plain schema becomes a oneOf with a branch that reads it", shipment({ id: text, carrier: dhl }), carrier([dhl, ups])),
  accepts("not", "fewer placeholder values excluded by not", shipment({ id: text, note: { not: { enum: ["", "n/a"] } } }), shipment({ id: text, note: { not: { enum: [""] } } })),
  refuses("not", "more placeholder values excluded by not", shipment({ id: text, note: { not: { enum: [""] } } }), shipment({ id: text, note: { not: { enum: ["", "n/a", "tbd"] } } }), ["#/properties/note/not"]),

  // --- numeric and string bounds, pattern
  accepts("numeric-bounds", "maximum raised", weight({ maximum: 30 }), weight({ maximum: 70 })),
  refuses("numeric-bounds", "maximum lowered", weight({ maximum: 70 }), weight({ maximum: 30 }), ["#/properties/weight/maximum"]),
  accepts("numeric-bounds", "minimum lowered", weight({ minimum: 1 }), weight({ minimum: 0 })),
  refuses("numeric-bounds", "minimum added", weight({}), weight({ minimum: 0.1 }), ["#/properties/weight/minimum"]),
  accepts("numeric-bounds", "exclusiveMinimum removed", weight({ exclusiveMinimum: 0 }), weight({})),
  refuses("numeric-bounds", "exclusiveMaximum lowered", weight({ exclusiveMaximum: 1000 }), weight({ exclusiveMaximum: 500 }), ["#/properties/weight/exclusiveMaximum"]),
  accepts("multipleOf", "multipleOf 0.25 -> 0.05: every old value is still a multiple", weight({ multipleOf: 0.25 }), weight({ multipleOf: 0.05 })),
  refuses("multipleOf", "multipleOf 0.05 -> 0.25", weight({ multipleOf: 0.05 }), weight({ multipleOf: 0.25 }), ["#/properties/weight/multipleOf"]),
  refuses("multipleOf", "multipleOf 4 -> 6: neither divides the other", weight({ multipleOf: 4 }), weight({ multipleOf: 6 }), ["#/properties/weight/multipleOf"]),
  accepts("string-bounds", "maxLength raised", reference({ maxLength: 12 }), reference({ maxLength: 35 })),
  refuses("string-bounds", "maxLength lowered", reference({ maxLength: 35 }), reference({ maxLength: 12 }), ["#/properties/reference/maxLength"]),
  accepts("string-bounds", "minLength removed", reference({ minLength: 3 }), reference({})),
  refuses("string-bounds", "minLength raised", reference({ minLength: 3 }), reference({ minLength: 8 }), ["#/properties/reference/minLength"]),
  accepts("pattern", "pattern removed", reference({ pattern: "^[A-Z]{3}-[0-9]+$" }), reference({})),
  refuses("pattern", "pattern added", reference({}), reference({ pattern: "^[A-Z]{3}-[0-9]+$" }), ["#/properties/reference/pattern"], { lenient: false }),
  refuses("pattern", "pattern changed", reference({ pattern: "^[A-Z]{3}-[0-9]+$" }), reference({ pattern: "^[A-Z]{2}[0-9]+$" }), ["#/properties/reference/pattern"]),

  // --- counts: minItems/maxItems, minContains, minProperties/maxProperties
  accepts("items-count", "maxItems raised", parcels({ maxItems: 10 }), parcels({ maxItems: 50 })),
  refuses("items-count", "maxItems lowered", parcels({ maxItems: 50 }), parcels({ maxItems: 10 }), ["#/properties/parcels/maxItems"]),
  accepts("items-count", "minItems removed", parcels({ minItems: 1 }), parcels({})),
  refuses("items-count", "minItems raised", parcels({ minItems: 1 }), parcels({ minItems: 2 }), ["#/properties/parcels/minItems"]),
  accepts("contains-count", "minContains lowered (2020-12)", scans({ minContains: 2 }), scans({ minContains: 1 })),
  refuses("contains-count", "minContains raised (2020-12)", scans({ minContains: 1 }), scans({ minContains: 3 }), ["#/properties/scans/minContains"]),
  refuses("contains-count", "maxContains added (2020-12)", scans({}), scans({ maxContains: 1 }), ["#/properties/scans/maxContains"]),
  accepts("properties-count", "maxProperties raised", labels({ maxProperties: 5 }), labels({ maxProperties: 20 })),
  refuses("properties-count", "maxProperties lowered", labels({ maxProperties: 20 }), labels({ maxProperties: 5 }), ["#/properties/labels/maxProperties"]),
  accepts("properties-count", "minProperties removed", labels({ minProperties: 1 }), labels({})),
  refuses("properties-count", "minProperties added", labels({}), labels({ minProperties: 1 }), ["#/properties/labels/minProperties"]),

  // --- additionalProperties closed or narrowed, with and without type/properties beside it
  refuses("additionalProperties-beside-type", "closed beside type and properties", shipment({ id: text }), shipment({ id: text }, closed), ["#/additionalProperties"], { lenient: true }),
  accepts("additionalProperties-beside-type", "opened beside type and properties", shipment({ id: text }, closed), shipment({ id: text })),
  refuses("additionalProperties-alone", "closed with nothing beside it", shipment({ id: text, extras: { additionalProperties: true } }), shipment({ id: text, extras: { additionalProperties: false } }), ["#/properties/extras/additionalProperties"]),
  accepts("additionalProperties-alone", "opened with nothing beside it", shipment({ id: text, extras: { additionalProperties: false } }), shipment({ id: text, extras: {} })),
  refuses("additionalProperties-schema", "its schema narrowed with nothing beside it", shipment({ id: text, extras: { additionalProperties: { type: ["string", "number"] } } }), shipment({ id: text, extras: { additionalProperties: text } }), ["#/properties/extras/additionalProperties"]),
  accepts("additionalProperties-schema", "its schema widened with nothing beside it", shipment({ id: text, extras: { additionalProperties: text } }), shipment({ id: text, extras: { additionalProperties: { type: ["string", "number"] } } })),
  refuses("additionalProperties-schema", "its schema narrowed beside type", labels({ maxProperties: 9 }), shipment({ id: text, labels: { type: "object", additionalProperties: { type: "string", maxLength: 20 }, maxProperties: 9 } }), ["#/properties/labels/additionalProperties/maxLength"]),
  refuses("additionalProperties-schema", "open -> a schema: old data may hold any value there", shipment({ id: text }), shipment({ id: text }, { additionalProperties: text }), ["#/additionalProperties"], { lenient: true }),

  // --- tuples (draft 7 items array + additionalItems; 2020-12 prefixItems + items)
  refuses("tuple-items", "a tuple position changed type", position([lat, lon]), position([lat, text]), ["#/properties/position/items/1"]),
  accepts("tuple-items", "a tuple position's bounds widened", position([lat, lon]), position([lat, { type: "number" }])),
  accepts("tuple-items", "an item appended to a closed tuple", position([lat, lon], { additionalItems: false }), position([lat, lon, alt], { additionalItems: false })),
  refuses("tuple-items", "an item appended to an open tuple", position([lat, lon]), position([lat, lon, alt]), ["#/properties/position/items/2"]),
  accepts("tuple-items", "the last item dropped from an open tuple", position([lat, lon, alt]), position([lat, lon])),
  refuses("tuple-items", "the last item dropped from a closed tuple", position([lat, lon, alt], { additionalItems: false }), position([lat, lon], { additionalItems: false }), ["#/properties/position/items/2"]),
  accepts("prefixItems", "an item appended to a closed prefixItems tuple (2020-12)", position2020([lat, lon], { items: false }), position2020([lat, lon, alt], { items: false })),
  refuses("prefixItems", "a prefixItems position changed type (2020-12)", position2020([lat, lon]), position2020([text, lon]), ["#/properties/position/items/0"]),
  refuses("additionalItems", "additionalItems closed", position([lat, lon]), position([lat, lon], { additionalItems: false }), ["#/properties/position/additionalItems"]),
  accepts("additionalItems", "additionalItems opened", position([lat, lon], { additionalItems: false }), position([lat, lon])),

  // --- dependencies
  accepts("dependencies", "a dependency array narrowed", customs({ value: ["currency", "hsCode"] }), customs({ value: ["currency"] })),
  refuses("dependencies", "a dependency array extended", customs({ value: ["currency"] }), customs({ value: ["currency", "hsCode"] }), ["#/dependencies/value"]),
  refuses("dependencies", "a dependency array added", customs({}), customs({ value: ["currency"] }), ["#/dependencies/value"]),
  accepts("dependencies", "a dependency schema removed", customs({ value: { required: ["invoice"] } }), customs({})),
  refuses("dependencies", "a dependency schema added", customs({}), customs({ value: { required: ["invoice"] } }), ["#/dependencies/value"]),
  accepts("dependentRequired", "dependentRequired dropped (2020-12)", customs2020({ value: ["currency"] }), customs2020({})),
  refuses("dependentRequired", "dependentRequired extended (2020-12)", customs2020({ value: ["currency"] }), customs2020({ value: ["currency", "hsCode"] }), ["#/dependencies/value"]),

  // --- items added to an unconstrained array, const, enum, type
  refuses("items-added", "an items schema added to an unconstrained array", shipment({ id: text, tags: { type: "array" } }), shipment({ id: text, tags: { type: "array", items: text } }), ["#/properties/tags/items"]),
  accepts("items-added", "the items schema removed", shipment({ id: text, tags: { type: "array", items: text } }), shipment({ id: text, tags: { type: "array" } })),
  refuses("const", "const added", shipment({ id: text, kind: text }), shipment({ id: text, kind: { const: "parcel" } }), ["#/properties/kind"]),
  refuses("const", "const changed", shipment({ id: text, kind: { const: "parcel" } }), shipment({ id: text, kind: { const: "pallet" } }), ["#/properties/kind/const"]),
  accepts("const", "const removed", shipment({ id: text, kind: { const: "parcel" } }), shipment({ id: text, kind: {} })),
  accepts("enum", "a service level added", shipment({ id: text, service: { enum: ["standard", "express"] } }), shipment({ id: text, service: { enum: ["standard", "express", "same-day"] } })),
  refuses("enum", "a service level removed", shipment({ id: text, service: { enum: ["standard", "express", "same-day"] } }), shipment({ id: text, service: { enum: ["standard", "express"] } }), ["#/properties/service/enum"]),
  accepts("type", "integer widened to number", shipment({ id: text, pieces: count }), shipment({ id: text, pieces: { type: "number" } })),
  accepts("type", "null added to the types", shipment({ id: text, note: text }), shipment({ id: text, note: { type: ["string", "null"] } })),
  refuses("type", "number narrowed to integer", shipment({ id: text, pieces: { type: "number" } }), shipment({ id: text, pieces: count }), ["#/properties/pieces"], { lenient: false }),
  refuses("type", "string changed to integer", shipment({ id: text, pieces: text }), shipment({ id: text, pieces: count }), ["#/properties/pieces"]),

  // --- content models: open, closed, partially open
  refuses("open-content-model", "an optional property added to an open model: old data may hold anything under its name", shipment({ id: text }), shipment({ id: text, note: text }), ["#/properties/note"], { lenient: true }),
  accepts("open-content-model", "a property with the empty schema added to an open model", shipment({ id: text }), shipment({ id: text, note: {} })),
  accepts("open-content-model", "a property removed from an open model", shipment({ id: text, note: text }), shipment({ id: text })),
  accepts("closed-content-model", "an optional property added to a closed model", shipment({ id: text }, closed), shipment({ id: text, note: text }, closed)),
  refuses("closed-content-model", "a property removed from a closed model", shipment({ id: text, note: text }, closed), shipment({ id: text }, closed), ["#/properties/note"], { lenient: true }),
  accepts("partially-open-content-model", "a property added whose schema reads what the additionalProperties schema allowed", shipment({ id: text }, { additionalProperties: { type: "string", maxLength: 200 } }), shipment({ id: text, note: text }, { additionalProperties: { type: "string", maxLength: 200 } })),
  refuses("partially-open-content-model", "a property added whose schema is narrower than the additionalProperties schema", shipment({ id: text }, { additionalProperties: text }), shipment({ id: text, note: { type: "string", maxLength: 200 } }, { additionalProperties: text }), ["#/properties/note", "#/properties/note/maxLength"]),
  refuses("partially-open-content-model", "a property added that the additionalProperties schema does not cover (its type differs, which LENIENT refuses too)", shipment({ id: text }, { additionalProperties: text }), shipment({ id: text, pieces: count }, { additionalProperties: text }), ["#/properties/pieces"], { lenient: false }),
  accepts("partially-open-content-model", "a property removed that a pattern property covers", shipment({ id: text, x_colour: text }, { patternProperties: { "^x_": text }, ...closed }), shipment({ id: text }, { patternProperties: { "^x_": text }, ...closed })),
  refuses("partially-open-content-model", "a property removed that no pattern property covers", shipment({ id: text, note: text }, { patternProperties: { "^x_": text }, ...closed }), shipment({ id: text }, { patternProperties: { "^x_": text }, ...closed }), ["#/properties/note"]),
  refuses("required", "a required property without a default added to an open model", shipment({ id: text }, { required: ["id"] }), shipment({ id: text, depot: text }, { required: ["id", "depot"] }), ["#/properties/depot"], { lenient: false }),
  refuses("required", "a required property with a default added to an open model (lenient accepts it)", shipment({ id: text }, { required: ["id"] }), shipment({ id: text, depot: { type: "string", default: "HUB1" } }, { required: ["id", "depot"] }), ["#/properties/depot"], { lenient: true }),
  refuses("required", "an existing property made required", shipment({ id: text, depot: text }), shipment({ id: text, depot: text }, { required: ["depot"] }), ["#/required/depot"]),
  accepts("required", "a property no longer required", shipment({ id: text, depot: text }, { required: ["depot"] }), shipment({ id: text, depot: text })),

  // --- the three former false alarms, each beside the break it must still catch
  accepts("false-property-removed", "a property whose schema is false dropped from a closed model", shipment({ id: text, legacy: false }, closed), shipment({ id: text }, closed)),
  refuses("false-property-removed", "a property whose schema is true dropped from a closed model", shipment({ id: text, legacy: true }, closed), shipment({ id: text }, closed), ["#/properties/legacy"]),
  accepts("patternProperties-covered", "a property added that a pattern property covers", shipment({ id: text }, { patternProperties: { "^x_": { type: "string", maxLength: 30 } } }), shipment({ id: text, x_colour: text }, { patternProperties: { "^x_": { type: "string", maxLength: 30 } } })),
  refuses("patternProperties-covered", "a property added that matches the pattern with another type", shipment({ id: text }, { patternProperties: { "^x_": text } }), shipment({ id: text, x_count: count }, { patternProperties: { "^x_": text } }), ["#/properties/x_count"]),
  accepts("required-with-default-closed", "a required property with a default added to a closed model", shipment({ id: text }, { required: ["id"], ...closed }), shipment({ id: text, depot: { type: "string", default: "HUB1" } }, { required: ["id", "depot"], ...closed }), { lenient: true }),
  refuses("required-with-default-closed", "a required property without a default added to a closed model", shipment({ id: text }, { required: ["id"], ...closed }), shipment({ id: text, depot: text }, { required: ["id", "depot"], ...closed }), ["#/properties/depot"], { lenient: false }),

  // --- nesting, references to other subjects, direction and history
  refuses("nested", "a bound lowered inside array items", shipment({ id: text, legs: { type: "array", items: shipment({ km: { type: "number", maximum: 20000 } }) } }), shipment({ id: text, legs: { type: "array", items: shipment({ km: { type: "number", maximum: 5000 } }) } }), ["#/properties/legs/items/properties/km/maximum"]),
  accepts("nested", "a local $ref target widened", { ...shipment({ id: text, to: { $ref: "#/definitions/place" } }), definitions: { place: address(count) } }, { ...shipment({ id: text, to: { $ref: "#/definitions/place" } }), definitions: { place: address({ type: "number" }) } }),
  accepts("references", "a $ref to another subject, unchanged", shipment({ id: text, to: { $ref: "address.json" } }), shipment({ id: text, to: { $ref: "address.json" } }), { candidateReferences: { "address.json": address(text) }, oldReferences: { "address.json": address(text) } }),
  refuses("references", "a type changed inside the referenced subject", shipment({ id: text, to: { $ref: "address.json" } }), shipment({ id: text, to: { $ref: "address.json" } }), ["#/properties/to/properties/postcode"], { candidateReferences: { "address.json": address(count) }, oldReferences: { "address.json": address(text) } }),
  refuses("forward", "FORWARD: a service level added breaks old readers", shipment({ id: text, service: { enum: ["standard"] } }), shipment({ id: text, service: { enum: ["standard", "express"] } }), ["#/properties/service/enum"], { level: "FORWARD" }),
  accepts("forward", "FORWARD: a maximum lowered is fine for old readers", weight({ maximum: 70 }), weight({ maximum: 30 }), { level: "FORWARD" }),
  refuses("forward", "FULL: a maximum lowered breaks the new reader", weight({ maximum: 70 }), weight({ maximum: 30 }), ["#/properties/weight/maximum"], { level: "FULL" }),
  refuses("transitive", "BACKWARD_TRANSITIVE: version 1 had a wider maximum", weight({ maximum: 30 }), weight({ maximum: 30, description: "kg" }), ["#/properties/weight/maximum"], { level: "BACKWARD_TRANSITIVE", before: [weight({ maximum: 70 })] }),
  accepts("transitive", "BACKWARD: only the latest version counts", weight({ maximum: 30 }), weight({ maximum: 30, description: "kg" }), { before: [weight({ maximum: 70 })] }),
];
