/**
 * The investigation routes through a real HTTP client against a running server: a recorded
 * incident in, 202, its events streamed, the report equal to what investigate() gives; a late
 * subscriber, a reconnect, the metrics it leaves.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { investigate } from "../investigate.ts";
import { fixture, fixtureText, readEvents, stable, testServer, type SseMessage, type TestServer } from "../test/http.ts";

let server: TestServer;
beforeAll(async () => {
  server = await testServer();
});
afterAll(() => server.stop());

const POISON = "lag-poison-message-1";

async function postIncident(name: string, query = "") {
  const response = await server.request(`/investigations${query}`, { json: fixtureText(name) });
  return { response, body: (await response.json()) as { id: string; status: string; links: { self: string; events: string; approvals?: string } } };
}

describe("POST /investigations with a recorded incident", () => {
  let id: string;
  let events: SseMessage[];

  beforeAll(async () => {
    const { response, body } = await postIncident(POISON);
    expect(response.status).toBe(202);
    id = body.id;
    expect(body).toEqual({ id, status: "running", links: { self: `/investigations/${id}`, events: `/investigations/${id}/events` } });
    expect(response.headers.get("location")).toBe(`/investigations/${id}`);
    const stream = await server.request(body.links.events);
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    events = await readEvents(stream);
  });

  test("the id is a fresh investigation id", () => {
    expect(id).toMatch(/^inv-\d{8}t\d{6}z-[0-9a-f]{6}$/);
  });

  test("the stream: status, the graph's nodes and tools starting and finishing, the report, done, end", () => {
    const kinds = events.map((e) => (e.event === "investigation" ? `investigation:${(e.data as { status: string }).status}` : e.event));
    expect(kinds.slice(0, 2)).toEqual(["investigation:queued", "investigation:running"]);
    expect(kinds.slice(-3)).toEqual(["report", "investigation:done", "end"]);
    const nodes = events.filter((e) => e.event === "agent").map((e) => `${(e.data as { phase: string }).phase} ${(e.data as { node: string }).node}`);
    expect(nodes[0]).toBe("start triage");
    expect(nodes[1]).toBe("finish triage");
    expect(nodes.at(-2)).toBe("start decide");
    expect(nodes.at(-1)).toBe("finish decide");
    expect(new Set(nodes)).toEqual(new Set(["start triage", "finish triage", "start streaming", "finish streaming", "start quality", "finish quality", "start incident_debugging", "finish incident_debugging", "start decide", "finish decide"]));
    // The ids count up from 1; `end` has none (a reconnect never resumes after it).
    expect(events.slice(0, -1).map((e) => e.id)).toEqual(events.slice(0, -1).map((_, i) => String(i + 1)));
    expect(events.at(-1)).toEqual({ event: "end", data: { type: "end", id, status: "done" } });
  });

  test("one tool finish event per tool call of the report, in the same order per agent", () => {
    const report = events.find((e) => e.event === "report")!.data as { report: { toolCalls: { agent: string; tool: string; outcome: string }[] } };
    const finished = events.filter((e) => e.event === "tool" && (e.data as { phase: string }).phase === "finish").map((e) => e.data as { agent: string; tool: string; outcome: string });
    const started = events.filter((e) => e.event === "tool" && (e.data as { phase: string }).phase === "start");
    expect(started.length).toBe(finished.length);
    const perAgent = (calls: { agent: string; tool: string; outcome: string }[]) => calls.map((c) => `${c.agent} ${c.tool} ${c.outcome}`).sort();
    expect(perAgent(finished)).toEqual(perAgent(report.report.toolCalls));
  });

  test("the report (event and GET) is what investigate() gives for the same incident", async () => {
    const direct = await investigate(fixture(POISON));
    const streamed = (events.find((e) => e.event === "report")!.data as { report: unknown }).report;
    expect(stable(streamed)).toEqual(stable(direct));
    const got = await server.request(`/investigations/${id}`);
    expect(got.status).toBe(200);
    const view = (await got.json()) as Record<string, unknown>;
    expect(stable(view.report)).toEqual(stable(direct));
    expect({ ...view, report: undefined, createdAt: undefined, updatedAt: undefined }).toEqual({
      id,
      status: "done",
      source: "recorded",
      mode: "propose",
      title: fixture(POISON).title,
      incidentId: fixture(POISON).id,
      links: { self: `/investigations/${id}`, events: `/investigations/${id}/events` },
    });
  });

  test("a late subscriber gets the whole history, then end", async () => {
    const again = await readEvents(await server.request(`/investigations/${id}/events`));
    expect(again).toEqual(events);
  });

  test("a reconnect with Last-Event-ID gets only what came after it", async () => {
    const after = await readEvents(await server.request(`/investigations/${id}/events`, { headers: { "last-event-id": String(events.length - 3) } }));
    expect(after.map((e) => e.event)).toEqual(["report", "investigation", "end"]);
  });

  test("/metrics counts it by decision and primary code, and the tool latency of each call", async () => {
    const text = await (await server.request("/metrics", { token: "read-only-token-0123456789" })).text();
    expect(text).toMatch(/^kafka_ops_investigations_total\{decision="remediate",primary="lag.poison_message",source="recorded"\} 1$/m);
    const toolCalls = events.filter((e) => e.event === "tool" && (e.data as { phase: string }).phase === "finish").length;
    const counts = [...text.matchAll(/^kafka_ops_tool_duration_seconds_count\{[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(counts).toBe(toolCalls);
    expect(text).toMatch(/^kafka_ops_queue_depth 0$/m);
    expect(text).toMatch(/^kafka_ops_investigations_in_flight 0$/m);
  });
});

describe("a browser asks for the page", () => {
  test("Accept: text/html answers the report page of a finished investigation", async () => {
    const { body } = await postIncident("lag-slow-consumer-1");
    await readEvents(await server.request(body.links.events));
    const page = await server.request(body.links.self, { headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toMatch(/^<!doctype html>/i);
  });
});

describe("GET /healthz and /readyz", () => {
  test("healthz answers ok without a token; readyz names its checks", async () => {
    expect(await (await server.request("/healthz", { token: null })).json()).toEqual({ status: "ok" });
    const ready = await server.request("/readyz", { token: null });
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { state: "ok" } });
  });
});
