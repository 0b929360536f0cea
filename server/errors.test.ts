/**
 * What a client that gets it wrong is told, through a real HTTP client: the status, and one JSON
 * object `{ error: "one line" }` with no stack trace. And the limits: body size, the queue (429
 * with Retry-After), shutdown (503, running investigations finish).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { APPROVER_TOKEN, fixture, fixtureText, heldLive, READ_TOKEN, readEvents, testServer, type TestServer } from "../test/http.ts";

const POISON = "lag-poison-message-1";

/** The answer must be exactly one JSON object with one key, a one-line `error`. */
async function errorOf(response: Response): Promise<{ status: number; error: string }> {
  expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
  const text = await response.text();
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(Object.keys(body)).toEqual(["error"]);
  expect(String(body.error)).not.toMatch(/\n|\s at |\.ts:\d+/);
  return { status: response.status, error: body.error as string };
}

describe("bad requests", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await testServer({ server: { bodyLimit: 4096 } });
  });
  afterAll(() => server.stop());

  test("no token: 401 with WWW-Authenticate", async () => {
    const response = await server.request("/investigations/inv-x", { token: null });
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="kafka-ops"');
    expect(await errorOf(response)).toEqual({ status: 401, error: "missing bearer token (Authorization: Bearer TOKEN)" });
  });

  test("a wrong token: 401", async () => {
    expect(await errorOf(await server.request("/investigations/inv-x", { token: `${READ_TOKEN}x` }))).toEqual({ status: 401, error: "invalid bearer token" });
    expect(await errorOf(await server.request("/investigations/inv-x", { token: null, headers: { authorization: `Basic ${READ_TOKEN}` } }))).toEqual({ status: 401, error: "invalid bearer token" });
  });

  test("a read-only token on approvals: 403", async () => {
    const response = await server.request("/investigations/inv-x/approvals", { token: READ_TOKEN, json: { decision: "approve", by: "alice" } });
    expect(await errorOf(response)).toEqual({ status: 403, error: "this needs the approver role; the token given is read-only" });
  });

  test("a read-only token asking for mode auto: 403", async () => {
    const response = await server.request("/investigations?mode=auto", { token: READ_TOKEN, json: { live: {} } });
    expect(await errorOf(response)).toEqual({ status: 403, error: "mode auto applies actions unattended: it needs the approver role" });
  });

  test("an oversized body: 413", async () => {
    const response = await server.request("/investigations", { json: fixtureText(POISON) });
    expect(await errorOf(response)).toEqual({ status: 413, error: "request body larger than 4096 bytes (server.bodyLimit)" });
  });

  test("malformed JSON: 400", async () => {
    expect(await errorOf(await server.request("/investigations", { json: '{"format": "kafka-incident/v1",' }))).toEqual({ status: 400, error: "request body: not valid JSON" });
  });

  test("a body that breaks the contract: 400 naming the JSON path", async () => {
    const bad = { format: "kafka-incident/v1", id: "x1", title: "t", snapshots: [{ takenAt: "yesterday" }] };
    expect(await errorOf(await server.request("/investigations", { json: bad }))).toEqual({
      status: 400,
      error: "request: incident.snapshots[0].at: expected string, got nothing (missing) (and 1 more problems)",
    });
    expect(await errorOf(await server.request("/investigations", { json: { live: { bootstrap: ["nohost"] } } }))).toEqual({ status: 400, error: "request: body.live.bootstrap[0]: expected host:port" });
    expect(await errorOf(await server.request("/investigations/inv-x/approvals", { json: { decision: "maybe", by: "alice" } }))).toEqual({ status: 400, error: 'request: body.decision: expected one of "approve", "reject"' });
    expect(await errorOf(await server.request("/investigations/inv-x/approvals", { json: { decision: "reject", by: "alice" } }))).toEqual({ status: 400, error: "request: body.reason: a reason is required to reject" });
    expect(await errorOf(await server.request("/investigations?mode=yolo", { json: { live: {} } }))).toEqual({ status: 400, error: 'request: query.mode: expected one of "propose", "dry-run", "approve", "auto"' });
  });

  test("not JSON at all: 415", async () => {
    const response = await server.request("/investigations", { method: "POST", body: "hello", headers: { "content-type": "text/plain" } });
    expect(await errorOf(response)).toEqual({ status: 415, error: "unsupported content type (send application/json)" });
  });

  test("an unknown id: 404, on every route that takes one", async () => {
    expect(await errorOf(await server.request("/investigations/inv-nope"))).toEqual({ status: 404, error: 'no investigation "inv-nope"' });
    expect(await errorOf(await server.request("/investigations/inv-nope/events"))).toEqual({ status: 404, error: 'no investigation "inv-nope"' });
    expect(await errorOf(await server.request("/investigations/inv-nope/approvals", { json: { decision: "approve", by: "alice" } }))).toEqual({ status: 404, error: 'no investigation "inv-nope"' });
    expect(await errorOf(await server.request("/nowhere"))).toEqual({ status: 404, error: "no route GET /nowhere" });
  });

  test("a live investigation on a server without a live cluster: 400", async () => {
    expect(await errorOf(await server.request("/investigations", { json: { live: {} } }))).toEqual({ status: 400, error: "this server has no live cluster configured (kafka.bootstrap in its --config)" });
  });

  test("a secret echoed into an answer is redacted", async () => {
    const response = await server.request(`/investigations/${APPROVER_TOKEN}`);
    expect(await errorOf(response)).toEqual({ status: 404, error: 'no investigation "[redacted]"' });
  });
});

describe("the queue", () => {
  let server: TestServer;
  const held = heldLive(fixture(POISON));
  beforeAll(async () => {
    server = await testServer({ kafka: { bootstrap: ["kafka.test:9092"] }, server: { concurrency: 1, queueDepth: 1 } }, { live: held.live });
  });
  afterAll(() => server.stop());

  test("one running and one waiting: the next is refused with 429 and Retry-After; once free, all finish", async () => {
    const first = await server.request("/investigations", { json: { live: {} } });
    expect(first.status).toBe(202);
    await held.opened;
    const second = await server.request("/investigations", { json: fixtureText(POISON) });
    expect(second.status).toBe(202);
    expect(((await second.json()) as { status: string }).status).toBe("queued");
    const third = await server.request("/investigations", { json: fixtureText(POISON) });
    expect(third.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    expect(await errorOf(third)).toEqual({ status: 429, error: "too many investigations waiting (1, server.queueDepth); retry later" });
    const metrics = await (await server.request("/metrics")).text();
    expect(metrics).toMatch(/^kafka_ops_queue_depth 1$/m);
    expect(metrics).toMatch(/^kafka_ops_investigations_in_flight 1$/m);
    expect(metrics).toMatch(/^kafka_ops_investigations_refused_total\{reason="queue_full"\} 1$/m);

    const elsewhere = await server.request("/investigations", { json: { live: { bootstrap: ["other.test:9092"] } } });
    expect(await errorOf(elsewhere)).toEqual({ status: 400, error: "live.bootstrap: other.test:9092 not allowed by this server (kafka.bootstrap and server.allowedBootstraps list what it may connect to)" });

    held.release();
    const { id } = (await first.json()) as { id: string };
    const events = await readEvents(await server.request(`/investigations/${id}/events`));
    expect(events.at(-1)?.data).toEqual({ type: "end", id, status: "done" });
    const view = (await (await server.request(`/investigations/${id}`)).json()) as { source: string; title: string; report: { primary: string } };
    expect([view.source, view.title, view.report.primary]).toEqual(["live", "live investigation of the cluster on kafka.test:9092", "lag.poison_message"]);
  });
});

describe("graceful shutdown", () => {
  test("nothing new starts (503); the running investigation finishes before the server closes", async () => {
    const held = heldLive(fixture(POISON));
    const server = await testServer({ kafka: { bootstrap: ["kafka.test:9092"] } }, { live: held.live });
    const running = await server.request("/investigations", { json: { live: {} } });
    const { id } = (await running.json()) as { id: string };
    await held.opened;
    const stream = server.request(`/investigations/${id}/events`).then(readEvents);
    const stopped = server.shutdown(10_000);
    expect(await errorOf(await server.request("/investigations", { json: fixtureText(POISON) }))).toEqual({ status: 503, error: "the server is shutting down: not starting investigations" });
    expect(await errorOf(await server.request("/readyz", { token: null }))).toEqual({ status: 503, error: "not ready: shutting down" });
    held.release();
    expect(await stopped).toBe(true);
    const events = await stream;
    expect(events.slice(-3).map((e) => e.event)).toEqual(["report", "investigation", "end"]);
    expect(events.at(-1)?.data).toEqual({ type: "end", id, status: "done" });
    await server.stop();
  });
});
