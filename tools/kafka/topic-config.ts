import { z } from "zod";
import { defineTool, passThrough } from "../define-tool.ts";

export const topicConfig = defineTool({
  name: "topic_config",
  description: "A topic's configuration overrides (retention, cleanup policy, min.insync.replicas, ...).",
  input: z.object({ topic: z.string().describe("topic name") }),
  output: z.object({ topic: z.string(), configs: z.record(z.string(), z.string()) }),
  async run(ports, input) {
    const configs = await ports.configs.topicConfigs(input.topic);
    if (configs.kind !== "ok") return passThrough(configs);
    return {
      kind: "ok",
      value: { topic: input.topic, configs: configs.value },
      summary: `${input.topic}: ${Object.entries(configs.value).map(([k, v]) => `${k}=${v}`).join(", ")}`,
    };
  },
});
