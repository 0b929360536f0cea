import { describe, expect, it } from "vitest";
import type { SchemaReference } from "../../../contract/incident.ts";
import { notRecorded, ok, unavailable, type Readout } from "../../../ports/ports.ts";
import { replayPorts } from "../../../ports/replay/replay-ports.ts";
import { scenario } from "../../../test/scenario.ts";
import { resolveReferences, type ReferencedText } from "./references.ts";

const ref = (name: string, subject: string, version = 1): SchemaReference => ({ name, subject, version });

/** A registry of subject versions, counting reads. */
function store(entries: Record<string, ReferencedText>) {
  const reads: string[] = [];
  const read = async (subject: string, version: number): Promise<Readout<ReferencedText>> => {
    reads.push(`${subject} v${version}`);
    const e = entries[`${subject} v${version}`];
    return e ? ok(e) : notRecorded(`version ${version} of schema registry subject ${subject}`);
  };
  return { read, reads };
}

describe("resolveReferences", () => {
  it("flattens nested references into one name -> text map, reading a shared version once", async () => {
    const { read, reads } = store({
      "address v1": { schema: "ADDRESS", references: [ref("country.proto", "country")] },
      "country v1": { schema: "COUNTRY" },
      "money v2": { schema: "MONEY", references: [ref("country.proto", "country")] },
    });
    const r = await resolveReferences([ref("address.proto", "address"), ref("money.proto", "money", 2)], read);
    expect(r).toEqual({ kind: "ok", value: new Map([["address.proto", "ADDRESS"], ["country.proto", "COUNTRY"], ["money.proto", "MONEY"]]) });
    expect(reads).toEqual(["address v1", "country v1", "money v2"]);
  });

  it("no references: an empty map, no read", async () => {
    const { read, reads } = store({});
    expect(await resolveReferences(undefined, read)).toEqual({ kind: "ok", value: new Map() });
    expect(await resolveReferences([], read)).toEqual({ kind: "ok", value: new Map() });
    expect(reads).toEqual([]);
  });

  it("a reference that is not there answers notRecorded naming it and the chain that led to it", async () => {
    const { read } = store({ "a v1": { schema: "A", references: [ref("b.json", "b", 3)] } });
    expect(await resolveReferences([ref("a.json", "a")], read)).toEqual({
      kind: "notRecorded",
      what: "referenced schema b v3 (via a v1): version 3 of schema registry subject b",
    });
  });

  it("a registry failure stays a failure (unavailable, with its reason)", async () => {
    const read = async () => unavailable<ReferencedText>("version 1 of subject a", "registry answered HTTP 503");
    expect(await resolveReferences([ref("a.json", "a")], read)).toMatchObject({ kind: "unavailable", reason: "registry answered HTTP 503", what: "referenced schema a v1: version 1 of subject a" });
  });

  it("refuses a cycle, naming it", async () => {
    const { read } = store({
      "a v1": { schema: "A", references: [ref("b.json", "b")] },
      "b v1": { schema: "B", references: [ref("a.json", "a")] },
    });
    expect(await resolveReferences([ref("a.json", "a")], read)).toEqual({ kind: "notRecorded", what: "schema references: a cycle (a v1 -> b v1 -> a v1)" });
  });

  it("refuses a chain deeper than the guard", async () => {
    const entries: Record<string, ReferencedText> = {};
    for (let i = 0; i < 5; i++) entries[`s${i} v1`] = { schema: `S${i}`, references: [ref(`s${i + 1}.proto`, `s${i + 1}`)] };
    entries["s5 v1"] = { schema: "S5" };
    const { read } = store(entries);
    expect(await resolveReferences([ref("s0.proto", "s0")], read, 6)).toMatchObject({ kind: "ok" });
    expect(await resolveReferences([ref("s0.proto", "s0")], read, 5)).toEqual({
      kind: "notRecorded",
      what: "schema references: deeper than 5 (s0 v1 -> s1 v1 -> s2 v1 -> s3 v1 -> s4 v1 -> s5 v1)",
    });
  });

  it("refuses one name bound to two different schemas", async () => {
    const { read } = store({ "a v1": { schema: "A1" }, "a v2": { schema: "A2" } });
    expect(await resolveReferences([ref("a.proto", "a", 1), ref("a.proto", "a", 2)], read)).toEqual({
      kind: "notRecorded",
      what: 'schema references: the name "a.proto" is bound to two different schemas (a v2 and an earlier one)',
    });
  });
});

describe("replay: references resolve from the recording", () => {
  const address = JSON.stringify({ type: "record", name: "Address", namespace: "com.acme", fields: [{ name: "city", type: "string" }] });
  const order = (extra: object[] = []) =>
    JSON.stringify({ type: "record", name: "Order", namespace: "com.acme", fields: [{ name: "id", type: "string" }, { name: "ship_to", type: "com.acme.Address" }, ...extra] });
  const incident = scenario({
    extra: {
      schemaRegistry: {
        subjects: [
          { subject: "address", compatibility: "BACKWARD", versions: [{ version: 1, id: 7, schemaType: "AVRO", schema: address }] },
          {
            subject: "orders-value",
            compatibility: "BACKWARD",
            versions: [{ version: 1, id: 8, schemaType: "AVRO", schema: order(), references: [ref("com.acme.Address", "address")] }],
          },
        ],
        proposed: [],
        referenced: [{ subject: "legacy-address", version: 4, schemaType: "AVRO", schema: address }],
      },
    },
  });
  const registry = replayPorts(incident).registry;

  it("serves a referenced version from the subjects, else from `referenced`, else notRecorded", async () => {
    expect(await registry.schemaVersion("address", 1)).toEqual({ kind: "ok", value: { subject: "address", version: 1, id: 7, schemaType: "AVRO", schema: address } });
    expect(await registry.schemaVersion("legacy-address", 4)).toEqual({ kind: "ok", value: { subject: "legacy-address", version: 4, schemaType: "AVRO", schema: address } });
    expect(await registry.schemaVersion("address", 2)).toEqual({ kind: "notRecorded", what: "version 2 of schema registry subject address", entity: { subject: "address" } });
  });

  it("a candidate whose reference the recording lacks: notRecorded naming the reference, never a verdict", async () => {
    const r = await registry.testCompatibility({ subject: "orders-value", schemaType: "AVRO", schema: order(), references: [ref("com.acme.Address", "address", 9)] });
    expect(r).toEqual({ kind: "notRecorded", what: "the candidate's referenced schema address v9: version 9 of schema registry subject address", entity: { subject: "address" } });
  });

  it("an existing version's reference that the recording lacks: notRecorded naming the version", async () => {
    const broken = replayPorts(
      scenario({
        extra: {
          schemaRegistry: {
            subjects: [{ subject: "orders-value", compatibility: "BACKWARD", versions: [{ version: 1, id: 8, schemaType: "AVRO", schema: order(), references: [ref("com.acme.Address", "address")] }] }],
            proposed: [],
          },
        },
      }),
    ).registry;
    const r = await broken.testCompatibility({ subject: "orders-value", schemaType: "AVRO", schema: order(), references: [] });
    expect(r).toMatchObject({ kind: "notRecorded", what: "version 1's referenced schema address v1: version 1 of schema registry subject address" });
  });
});
