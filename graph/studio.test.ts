/**
 * LangGraph Studio: langgraph.json points at graph/studio.ts, and the state schema extracts
 * with every key. Checked the way Studio gets it: the LangGraph CLI's own dev server
 * (`langgraphjs dev`, the binary `npx @langchain/langgraph-cli dev` runs) answering
 * /assistants/{id}/schemas, and its extraction function (@langchain/langgraph-api/schema) in
 * this process. The static TypeScript extractor, Studio's fallback, needs TypeScript's compiler
 * API, which TypeScript 7 (this project's) does not have: pinned below, so the day it works
 * the test says so.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, test } from "vitest";
import { getRuntimeGraphSchema, getStaticGraphSchema } from "@langchain/langgraph-api/schema";
import { ROOT } from "../cli/testing.ts";
import { graph } from "./studio.ts";

/** Every key of InvestigationState (graph/state.ts), in declaration order. */
const STATE_KEYS = [
  "incidentId", "alert", "question", "requestedAgents", "plan", "diagnoses", "toolCalls", "faults", "lag", "dropped", "nodeTimings",
  "correlation", "decision", "primary", "actions", "escalation", "modelActions", "mode", "classification", "gate", "attempted",
];

describe("LangGraph Studio", () => {
  test("langgraph.json names the graph module and its export", () => {
    const config = JSON.parse(readFileSync(join(ROOT, "langgraph.json"), "utf8"));
    expect(config.graphs).toEqual({ investigation: "./graph/studio.ts:graph" });
    expect(config.node_version).toBe("22");
  });

  test("the extraction Studio uses first (runtime, from the StateSchema) lists every state key", async () => {
    const schema = await getRuntimeGraphSchema(graph() as never);
    expect(Object.keys(schema!.state!.properties!)).toEqual(STATE_KEYS);
    expect(Object.keys(schema!.input!.properties!)).toEqual(STATE_KEYS);
    expect(schema!.state!.required).toEqual(["incidentId"]);
  }, 30_000);

  test("the static TypeScript extractor (Studio's fallback) cannot run on TypeScript 7: no compiler API (ts.sys)", async () => {
    const spec = { sourceFile: join(ROOT, "graph", "studio.ts"), exportSymbol: "graph" };
    await expect(getStaticGraphSchema(spec, { timeoutMs: 60_000 })).rejects.toThrow("Cannot read properties of undefined (reading 'exit')");
  }, 70_000);
});

describe("the LangGraph CLI's dev server", () => {
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (!child?.pid || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child!.once("exit", resolve));
    process.kill(-child.pid, "SIGTERM"); // its process group: the server and the workers it started
    await exited;
  });

  test("serves the graph: the schema Studio shows has every state key, and a run on a configured incident ends in its verdict", async () => {
    child = spawn(join(ROOT, "node_modules", ".bin", "langgraphjs"), ["dev", "--port", "0", "--host", "127.0.0.1", "--no-browser", "--no-reload", "--n-jobs-per-worker", "1"], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", LANGSMITH_TRACING: "false", LANGCHAIN_TRACING_V2: "false" },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const base = await new Promise<string>((resolve, reject) => {
      const lines = createInterface({ input: child!.stdout! });
      child!.stderr!.on("data", (d: Buffer) => (output += d.toString()));
      lines.on("line", (line) => {
        output += `${line}\n`;
        const at = /Server running at (\S+:\d+)/.exec(line);
        if (at) resolve(`http://${at[1]}`);
      });
      child!.once("exit", (code) => reject(new Error(`langgraphjs dev exited (${code}) before serving:\n${output}`)));
    });

    const assistants = (await (await fetch(`${base}/assistants/search`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).json()) as { assistant_id: string; graph_id: string }[];
    expect(assistants.map((a) => a.graph_id)).toEqual(["investigation"]);
    const id = assistants[0]!.assistant_id;

    const schemas = (await (await fetch(`${base}/assistants/${id}/schemas`)).json()) as { state_schema: { properties: Record<string, unknown> } };
    expect(Object.keys(schemas.state_schema.properties)).toEqual(STATE_KEYS);

    const run = await fetch(`${base}/runs/wait`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ assistant_id: id, input: { incidentId: "lag-slow-consumer-1" }, config: { configurable: { incident: "lag-slow-consumer-1" } } }),
    });
    const state = (await run.json()) as { decision: string; primary: string; actions: { kind: string }[] };
    expect([state.decision, state.primary, state.actions.map((a) => a.kind)]).toEqual(["remediate", "lag.slow_consumer", ["scale_consumers"]]);
  }, 90_000);
});
