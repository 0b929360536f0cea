import { describe, expect, it } from "vitest";
import { parseJsonAnswer, parseTextToolCalls } from "./text-answer.ts";

const offered = new Set(["consumer_group_lag", "topic_config"]);

describe("parseTextToolCalls", () => {
  it("reads Qwen2.5's <tool_call> blocks, including a last one the server cut at its closing tag", () => {
    const text = 'I will check.\n<tool_call>\n{"name": "consumer_group_lag", "arguments": {"group": "orders-svc"}}\n</tool_call>\n<tool_call>\n{"name": "topic_config", "arguments": {"topic": "orders"}}';
    expect(parseTextToolCalls(text, offered)).toEqual([
      { name: "consumer_group_lag", args: { group: "orders-svc" } },
      { name: "topic_config", args: { topic: "orders" } },
    ]);
  });

  it("reads a bare JSON object naming a tool, in a fence, with arguments as a JSON string or as parameters", () => {
    expect(parseTextToolCalls('```json\n{"name": "topic_config", "arguments": "{\\"topic\\": \\"orders\\"}"}\n```', offered)).toEqual([{ name: "topic_config", args: { topic: "orders" } }]);
    expect(parseTextToolCalls('[{"name": "topic_config", "parameters": {"topic": "a"}}, {"name": "topic_config"}]', offered)).toEqual([
      { name: "topic_config", args: { topic: "a" } },
      { name: "topic_config", args: {} },
    ]);
  });

  it("leaves text alone when it names no offered tool or is an answer", () => {
    expect(parseTextToolCalls('{"name": "delete_topic", "arguments": {"topic": "orders"}}', offered)).toEqual([]);
    expect(parseTextToolCalls('<tool_call>{"name": "delete_topic", "arguments": {}}</tool_call>', offered)).toEqual([]);
    expect(parseTextToolCalls('{"findings": []}', offered)).toEqual([]);
    expect(parseTextToolCalls("The consumer_group_lag shows a backlog.", offered)).toEqual([]);
    expect(parseTextToolCalls('{"name": "topic_config", "arguments": [1]}', offered)).toEqual([]);
  });
});

describe("parseJsonAnswer", () => {
  it("finds the JSON in a bare answer, a fence, or prose around braces", () => {
    expect(parseJsonAnswer(' {"a": 1} ')).toEqual({ a: 1 });
    expect(parseJsonAnswer('Here it is:\n```json\n{"a": 2}\n```\nDone.')).toEqual({ a: 2 });
    expect(parseJsonAnswer('Answer: {"a": {"b": 3}} as asked')).toEqual({ a: { b: 3 } });
    expect(parseJsonAnswer("no json here")).toBeUndefined();
  });
});
