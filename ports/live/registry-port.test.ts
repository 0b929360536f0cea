// The live RegistryPort over a nocked Confluent-API registry: level fallbacks, the registry's
// verdict vs the local reasons, 404s, 5xx/timeouts and secret redaction.
import nock from "nock";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Settings, secretsOf } from "../../config/settings.ts";
import { redactor } from "../../config/secret.ts";
import { callPolicy } from "./call.ts";
import { registryPort } from "./registry-port.ts";

const BASE = "http://registry.test:8081";
const CANARY = "canary-s3cret-123";
const settings = Settings.parse({
  schemaRegistry: { url: BASE, basicAuth: { username: "ops", password: CANARY } },
  calls: { deadline: "500ms", retries: 2, backoff: "5ms" },
});
const fresh = () => registryPort(settings, callPolicy(settings, redactor(secretsOf(settings))));
/** A new port per test: the client caches versions by subject and number. */
let port = fresh();
const AUTH = `Basic ${Buffer.from(`ops:${CANARY}`).toString("base64")}`;

const record = (fields: object[]) => JSON.stringify({ type: "record", name: "Order", fields });
const v1 = record([{ name: "id", type: "string" }]);
const v2 = record([{ name: "id", type: "string" }, { name: "amount", type: "double", default: 0 }]);
const breaking = record([{ name: "id", type: "string" }, { name: "amount", type: "double" }, { name: "currency", type: "string" }]);

const registry = () => nock(BASE, { reqheaders: { authorization: AUTH } });
const versions = (subject: string, list: number[]) => registry().get(`/subjects/${subject}/versions`).reply(200, list);
const version = (subject: string, v: number, schema: string, id = 100 + v, schemaType?: string) =>
  registry()
    .get(`/subjects/${subject}/versions/${v}`)
    .query(true)
    .reply(200, { subject, version: v, id, schema, ...(schemaType && { schemaType }) });

beforeAll(() => {
  nock.disableNetConnect();
});
beforeEach(() => {
  port = fresh();
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  expect(pending).toEqual([]);
});

function expectNoCanary(value: unknown) {
  expect(JSON.stringify(value)).not.toContain(CANARY);
}

describe("subjects()", () => {
  it("lists subjects with versions and levels: subject-level, else global (both spellings), else BACKWARD", async () => {
    registry().get("/subjects").reply(200, ["b-value", "a-value"]);
    versions("a-value", [2, 1]);
    version("a-value", 1, v1);
    version("a-value", 2, v2, 102, "AVRO");
    registry().get("/config/a-value").reply(200, { compatibilityLevel: "FULL" });
    versions("b-value", [1]);
    version("b-value", 1, '{"type":"object"}', 7, "JSON");
    // Confluent: no subject-level config -> 404 40408; the global one answers `compatibility`.
    registry().get("/config/b-value").reply(404, { error_code: 40408, message: "Subject 'b-value' does not have subject-level compatibility configured" });
    registry().get("/config").reply(200, { compatibility: "FORWARD_TRANSITIVE" });

    const read = await port.subjects();
    expect(read).toEqual({
      kind: "ok",
      value: [
        {
          subject: "a-value",
          compatibility: "FULL",
          versions: [
            { version: 1, id: 101, schemaType: "AVRO", schema: v1 },
            { version: 2, id: 102, schemaType: "AVRO", schema: v2 },
          ],
        },
        { subject: "b-value", compatibility: "FORWARD_TRANSITIVE", versions: [{ version: 1, id: 7, schemaType: "JSON", schema: '{"type":"object"}' }] },
      ],
    });
  });

  it("falls back to BACKWARD when the registry names no level at all", async () => {
    registry().get("/subjects").reply(200, ["c-value"]);
    versions("c-value", [1]);
    version("c-value", 1, v1);
    registry().get("/config/c-value").reply(404, { error_code: 40401, message: "Subject 'c-value' not found." });
    registry().get("/config").reply(200, {});
    const read = await port.subjects();
    expect(read.kind === "ok" && read.value[0]?.compatibility).toBe("BACKWARD");
  });

  it("skips a subject deleted between the listing and the read", async () => {
    registry().get("/subjects").reply(200, ["gone-value"]);
    registry().get("/subjects/gone-value/versions").reply(404, { error_code: 40401, message: "Subject 'gone-value' not found." });
    expect(await port.subjects()).toEqual({ kind: "ok", value: [] });
  });

  it("a registry answering 503 is unavailable after the bounded retries, with the reason and no secret", async () => {
    registry().get("/subjects").times(3).reply(503, { error_code: 50003, message: `backend down (user ops:${CANARY})` });
    const read = await port.subjects();
    expect(read.kind).toBe("unavailable");
    if (read.kind !== "unavailable") return;
    expect(read.reason).toContain("HTTP 503");
    expect(read.reason).toContain("backend down");
    expect(read.reason).toContain("[redacted]");
    expectNoCanary(read);
  });

  it("a 401 whose body echoes the Authorization header is unauthorized, with no credential in any form", async () => {
    const echo = `unauthorized: got header Authorization: ${AUTH}; password ${encodeURIComponent(CANARY)}${"x".repeat(400)}`;
    registry().get("/subjects").reply(401, { error_code: 40101, message: echo });
    const read = await port.subjects();
    expect(read.kind === "unavailable" && [read.cause, read.reason]).toEqual([
      "unauthorized",
      // Scrubbed first, then cut to the first 300 characters.
      `registry answered HTTP 401 (error_code 40101): unauthorized: got header Authorization: Basic [redacted]; password [redacted]${"x".repeat(400)}`.slice(0, 300),
    ]);
    expect(JSON.stringify(read)).not.toContain(AUTH.slice(6, 20));
  });

  it("a 503 then a success is read on the retry", async () => {
    registry().get("/subjects").reply(503, "Service Unavailable");
    registry().get("/subjects").reply(200, []);
    expect(await port.subjects()).toEqual({ kind: "ok", value: [] });
  });

  it("a 401 is not retried", async () => {
    registry().get("/subjects").once().reply(401, { error_code: 40101, message: "Unauthorized" });
    const read = await port.subjects();
    expect(read).toMatchObject({ kind: "unavailable", reason: expect.stringContaining("HTTP 401") });
    expectNoCanary(read);
  });

  it("a registry that does not answer in time is unavailable (deadline)", async () => {
    registry().get("/subjects").delay(2_000).reply(200, []);
    const read = await port.subjects();
    expect(read).toMatchObject({ kind: "unavailable", reason: expect.stringMatching(/no answer within 500 ms|timeout/) });
  });
});

describe("testCompatibility()", () => {
  const s = "orders-value";
  const subjectWith = (level: object, list: number[]) => {
    versions(s, list);
    registry().get(`/config/${s}`).reply(200, level);
  };

  it("uses the registry's verdict and its verbose messages when it gives them (Confluent)", async () => {
    subjectWith({ compatibilityLevel: "BACKWARD" }, [1, 2]);
    registry()
      .post(`/compatibility/subjects/${s}/versions/2`, (body) => body.schema === breaking && body.schemaType === undefined)
      .query({ verbose: "true" })
      .reply(200, {
        is_compatible: false,
        messages: [
          "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'currency' at path '/fields/2' in the new schema has no default value and is missing in the old schema', additionalInfo:'currency', version: 2}",
        ],
      });
    const answer = await port.testCompatibility({ subject: s, schemaType: "AVRO", schema: breaking });
    expect(answer).toEqual({
      kind: "ok",
      value: {
        compatible: false,
        messages: [expect.stringMatching(/^registry: \{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'.*currency/)],
        checkedAgainst: [2],
      },
    });
  });

  it("takes the reasons from the local checker when the registry gives none (Apicurio)", async () => {
    subjectWith({ compatibilityLevel: "BACKWARD" }, [1, 2]);
    registry().post(`/compatibility/subjects/${s}/versions/2`).query({ verbose: "true" }).reply(200, { is_compatible: false });
    version(s, 2, v2);
    const answer = await port.testCompatibility({ subject: s, schemaType: "AVRO", schema: breaking });
    expect(answer.kind).toBe("ok");
    if (answer.kind !== "ok") return;
    expect(answer.value.compatible).toBe(false);
    expect(answer.value.checkedAgainst).toEqual([2]);
    expect(answer.value.messages).toHaveLength(1);
    expect(answer.value.messages[0]).toMatch(/^registry verdict, reason from the local check: .*currency/);
  });

  it("keeps the registry's 'incompatible' when the local checker finds nothing, and says so", async () => {
    subjectWith({ compatibilityLevel: "BACKWARD" }, [1]);
    registry().post(`/compatibility/subjects/${s}/versions/1`).query({ verbose: "true" }).reply(200, { is_compatible: false });
    version(s, 1, v1);
    const answer = await port.testCompatibility({ subject: s, schemaType: "AVRO", schema: v2 });
    expect(answer).toEqual({
      kind: "ok",
      value: { compatible: false, messages: [expect.stringMatching(/^registry: incompatible under BACKWARD against version 1; it gave no reason/)], checkedAgainst: [1] },
    });
  });

  it("checks every version for a transitive level, and only those before `beforeVersion`", async () => {
    subjectWith({ compatibilityLevel: "BACKWARD_TRANSITIVE" }, [1, 2, 3]);
    registry().post(`/compatibility/subjects/${s}/versions/1`).query({ verbose: "true" }).reply(200, { is_compatible: true });
    registry().post(`/compatibility/subjects/${s}/versions/2`).query({ verbose: "true" }).reply(200, { is_compatible: false, messages: ["field amount: type changed"] });
    const answer = await port.testCompatibility({ subject: s, schemaType: "AVRO", schema: breaking, beforeVersion: 3 });
    expect(answer).toEqual({
      kind: "ok",
      value: { compatible: false, messages: ["registry: against version 2: field amount: type changed"], checkedAgainst: [1, 2] },
    });
  });

  it("a level other than the subject's is decided by the local checker (the registry cannot express it)", async () => {
    subjectWith({ compatibilityLevel: "NONE" }, [1]);
    version(s, 1, v1);
    const answer = await port.testCompatibility({ subject: s, schemaType: "AVRO", schema: breaking, level: "BACKWARD" });
    expect(answer.kind).toBe("ok");
    if (answer.kind !== "ok") return;
    expect(answer.value.compatible).toBe(false);
    expect(answer.value.messages[0]).toMatch(/^local check \(level BACKWARD asked, the subject's is NONE\): /);
  });

  it("sends the schemaType for JSON and PROTOBUF", async () => {
    subjectWith({ compatibilityLevel: "BACKWARD" }, [1]);
    registry()
      .post(`/compatibility/subjects/${s}/versions/1`, (body) => body.schemaType === "JSON")
      .query({ verbose: "true" })
      .reply(200, { is_compatible: true });
    expect(await port.testCompatibility({ subject: s, schemaType: "JSON", schema: '{"type":"object"}' })).toEqual({
      kind: "ok",
      value: { compatible: true, messages: [], checkedAgainst: [1] },
    });
  });

  it("an unknown subject is notRecorded", async () => {
    registry().get(`/subjects/${s}/versions`).reply(404, { error_code: 40401, message: `Subject '${s}' not found.` });
    expect(await port.testCompatibility({ subject: s, schemaType: "AVRO", schema: v1 })).toEqual({
      kind: "notRecorded",
      what: `schema registry subject ${s}`,
    });
  });

  it("a 404 that is not the registry's 'subject not found' (wrong URL, proxy) is unavailable", async () => {
    registry().get(`/subjects/${s}/versions`).reply(404, "<html>Not Found</html>");
    expect(await port.testCompatibility({ subject: s, schemaType: "AVRO", schema: v1 })).toMatchObject({ kind: "unavailable" });
  });

  it("a 5xx on the compatibility call is unavailable, without the secret", async () => {
    subjectWith({ compatibilityLevel: "BACKWARD" }, [1]);
    registry().post(`/compatibility/subjects/${s}/versions/1`).query({ verbose: "true" }).times(3).reply(500, { error_code: 50001, message: `store error for ${CANARY}` });
    const answer = await port.testCompatibility({ subject: s, schemaType: "AVRO", schema: v2 });
    expect(answer).toMatchObject({ kind: "unavailable", reason: expect.stringContaining("HTTP 500 (error_code 50001)") });
    expectNoCanary(answer);
  });
});

describe("without a registry", () => {
  it("every read is notRecorded", async () => {
    const none = registryPort(Settings.parse({}), callPolicy(Settings.parse({}), (t) => t));
    expect((await none.subjects()).kind).toBe("notRecorded");
    expect((await none.testCompatibility({ subject: "x", schemaType: "AVRO", schema: v1 })).kind).toBe("notRecorded");
    expect((await none.proposed()).kind).toBe("notRecorded");
  });
});
