// The live RegistryPort against the REAL Apicurio Registry 3.0.9 (Confluent API) started by
// devtools/cluster/global-setup.ts. Run: node_modules/.bin/vitest run -c devtools/vitest.int.config.ts ports/live
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { Settings } from "../../config/settings.ts";
import { redactor } from "../../config/secret.ts";
import type { Subject } from "../../contract/incident.ts";
import { callPolicy } from "./call.ts";
import { registryPort } from "./registry-port.ts";

const url = inject("schemaRegistryUrl");
const suffix = `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
const subject = `it-orders-${suffix}-value`;

const field = (name: string, type: unknown, extra: object = {}) => ({ name, type, ...extra });
const record = (fields: object[]) => JSON.stringify({ type: "record", name: "Order", namespace: "it", fields });
const v1 = record([field("id", "string"), field("amount", "double")]);
const v2 = record([field("id", "string"), field("amount", "double"), field("currency", "string", { default: "EUR" })]); // compatible
const v3 = record([field("id", "string"), field("amount", "string"), field("currency", "string", { default: "EUR" })]); // breaking: amount double -> string

const headers = { "Content-Type": "application/vnd.schemaregistry.v1+json" };
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${url}${path}`, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
  return { status: res.status, json: await res.json().catch(() => null) };
}

const settings = Settings.parse({ schemaRegistry: { url }, calls: { deadline: "10s", retries: 1, backoff: "50ms" } });
const port = registryPort(settings, callPolicy(settings, redactor([])));

// The registry is shared by every integration test file: a breaking subject left behind would
// become every later live investigation's schema.incompatible_change.
afterAll(async () => {
  for (const s of [subject, `it-plain-${suffix}-value`]) {
    await call("DELETE", `/subjects/${s}`);
    await call("DELETE", `/subjects/${s}?permanent=true`);
  }
});

describe("registryPort against Apicurio (real)", () => {
  it("reads v1..v3 registered the way real incidents happen (NONE, register the breaking one, back to BACKWARD)", async () => {
    expect((await call("POST", `/subjects/${subject}/versions`, { schema: v1 })).status).toBe(200);
    expect((await call("PUT", `/config/${subject}`, { compatibility: "BACKWARD" })).status).toBe(200);
    expect((await call("POST", `/subjects/${subject}/versions`, { schema: v2 })).status).toBe(200);
    // Apicurio refuses the breaking version while BACKWARD is set...
    expect((await call("POST", `/subjects/${subject}/versions`, { schema: v3 })).status).toBe(409);
    // ...so, as a deployer in a hurry does: NONE, register, BACKWARD again.
    expect((await call("PUT", `/config/${subject}`, { compatibility: "NONE" })).status).toBe(200);
    expect((await call("POST", `/subjects/${subject}/versions`, { schema: v3 })).status).toBe(200);
    expect((await call("PUT", `/config/${subject}`, { compatibility: "BACKWARD" })).status).toBe(200);

    const read = await port.subjects();
    expect(read.kind).toBe("ok");
    if (read.kind !== "ok") return;
    const mine = read.value.find((s) => s.subject === subject) as Subject;
    expect(mine).toBeDefined();
    expect(mine.compatibility).toBe("BACKWARD");
    expect(mine.versions.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(mine.versions.every((v) => v.schemaType === "AVRO" && typeof v.id === "number" && !("registeredAt" in v))).toBe(true);
    expect(JSON.parse(mine.versions[2]!.schema)).toMatchObject({ name: "Order" });
    expect(JSON.parse(mine.versions[2]!.schema).fields[1]).toMatchObject({ name: "amount", type: "string" });
  });

  it("tests a breaking candidate: the registry's verdict, the local checker's reasons", async () => {
    const breaking = record([field("id", "string"), field("amount", "double"), field("currency", "string")]); // v3 has amount string
    const answer = await port.testCompatibility({ subject, schemaType: "AVRO", schema: breaking });
    expect(answer.kind).toBe("ok");
    if (answer.kind !== "ok") return;
    expect(answer.value.compatible).toBe(false);
    expect(answer.value.checkedAgainst).toEqual([3]);
    expect(answer.value.messages.length).toBeGreaterThan(0);
    // Apicurio gives no reasons: the registry decided, the reason is local and names the field.
    expect(answer.value.messages.join("\n")).toMatch(/^registry verdict, reason from the local check: .*amount/m);
  });

  it("judges a registered version against the ones before it (beforeVersion)", async () => {
    const answer = await port.testCompatibility({ subject, schemaType: "AVRO", schema: v3, beforeVersion: 3 });
    expect(answer).toMatchObject({ kind: "ok", value: { compatible: false, checkedAgainst: [2] } });
    if (answer.kind === "ok") expect(answer.value.messages.join("\n")).toMatch(/amount/);

    const fine = await port.testCompatibility({ subject, schemaType: "AVRO", schema: v2, beforeVersion: 2 });
    expect(fine).toEqual({ kind: "ok", value: { compatible: true, messages: [], checkedAgainst: [1] } });
  });

  it("asks the local checker alone for a level the registry cannot express", async () => {
    const answer = await port.testCompatibility({ subject, schemaType: "AVRO", schema: v3, level: "BACKWARD_TRANSITIVE", beforeVersion: 3 });
    expect(answer).toMatchObject({ kind: "ok", value: { compatible: false, checkedAgainst: [1, 2] } });
    if (answer.kind === "ok") expect(answer.value.messages[0]).toMatch(/^local check \(level BACKWARD_TRANSITIVE asked, the subject's is BACKWARD\)/);
  });

  it("a compatible candidate passes on the registry's word", async () => {
    const next = record([field("id", "string"), field("amount", "string"), field("currency", "string", { default: "EUR" }), field("note", ["null", "string"], { default: null })]);
    expect(await port.testCompatibility({ subject, schemaType: "AVRO", schema: next })).toEqual({
      kind: "ok",
      value: { compatible: true, messages: [], checkedAgainst: [3] },
    });
  });

  it("an unknown subject is notRecorded (Apicurio would answer is_compatible:true for it)", async () => {
    const answer = await port.testCompatibility({ subject: `it-missing-${suffix}`, schemaType: "AVRO", schema: v1 });
    expect(answer.kind).toBe("notRecorded");
  });

  it("a subject without its own level gets the global one (Apicurio: NONE by default)", async () => {
    const plain = `it-plain-${suffix}-value`;
    expect((await call("POST", `/subjects/${plain}/versions`, { schema: v1 })).status).toBe(200);
    const global = (await call("GET", "/config")).json as { compatibilityLevel: string };
    const read = await port.subjects();
    expect(read.kind).toBe("ok");
    if (read.kind === "ok") expect(read.value.find((s) => s.subject === plain)?.compatibility).toBe(global.compatibilityLevel);
  });

  it("an invalid candidate is incompatible with the registry's reason", async () => {
    const answer = await port.testCompatibility({ subject, schemaType: "AVRO", schema: "not a schema" });
    expect(answer).toMatchObject({ kind: "ok", value: { compatible: false } });
    if (answer.kind === "ok") expect(answer.value.messages[0]).toMatch(/^registry: the registry rejected the candidate/);
  });

  it("proposed() is notRecorded live", async () => {
    expect((await port.proposed()).kind).toBe("notRecorded");
  });
});
