import { describe, expect, it } from "vitest";
import { scenario } from "../../test/scenario.ts";
import { replayPorts } from "../../ports/replay/replay-ports.ts";
import { TOOL_NAMES } from "../../tools/registry.ts";
import { langChainTools } from "./langchain-tools.ts";

describe("langChainTools", () => {
  it("exposes the same tools to a model, with their input schemas", async () => {
    const tools = langChainTools(replayPorts(scenario()));
    expect(tools.map((t) => t.name)).toEqual(TOOL_NAMES);
    const lag = tools.find((t) => t.name === "consumer_group_lag")!;
    const answer = JSON.parse(String(await lag.invoke({ group: "orders-svc" })));
    expect(answer.kind).toBe("ok");
    expect(answer.value.group).toBe("orders-svc");
  });
});
