/**
 * The investigation graph for LangGraph Studio (`npx @langchain/langgraph-cli dev`, langgraph.json
 * at the root): compiled with the default dependencies over a replay of a recorded incident, so
 * Studio runs it with no cluster. Which incident: the assistant's `configurable.incident`, a file
 * name of fixtures/incidents without .json (default lag-poison-message-1). The run's input is the
 * state, e.g. `{ "incidentId": "lag-poison-message-1" }`.
 *
 * Propose mode only (Studio brings its own checkpointer, not the project's approval gate).
 */
import { readFileSync } from "node:fs";
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { parseIncidentText } from "../contract/parse.ts";
import { replayPorts } from "../ports/replay/replay-ports.ts";
import { createIncidentGraph } from "./graph.ts";

export const DEFAULT_STUDIO_INCIDENT = "lag-poison-message-1";

/** The compiled graph over the replay of `fixtures/incidents/<name>.json`. */
export function studioGraph(name: string = DEFAULT_STUDIO_INCIDENT) {
  if (!/^[a-z0-9._-]+$/.test(name)) throw new Error(`configurable.incident: expected a fixture name such as ${DEFAULT_STUDIO_INCIDENT}, got ${JSON.stringify(name)}`);
  const file = new URL(`../fixtures/incidents/${name}.json`, import.meta.url);
  const incident = parseIncidentText(readFileSync(file, "utf8"), `fixtures/incidents/${name}.json`);
  return createIncidentGraph({ ports: replayPorts(incident) });
}

/** What langgraph.json points at: LangGraph's server calls it with each run's config. */
export function graph(config: LangGraphRunnableConfig = {}) {
  const incident = config.configurable?.incident;
  return studioGraph(typeof incident === "string" && incident ? incident : DEFAULT_STUDIO_INCIDENT);
}
