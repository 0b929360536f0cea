import { z } from "zod";
import { CONSUMER_DEFAULTS } from "../../config/consumer-defaults.ts";
import { defineTool, passThrough } from "../define-tool.ts";

export const consumerConfig = defineTool({
  name: "consumer_config",
  description: "A consumer group's client settings, with Kafka's defaults filled in for timeouts and poll sizes.",
  input: z.object({ group: z.string().describe("consumer group id") }),
  output: z.object({
    group: z.string(),
    configured: z.record(z.string(), z.string()).describe("settings known to be set"),
    effective: z.record(z.string(), z.string()).describe("configured settings over Kafka's defaults"),
  }),
  async run(ports, input) {
    const configs = await ports.configs.clientConfigs(input.group);
    if (configs.kind !== "ok") return passThrough(configs);
    return {
      kind: "ok",
      value: { group: input.group, configured: configs.value, effective: { ...CONSUMER_DEFAULTS, ...configs.value } },
      summary: `${input.group}: ${Object.keys(configs.value).length} settings known`,
    };
  },
});
