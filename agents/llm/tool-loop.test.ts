import { describe, expect, it } from "vitest";
import { AIMessage } from "@langchain/core/messages";
import { screenToolCalls } from "./tool-loop.ts";

const allowed = new Set(["search_logs", "consumer_groups"]);

describe("screenToolCalls (the one check of every tool-calling loop)", () => {
  const reply = new AIMessage({
    content: "",
    tool_calls: [
      { id: "a", name: "search_logs", args: { minLevel: "ERROR" }, type: "tool_call" },
      { id: "b", name: "search_logs", args: { limit: 1e9 }, type: "tool_call" },
      { name: "consumer_groups", args: {}, type: "tool_call" },
      { id: "d", name: "delete_topic", args: { topic: "orders" }, type: "tool_call" },
    ],
    invalid_tool_calls: [{ id: "e", name: "search_logs", args: '{"limit": ', error: "Malformed args.", type: "invalid_tool_call" }],
  });

  it("runs valid calls, refuses the rest as tool errors in the order the model made them, the unparsed ones last", () => {
    const { calls } = screenToolCalls("loop", reply, allowed);
    expect(calls.map((c) => [c.id, c.name, c.refused?.error ?? "run"])).toEqual([
      ["a", "search_logs", "run"],
      ["b", "search_logs", "error: invalid arguments for search_logs: limit: Too big: expected number to be <=500"],
      ["consumer_groups-3", "consumer_groups", "run"],
      ["d", "delete_topic", 'error: no tool named "delete_topic"'],
      ["e", "search_logs", "error: arguments were not valid JSON"],
    ]);
    expect(calls[4]!.refused!.note).toBe("loop: the model sent tool arguments that are not JSON (search_logs); refused");
  });

  it("gives the history a message naming every call it answers (the unparsed one with empty arguments), and screens that message the same way", () => {
    const { message, calls } = screenToolCalls("loop", reply, allowed);
    expect(message.tool_calls!.map((c) => [c.id, c.name, c.args])).toEqual([
      ["a", "search_logs", { minLevel: "ERROR" }],
      ["b", "search_logs", { limit: 1e9 }],
      ["consumer_groups-3", "consumer_groups", {}],
      ["d", "delete_topic", { topic: "orders" }],
      ["e", "search_logs", {}],
    ]);
    expect(screenToolCalls("loop", message, allowed).calls).toEqual(calls);
  });

  it("leaves a reply whose calls all parsed and carry ids as it is", () => {
    const clean = new AIMessage({ content: "", tool_calls: [{ id: "a", name: "consumer_groups", args: {}, type: "tool_call" }] });
    expect(screenToolCalls("loop", clean, allowed).message).toBe(clean);
    expect(screenToolCalls("loop", new AIMessage({ content: "{}" }), allowed).calls).toEqual([]);
  });
});
