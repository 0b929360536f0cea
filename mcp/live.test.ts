/**
 * The live path of the MCP tools, with the live session replaced by a replay (no Kafka here):
 * without `incident`, a tool reads the configured cluster's session, opened and closed per call,
 * and `investigate` takes group, topic and alert as `investigate --bootstrap` does.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { loadSettings } from "../config/load.ts";
import type { Report } from "../contract/report.ts";
import { parseIncident } from "../contract/parse.ts";
import { replayPorts } from "../ports/replay/replay-ports.ts";
import { FIXTURES } from "../cli/testing.ts";
import { mcpContext } from "./context.ts";
import { createMcpServer } from "./server.ts";

const incident = parseIncident(JSON.parse(readFileSync(join(FIXTURES, "lag-slow-consumer-1.json"), "utf8")));

async function connected() {
  const sessions = { opened: 0, closed: 0 };
  const ctx = mcpContext({
    settings: loadSettings({ bootstrap: "kafka-1:9092,kafka-2:9092" }, {}),
    env: {},
    openLive: () => (sessions.opened++, { ports: replayPorts(incident), close: async () => void sessions.closed++ }),
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await createMcpServer(ctx).connect(serverSide);
  const client = new Client({ name: "kafka-ops-test", version: "1.0.0" });
  await client.connect(clientSide);
  return { client, sessions };
}

describe("MCP tools on the configured cluster", () => {
  test("a read tool without incident reads a live session, opened and closed for the call", async () => {
    const { client, sessions } = await connected();
    const result = (await client.callTool({ name: "consumer_groups", arguments: { group: "orders-svc" } })) as CallToolResult;
    expect(result.isError).toBeUndefined();
    expect((result.structuredContent as { groups: { groupId: string }[] }).groups.map((g) => g.groupId)).toEqual(["orders-svc"]);
    expect(sessions).toEqual({ opened: 1, closed: 1 });
    await client.close();
  }, 30_000);

  test("investigate with group and alert: the live investigation's report, about that group", async () => {
    const { client, sessions } = await connected();
    const result = (await client.callTool({ name: "investigate", arguments: { group: "orders-svc", alert: "consumer_lag" } })) as CallToolResult;
    expect(result.isError).toBeUndefined();
    const report = result.structuredContent as Report;
    expect(report.incidentId).toMatch(/^live-\d{4}-\d{2}-\d{2}t/);
    expect([report.decision, report.primary, report.actions.map((a) => a.kind)]).toEqual(["remediate", "lag.slow_consumer", ["scale_consumers"]]);
    expect(sessions).toEqual({ opened: 1, closed: 1 });
    const bad = (await client.callTool({ name: "investigate", arguments: { alert: "sunspots" } })) as CallToolResult;
    expect(bad.isError).toBe(true);
    expect((bad.content[0] as { text: string }).text).toMatch(/^MCP error -32602: Input validation error: Invalid arguments for tool investigate: Invalid option: expected one of "consumer_lag"\|/);
    await client.close();
  }, 30_000);
});
