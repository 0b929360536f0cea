/**
 * Durable runs (investigate's `durable` option): a run that stopped part-way (its process died,
 * here a specialist that throws once) is continued from its last checkpoint by the next call
 * on the same thread, without running the finished steps again, and reports what a run that
 * never stopped reports; a finished run is reported again without investigating twice.
 */
import { readFileSync } from "node:fs";
import { MemorySaver } from "@langchain/langgraph";
import { describe, expect, it } from "vitest";
import type { Agent } from "../agents/agent.ts";
import { streamingAgent } from "../agents/streaming/streaming-agent.ts";
import { investigate } from "../investigate.ts";
import type { InvestigationEvent } from "./events.ts";

const incident = JSON.parse(readFileSync(new URL("../fixtures/incidents/lag-slow-consumer-1.json", import.meta.url), "utf8"));

/** The decision-bearing part of a report (timings and ids differ between runs). */
const verdict = (r: Awaited<ReturnType<typeof investigate>>) => ({ decision: r.decision, primary: r.primary, diagnoses: r.diagnoses, actions: r.actions, rootCause: r.rootCause });

describe("investigate with durable state", () => {
  it("continues a run that stopped part-way from its checkpoint, skipping the steps that finished", async () => {
    const checkpointer = new MemorySaver();
    let calls = 0;
    const crashesOnce: Agent = {
      name: "streaming",
      async investigate(context) {
        if (++calls === 1) throw new Error("process died here");
        return streamingAgent.investigate(context);
      },
    };
    const durable = { checkpointer, threadId: "kafka-ops-worker:alert-1" };
    await expect(investigate(incident, { durable, agentOverrides: { streaming: crashesOnce } })).rejects.toThrow("process died here");

    const nodes: string[] = [];
    const onEvent = (e: InvestigationEvent) => void (e.type === "agent" && e.phase === "start" && nodes.push(e.node));
    const resumed = await investigate(incident, { durable, agentOverrides: { streaming: crashesOnce }, onEvent });
    expect(calls).toBe(2);
    expect(nodes).not.toContain("triage");
    expect(nodes).toContain("streaming");
    expect(verdict(resumed)).toEqual(verdict(await investigate(incident)));
  });

  it("reports a finished run again without running it", async () => {
    const checkpointer = new MemorySaver();
    let calls = 0;
    const counting: Agent = { name: "streaming", investigate: (c) => (calls++, streamingAgent.investigate(c)) };
    const durable = { checkpointer, threadId: "kafka-ops-worker:alert-2" };
    const first = await investigate(incident, { durable, agentOverrides: { streaming: counting } });
    const again = await investigate(incident, { durable, agentOverrides: { streaming: counting } });
    expect(calls).toBe(1);
    expect(verdict(again)).toEqual(verdict(first));
  });

  it("keeps separate threads apart", async () => {
    const checkpointer = new MemorySaver();
    const a = await investigate(incident, { durable: { checkpointer, threadId: "a" } });
    const other = JSON.parse(readFileSync(new URL("../fixtures/incidents/dlq-poison-1.json", import.meta.url), "utf8"));
    const b = await investigate(other, { durable: { checkpointer, threadId: "b" } });
    expect(b.primary).not.toBe(a.primary);
  });
});
