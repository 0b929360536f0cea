/**
 * The approval gate over HTTP: an investigation in mode approve stops at the gate (SQLite state
 * in a temp folder), POST /investigations/:id/approvals resumes it through the same session as
 * `kafka-ops approvals` (claimed once, applied on the replay's simulation, audited), and a
 * second decision is refused.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fixtureText, READ_TOKEN, readEvents, testServer, type TestServer } from "../test/http.ts";

let server: TestServer;
beforeAll(async () => {
  server = await testServer();
});
afterAll(() => server.stop());

interface View {
  id: string;
  status: string;
  awaitingApproval?: number[];
  links: { approvals?: string };
  report?: { actions: { kind: string; status: string; approval?: { decision: string; by: string } }[]; remediation?: { mode: string; investigationId?: string; awaitingApproval?: number[] } };
}

async function held(): Promise<View> {
  const posted = await server.request("/investigations?mode=approve", { json: fixtureText("lag-slow-consumer-1") });
  expect(posted.status).toBe(202);
  const { id } = (await posted.json()) as { id: string };
  const events = await readEvents(await server.request(`/investigations/${id}/events`));
  expect(events.at(-1)?.data).toEqual({ type: "end", id, status: "awaiting_approval" });
  const nodes = events.filter((e) => e.event === "agent" && (e.data as { phase: string }).phase === "finish").map((e) => `${(e.data as { node: string }).node} ${(e.data as { outcome: string }).outcome}`);
  expect(nodes.slice(-2)).toEqual(["prepare ok", "approval interrupted"]);
  return (await (await server.request(`/investigations/${id}`)).json()) as View;
}

describe("POST /investigations/:id/approvals", () => {
  test("mode approve stops at the gate; approve applies the action once; a second approve is refused", async () => {
    const view = await held();
    expect([view.status, view.awaitingApproval, view.links.approvals]).toEqual(["awaiting_approval", [1], `/investigations/${view.id}/approvals`]);
    expect(view.report?.actions.map((a) => `${a.kind} ${a.status}`)).toEqual(["scale_consumers dry-run"]);
    expect(view.report?.remediation).toEqual({ mode: "approve", investigationId: view.id, awaitingApproval: [1], target: "simulation on recorded incident lag-slow-consumer-1 (in memory: no cluster is changed)" });

    const readOnly = await server.request(`/investigations/${view.id}/approvals`, { token: READ_TOKEN, json: { decision: "approve", by: "alice" } });
    expect(readOnly.status).toBe(403);

    const approved = await server.request(`/investigations/${view.id}/approvals`, { json: { decision: "approve", by: "alice" } });
    expect(approved.status).toBe(200);
    const after = (await approved.json()) as View;
    expect(after.status).toBe("done");
    expect(after.links.approvals).toBeUndefined();
    expect(after.report?.actions.map((a) => [a.kind, a.status, a.approval?.decision, a.approval?.by])).toEqual([["scale_consumers", "applied", "approved", "alice"]]);

    const again = await server.request(`/investigations/${view.id}/approvals`, { json: { decision: "approve", by: "bob" } });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: string }).error).toMatch(new RegExp(`^investigation ${view.id} was already decided: approved by alice at \\S+; applied 1$`));

    // GET and the events say what happened after the gate too.
    const got = (await (await server.request(`/investigations/${view.id}`)).json()) as View;
    expect(got.status).toBe("done");
    const events = await readEvents(await server.request(`/investigations/${view.id}/events`));
    const statuses = events.filter((e) => e.event === "investigation").map((e) => (e.data as { status: string }).status);
    expect(statuses).toEqual(["queued", "running", "awaiting_approval", "running", "done"]);

    const audit = readFileSync(join(server.dir, "audit.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { event: string; by?: string; investigationId: string });
    expect(audit.map((e) => [e.event, e.by ?? null, e.investigationId])).toEqual([["approved", "alice", view.id], ["applied", null, view.id], ["verified", null, view.id]]);
  });

  test("reject records the decision and applies nothing", async () => {
    const view = await held();
    const rejected = await server.request(`/investigations/${view.id}/approvals`, { json: { decision: "reject", by: "carol", reason: "not during the freeze" } });
    expect(rejected.status).toBe(200);
    const after = (await rejected.json()) as View;
    expect(after.report?.actions.map((a) => [a.status, a.approval?.decision, a.approval?.by])).toEqual([["rejected", "rejected", "carol"]]);
  });

  test("an index the gate does not hold is refused, and the gate still holds the action", async () => {
    const view = await held();
    const wrong = await server.request(`/investigations/${view.id}/approvals`, { json: { decision: "approve", by: "alice", only: [2] } });
    expect(wrong.status).toBe(409);
    expect(await wrong.json()).toEqual({ error: `investigation ${view.id}: the gate does not hold action 2 (it holds 1)` });
    const still = (await (await server.request(`/investigations/${view.id}`)).json()) as View;
    expect([still.status, still.awaitingApproval]).toEqual(["awaiting_approval", [1]]);
  });

  test("an investigation that never stops at the gate (mode propose): 409", async () => {
    const posted = await server.request("/investigations", { json: fixtureText("lag-slow-consumer-1") });
    const { id } = (await posted.json()) as { id: string };
    await readEvents(await server.request(`/investigations/${id}/events`));
    const response = await server.request(`/investigations/${id}/approvals`, { json: { decision: "approve", by: "alice" } });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ error: `investigation ${id} does not stop at the approval gate (mode propose; start it with ?mode=approve)` });
  });
});

describe("a restarted server", () => {
  test("finds the investigation at the gate in the state store, and approves it there", async () => {
    const view = await held();
    const other = await testServer({ state: { dir: server.dir } });
    try {
      const got = await other.request(`/investigations/${view.id}`);
      expect(got.status).toBe(200);
      const stored = (await got.json()) as View & { source: string; mode: string };
      expect([stored.status, stored.source, stored.mode, stored.awaitingApproval, stored.report]).toEqual(["awaiting_approval", "recorded", "approve", [1], undefined]);
      const approved = await other.request(`/investigations/${view.id}/approvals`, { json: { decision: "approve", by: "dave" } });
      expect(approved.status).toBe(200);
      const after = (await approved.json()) as View;
      expect([after.status, after.report?.actions[0]?.status]).toEqual(["done", "applied"]);
    } finally {
      await other.shutdown(5_000);
    }
  });
});
