import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadedModules, packagesOf } from "./lib/loaded-modules.ts";

const file = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

describe("loading a tool loads no LangChain", () => {
  it("the registry (every tool) loads zod and nothing from @langchain", () => {
    const packages = packagesOf(loadedModules(file("./registry.ts")));
    expect(packages.filter((p) => p.startsWith("@langchain/"))).toEqual([]);
    expect(packages).toContain("zod");
  });

  it("the shared lag computation loads only zod", () => {
    expect(packagesOf(loadedModules(file("./lib/lag.ts")))).toEqual(["zod"]);
  });

  it("the LLM binding does load LangChain (the check can fail)", () => {
    expect(packagesOf(loadedModules(file("../agents/llm/langchain-tools.ts")))).toContain("@langchain/core");
  });
});
