/**
 * GET /openapi.json is generated from the routes' zod schemas; this checks live answers of every
 * route against it (Ajv, JSON Schema 2020-12, as OpenAPI 3.1 uses), so the document cannot say
 * one thing while the server does another.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fixture, fixtureText, heldLive, READ_TOKEN, readEvents, testServer, type TestServer } from "../test/http.ts";

// ajv-formats is CommonJS: its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

interface Doc {
  openapi: string;
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
  components: { schemas: Record<string, unknown> };
}

let server: TestServer;
let doc: Doc;
let ajv: Ajv2020;
const held = heldLive(fixture("lag-poison-message-1"));

beforeAll(async () => {
  server = await testServer({ kafka: { bootstrap: ["kafka.test:9092"] }, server: { concurrency: 1, queueDepth: 0, bodyLimit: 512 * 1024 } }, { live: held.live });
  const response = await server.request("/openapi.json", { token: null });
  expect(response.status).toBe(200);
  doc = (await response.json()) as Doc;
  ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  ajv.addSchema(doc as object, "openapi");
});
afterAll(() => server.stop());

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

/** Validates a live answer against the document's schema for that path, method, status and content type. */
function conforms(path: string, method: string, status: number, body: unknown, type = "application/json"): void {
  const operation = doc.paths[path]?.[method];
  expect(operation, `${method} ${path} is documented`).toBeDefined();
  const response = operation!.responses[String(status)];
  expect(response, `${method} ${path} documents ${status}`).toBeDefined();
  expect(response!.content?.[type], `${method} ${path} ${status} documents ${type}`).toBeDefined();
  const validate = ajv.getSchema(`openapi#/${pointer("paths", path, method, "responses", String(status), "content", type, "schema")}`)!;
  const ok = validate(body);
  expect(ok ? [] : validate.errors, `${method} ${path} ${status}`).toEqual([]);
}

describe("GET /openapi.json", () => {
  test("is OpenAPI 3.1 with every route, the contract documents as components, and bearer security", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual(["/alerts/alertmanager", "/healthz", "/investigations", "/investigations/{id}", "/investigations/{id}/approvals", "/investigations/{id}/events", "/metrics", "/openapi.json", "/readyz"]);
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(["KafkaIncidentInput", "KafkaInvestigation", "Investigation", "InvestigationEvent", "Error"]));
    expect((doc as unknown as { components: { securitySchemes: unknown } }).components.securitySchemes).toEqual({ bearer: { type: "http", scheme: "bearer", description: "a token of server.tokens: read-only or approver" } });
  });

  test("the request body schema accepts every recorded fixture it is given", () => {
    const validate = ajv.getSchema(`openapi#/${pointer("paths", "/investigations", "post", "requestBody", "content", "application/json", "schema")}`)!;
    for (const name of ["lag-poison-message-1", "dlq-schema-mismatch-1", "healthy-1"]) expect(validate(JSON.parse(fixtureText(name))), name).toBe(true);
    expect(validate({ live: {}, alert: { kind: "consumer_lag", summary: "lag", labels: { group: "g" } } })).toBe(true);
    expect(validate({ live: { bootstrap: "not-a-list" } })).toBe(false);
  });
});

describe("live answers conform to the document", () => {
  test("an investigation: 202, its events, 200 with the report", async () => {
    const posted = await server.request("/investigations", { json: fixtureText("lag-slow-consumer-1") });
    const accepted = await posted.json();
    conforms("/investigations", "post", 202, accepted);
    const { id } = accepted as { id: string };
    const events = await readEvents(await server.request(`/investigations/${id}/events`));
    expect(events.length).toBeGreaterThan(10);
    for (const e of events) conforms("/investigations/{id}/events", "get", 200, e.data, "text/event-stream");
    conforms("/investigations/{id}", "get", 200, await (await server.request(`/investigations/${id}`)).json());
  });

  test("the approval gate: held, approved (200), approved again (409)", async () => {
    const posted = await server.request("/investigations?mode=approve", { json: fixtureText("lag-slow-consumer-1") });
    const { id } = (await posted.json()) as { id: string };
    await readEvents(await server.request(`/investigations/${id}/events`));
    conforms("/investigations/{id}", "get", 200, await (await server.request(`/investigations/${id}`)).json());
    conforms("/investigations/{id}/approvals", "post", 200, await (await server.request(`/investigations/${id}/approvals`, { json: { decision: "approve", by: "alice", only: [1] } })).json());
    const again = await server.request(`/investigations/${id}/approvals`, { json: { decision: "approve", by: "alice" } });
    conforms("/investigations/{id}/approvals", "post", again.status, await again.json());
  });

  test("Alertmanager, the page while there is no report (406), a full queue (429), and the operations routes", async () => {
    const started = await server.request("/alerts/alertmanager", {
      json: { version: "4", status: "firing", alerts: [{ status: "firing", labels: { alertname: "KafkaConsumerLag", consumergroup: "orders-svc" }, annotations: {}, fingerprint: "ff01" }] },
    });
    expect(started.status).toBe(202);
    const answer = (await started.json()) as { investigations: { id: string }[] };
    conforms("/alerts/alertmanager", "post", 202, answer);
    await held.opened;
    const page = await server.request(`/investigations/${answer.investigations[0]!.id}`, { headers: { accept: "text/html" } });
    expect(page.status).toBe(406);
    conforms("/investigations/{id}", "get", 406, await page.json());
    const full = await server.request("/investigations", { json: fixtureText("lag-slow-consumer-1") });
    expect(full.status).toBe(429);
    conforms("/investigations", "post", 429, await full.json());
    held.release();

    conforms("/healthz", "get", 200, await (await server.request("/healthz", { token: null })).json());
    conforms("/readyz", "get", 200, await (await server.request("/readyz", { token: null })).json());
    const metrics = await server.request("/metrics", { token: READ_TOKEN });
    expect(metrics.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    conforms("/metrics", "get", 200, await metrics.text(), "text/plain");
  });

  test("error answers: 400, 401, 403, 404, 413", async () => {
    const cases: [string, string, Response][] = [
      ["/investigations", "post", await server.request("/investigations", { json: "{" })],
      ["/investigations", "post", await server.request("/investigations", { json: { live: {} }, token: "nope-nope-nope-nope" })],
      ["/investigations/{id}/approvals", "post", await server.request("/investigations/inv-x/approvals", { json: { decision: "approve", by: "a" }, token: READ_TOKEN })],
      ["/investigations/{id}", "get", await server.request("/investigations/inv-x")],
      ["/investigations", "post", await server.request("/investigations", { json: JSON.stringify({ pad: "x".repeat(600 * 1024) }) })],
    ];
    expect(cases.map(([, , r]) => r.status)).toEqual([400, 401, 403, 404, 413]);
    for (const [path, method, response] of cases) conforms(path, method, response.status, await response.json());
  });
});
