import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parseIncident } from "../contract/parse.ts";
import { investigate } from "../investigate.ts";
import type { InvestigationEvent } from "./events.ts";

const incident = (name: string) => parseIncident(JSON.parse(readFileSync(new URL(`../fixtures/incidents/${name}.json`, import.meta.url), "utf8")), name);

describe("investigate(..., { onEvent })", () => {
  test("each node starts then finishes, each tool call of the report starts then finishes inside its agent's node, all before the report", async () => {
    const events: InvestigationEvent[] = [];
    const report = await investigate(incident("dlq-schema-mismatch-1"), { onEvent: (e) => events.push(e) });
    const nodes = events.flatMap((e) => (e.type === "agent" ? [`${e.phase} ${e.node}${e.phase === "finish" ? ` ${e.outcome}` : ""}`] : []));
    expect(nodes.slice(0, 2)).toEqual(["start triage", "finish triage ok"]);
    expect(nodes.slice(-4)).toEqual(["start incident_debugging", "finish incident_debugging ok", "start decide", "finish decide ok"]);
    expect(nodes.filter((n) => n.startsWith("start")).sort()).toEqual(["start decide", "start incident_debugging", "start quality", "start schema", "start streaming", "start triage"]);

    const finished = events.flatMap((e) => (e.type === "tool" && e.phase === "finish" ? [`${e.agent} ${e.tool} ${e.outcome}`] : []));
    expect(finished.sort()).toEqual(report.toolCalls.map((c) => `${c.agent} ${c.tool} ${c.outcome}`).sort());
    // A tool's events fall between its agent's node start and finish.
    const node = (agent: string) => (agent === "incident-debugging" ? "incident_debugging" : agent);
    events.forEach((e, i) => {
      if (e.type !== "tool") return;
      const start = events.findIndex((x) => x.type === "agent" && x.phase === "start" && x.node === node(e.agent));
      const finish = events.findIndex((x) => x.type === "agent" && x.phase === "finish" && x.node === node(e.agent));
      expect(start < i && i < finish, `${e.phase} ${e.agent} ${e.tool} at ${i}, node ${start}..${finish}`).toBe(true);
    });
  });

  test("the approval node stopping at the gate finishes as interrupted", async () => {
    const { NodeSqliteSaver } = await import("../state/sqlite-saver.ts");
    const { simulationPorts } = await import("../remediation/approvals/simulation.ts");
    const { remediationDeps } = await import("../remediation/approvals/session.ts");
    const { DEFAULT_POLICY } = await import("../remediation/policy.ts");
    const { Settings } = await import("../config/settings.ts");
    const inc = incident("lag-slow-consumer-1");
    const saver = await NodeSqliteSaver.open(":memory:");
    const events: InvestigationEvent[] = [];
    // Nothing is audited before the gate: only approvals and applies are.
    const audit = { append: async () => Promise.reject(new Error("audited before the gate")), entries: async () => [], where: "nowhere" };
    const deps = remediationDeps(simulationPorts(inc), DEFAULT_POLICY, { env: {}, settings: Settings.parse({}), secrets: [], audit }, { simulation: true });
    const report = await investigate(inc, { remediation: { mode: "approve", deps, checkpointer: saver }, onEvent: (e) => events.push(e) });
    expect(report.remediation?.awaitingApproval).toEqual([1]);
    const nodes = events.flatMap((e) => (e.type === "agent" && e.phase === "finish" ? [`${e.node} ${e.outcome}`] : []));
    expect(nodes.slice(-2)).toEqual(["prepare ok", "approval interrupted"]);
    saver.close();
  });

  test("a listener that throws does not stop the investigation", async () => {
    const quiet = await investigate(incident("healthy-1"));
    const loud = await investigate(incident("healthy-1"), {
      onEvent: () => {
        throw new Error("listener bug");
      },
    });
    expect([loud.decision, loud.primary, loud.toolCalls.length]).toEqual([quiet.decision, quiet.primary, quiet.toolCalls.length]);
  });
});
