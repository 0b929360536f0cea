// The live RegistryPort and schema references, over a nocked Confluent-API registry: a
// version's `references` are read, sent with a candidate, and resolved (nested, soft-deleted
// versions included) when the local checker decides.
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { Settings } from "../../config/settings.ts";
import { redactor } from "../../config/secret.ts";
import { callPolicy } from "./call.ts";
import { registryPort } from "./registry-port.ts";

const BASE = "http://registry-refs.test:8081";
const settings = Settings.parse({ schemaRegistry: { url: BASE }, calls: { deadline: "500ms", retries: 0, backoff: "5ms" } });
const port = () => registryPort(settings, callPolicy(settings, redactor([])));

const address = JSON.stringify({ type: "record", name: "Address", namespace: "com.acme", fields: [{ name: "city", type: "string" }] });
const order = JSON.stringify({ type: "record", name: "Order", namespace: "com.acme", fields: [{ name: "ship_to", type: "com.acme.Address" }] });
const refs = [{ name: "com.acme.Address", subject: "address", version: 1 }];

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

describe("live registry port: references", () => {
  it("reads a version's references; drops malformed entries", async () => {
    nock(BASE)
      .get("/subjects/orders-value/versions/2")
      .query(true)
      .reply(200, { subject: "orders-value", version: 2, id: 12, schema: order, references: [...refs, { name: "", subject: "x", version: 1 }, { name: "y", subject: "y", version: "latest" }] });
    expect(await port().schemaVersion("orders-value", 2)).toEqual({
      kind: "ok",
      value: { subject: "orders-value", version: 2, id: 12, schemaType: "AVRO", schema: order, references: refs },
    });
  });

  it("reads soft-deleted versions when resolving (?deleted=true) and a missing one is notRecorded", async () => {
    nock(BASE).get("/subjects/address/versions/1").query({ deleted: "true" }).reply(200, { subject: "address", version: 1, id: 3, schema: address });
    nock(BASE).get("/subjects/address/versions/9").query(true).reply(404, { error_code: 40402, message: "Version 9 not found." });
    const p = port();
    expect(await p.schemaVersion("address", 1)).toMatchObject({ kind: "ok", value: { schema: address } });
    expect(await p.schemaVersion("address", 9)).toEqual({ kind: "notRecorded", what: "version 9 of schema registry subject address", entity: { subject: "address" } });
  });

  it("sends the candidate's references with the registry's compatibility check", async () => {
    nock(BASE).get("/subjects/orders-value/versions").reply(200, [1]);
    nock(BASE).get("/config/orders-value").reply(200, { compatibilityLevel: "BACKWARD" });
    let body: unknown;
    nock(BASE)
      .post("/compatibility/subjects/orders-value/versions/1", (b) => ((body = b), true))
      .query({ verbose: "true" })
      .reply(200, { is_compatible: true });
    const r = await port().testCompatibility({ subject: "orders-value", schemaType: "AVRO", schema: order, references: refs });
    expect(r).toEqual({ kind: "ok", value: { compatible: true, messages: [], checkedAgainst: [1] } });
    expect(body).toEqual({ schema: order, references: refs });
  });

  it("a registry verdict without reasons stands when the local check cannot resolve a reference", async () => {
    nock(BASE).get("/subjects/orders-value/versions").reply(200, [1]);
    nock(BASE).get("/config/orders-value").reply(200, { compatibilityLevel: "BACKWARD" });
    nock(BASE).post("/compatibility/subjects/orders-value/versions/1").query(true).reply(200, { is_compatible: false });
    nock(BASE).get("/subjects/orders-value/versions/1").query(true).reply(200, { subject: "orders-value", version: 1, id: 11, schema: address });
    nock(BASE).get("/subjects/address/versions/1").query(true).reply(404, { error_code: 40401, message: "Subject 'address' not found." });
    const r = await port().testCompatibility({ subject: "orders-value", schemaType: "AVRO", schema: order, references: refs });
    expect(r).toEqual({
      kind: "ok",
      value: {
        compatible: false,
        messages: [
          "registry: incompatible under BACKWARD against version 1; it gave no reason and the local check could not run (the candidate's referenced schema address v1: version 1 of schema registry subject address)",
        ],
        checkedAgainst: [1],
      },
    });
  });
});
