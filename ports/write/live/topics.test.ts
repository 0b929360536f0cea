import { createServer, type Server } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { redactor } from "../../../config/secret.ts";
import { secretsOf, Settings } from "../../../config/settings.ts";
import { callPolicy } from "../../live/call.ts";
import { liveTopics } from "./topics.ts";

/** A port nothing listens on: taken from a server that is closed again before the test. */
let port: number;
beforeAll(async () => {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
});

describe("live topic port without a broker", () => {
  it("fails each call with a message naming it, reconnects afresh on the next, closes cleanly, and prints no secret", async () => {
    const settings = Settings.parse({
      kafka: { bootstrap: [`127.0.0.1:${port}`], sasl: { mechanism: "plain", username: "ops", password: "s3cr3t-pw" } },
      calls: { deadline: "2s", retries: 0 },
    });
    const redact = redactor(secretsOf(settings));
    const topics = liveTopics({ settings, redact, policy: callPolicy(settings, redact) });
    const first = await topics.describeTopic("orders").then(() => "answered", (e: Error) => e.message);
    expect(first).toMatch(/^describe topic orders: /);
    const second = await topics.dynamicConfigs({ type: "topic", name: "orders" }).then(() => "answered", (e: Error) => e.message);
    expect(second).toMatch(/^describe configs of topic orders: /);
    const third = await topics.createPartitions("orders", 4).then(() => "answered", (e: Error) => e.message);
    expect(third).toMatch(/^add partitions to orders: /);
    expect([first, second, third].some((m) => m.includes("s3cr3t-pw"))).toBe(false);
    await topics.close!();
  }, 20_000);
});
