import { describe, expect, it } from "vitest";
import type { SchemaReference, Subject } from "../../contract/incident.ts";
import { notRecorded, ok, unavailable, type RegistryPort, type SubjectVersion } from "../ports.ts";
import { referencedVersions } from "./referenced-versions.ts";

const ref = (name: string, subject: string, version = 1): SchemaReference => ({ name, subject, version });

function registry(versions: Record<string, SubjectVersion | "down">): RegistryPort & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    subjects: async () => ok([]),
    proposed: async () => ok([]),
    testCompatibility: async () => notRecorded("not used"),
    schemaVersion: async (subject, version) => {
      reads.push(`${subject} v${version}`);
      const v = versions[`${subject} v${version}`];
      if (v === "down") return unavailable(`version ${version} of subject ${subject}`, "registry answered HTTP 503");
      return v ? ok(v) : notRecorded(`version ${version} of schema registry subject ${subject}`);
    },
  };
}

const subjects: Subject[] = [
  { subject: "common", compatibility: "BACKWARD", versions: [{ version: 1, id: 1, schemaType: "PROTOBUF", schema: "C1" }] },
  {
    subject: "orders-value",
    compatibility: "BACKWARD",
    versions: [
      { version: 1, id: 2, schemaType: "PROTOBUF", schema: "O1", references: [ref("common.proto", "common"), ref("money.proto", "money", 3)] },
      { version: 2, id: 3, schemaType: "PROTOBUF", schema: "O2", references: [ref("money.proto", "money", 3), ref("gone.proto", "gone"), ref("flaky.proto", "flaky")] },
    ],
  },
];

describe("referencedVersions (recording)", () => {
  it("records referenced versions the subjects lack, nested ones too, each read once; says what it could not read", async () => {
    const port = registry({
      "money v3": { subject: "money", version: 3, id: 9, schemaType: "PROTOBUF", schema: "M3", references: [ref("currency.proto", "currency", 2), ref("common.proto", "common")] },
      "currency v2": { subject: "currency", version: 2, schemaType: "PROTOBUF", schema: "CU2" },
      "flaky v1": "down",
    });
    const r = await referencedVersions(port, subjects);
    expect(r.referenced).toEqual([
      { subject: "currency", version: 2, schemaType: "PROTOBUF", schema: "CU2" },
      { subject: "money", version: 3, id: 9, schemaType: "PROTOBUF", schema: "M3", references: [ref("currency.proto", "currency", 2), ref("common.proto", "common")] },
    ]);
    expect(r.faults).toEqual([
      "referenced schema gone v1: not found (version 1 of schema registry subject gone)",
      "referenced schema flaky v1: version 1 of subject flaky: registry answered HTTP 503",
    ]);
    expect(port.reads).toEqual(["money v3", "gone v1", "flaky v1", "currency v2"]);
  });

  it("nothing referenced: nothing read", async () => {
    const port = registry({});
    expect(await referencedVersions(port, [subjects[0]!])).toEqual({ referenced: [], faults: [] });
    expect(port.reads).toEqual([]);
  });
});
