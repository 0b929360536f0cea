import { describe, expect, it } from "vitest";
import { BadInputError } from "../errors.ts";
import { parseIncident, parseIncidentText } from "./parse.ts";

const minimal = () => ({
  format: "kafka-incident/v1",
  id: "a-1",
  title: "t",
  snapshots: [{ at: "2026-11-02T03:00:00Z", groups: [{ groupId: "g", state: "Stable", offsets: { t: { "0": "12" } } }] }],
});

function errorOf(value: unknown): string {
  try {
    parseIncident(value, "f.json");
  } catch (error) {
    expect(error).toBeInstanceOf(BadInputError);
    return (error as Error).message;
  }
  throw new Error("expected a BadInputError");
}

describe("parseIncident", () => {
  it("accepts the minimal incident and fills the contract's defaults", () => {
    const incident = parseIncident(minimal());
    expect(incident.cluster).toEqual({ id: "unknown", flavor: "unknown" });
    expect(incident.snapshots[0]!.groups[0]).toMatchObject({ protocolType: "consumer", protocol: "", members: [] });
  });
  it("ignores top-level x- keys and rejects other unknown keys", () => {
    expect(() => parseIncident({ ...minimal(), "x-source": "pager" })).not.toThrow();
    expect(errorOf({ ...minimal(), extra: 1 })).toBe('f.json: incident.extra: unknown key "extra" (extensions must start with "x-")');
  });
  it("names the JSON path of a wrong type", () => {
    const bad = minimal();
    (bad.snapshots[0]!.groups[0] as { offsets: unknown }).offsets = [];
    expect(errorOf(bad)).toBe("f.json: incident.snapshots[0].groups[0].offsets: expected object, got array");
  });
  it("wants offsets as decimal strings within int64", () => {
    const asNumber = minimal();
    (asNumber.snapshots[0]!.groups[0]!.offsets.t as Record<string, unknown>)["0"] = 12;
    expect(errorOf(asNumber)).toBe('f.json: incident.snapshots[0].groups[0].offsets.t["0"]: expected string, got number');
    const huge = minimal();
    huge.snapshots[0]!.groups[0]!.offsets.t["0"] = "99999999999999999999";
    expect(errorOf(huge)).toBe('f.json: incident.snapshots[0].groups[0].offsets.t["0"]: offset exceeds int64');
    const negative = minimal();
    negative.snapshots[0]!.groups[0]!.offsets.t["0"] = "-1";
    expect(errorOf(negative)).toBe('f.json: incident.snapshots[0].groups[0].offsets.t["0"]: expected an offset as a decimal string of digits');
  });
  it("rejects snapshots out of order, naming the later one", () => {
    const bad = { ...minimal(), snapshots: [{ at: "2026-11-02T03:01:00Z" }, { at: "2026-11-02T03:00:00Z" }] };
    expect(errorOf(bad)).toBe("f.json: incident.snapshots[1].at: snapshots out of order: expected oldest first");
  });
  it("rejects the wrong format and an empty snapshot list", () => {
    expect(errorOf({ ...minimal(), format: "kafka-incident/v2" })).toBe('f.json: incident.format: expected one of "kafka-incident/v1"');
    expect(errorOf({ ...minimal(), snapshots: [] })).toBe("f.json: incident.snapshots: expected at least one snapshot");
  });
  it("says when the text is not JSON", () => {
    expect(() => parseIncidentText("{", "f.json")).toThrow(/^f\.json: \$: not valid JSON/);
  });
  it("accepts a leading UTF-8 byte order mark, as the CLI does", () => {
    expect(parseIncidentText(`\ufeff${JSON.stringify(minimal())}`, "f.json").id).toBe("a-1");
    expect(() => parseIncidentText("\ufeff\ufeff{}", "f.json")).toThrow(/^f\.json: \$: not valid JSON/);
  });
});
