/**
 * The model's transport: a response slower than Node's default header wait (300 s) must still
 * arrive when llm.timeout allows it. Shown at small scale against a loopback server: the wait
 * for headers follows the given deadline, in both directions.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LlmSettings } from "../config/settings.ts";
import { createChatModel, fetchWithTimeout } from "./model.ts";

let server: Server;
let url: string;
beforeAll(async () => {
  // Sends its headers only after 1.5 s, as a non-streaming local server does once it has the whole
  // answer. (undici checks its timeouts on a timer of about 1 s, so the scale cannot be smaller.)
  server = createServer((_req, res) => void setTimeout(() => res.end("late answer"), 1_500));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("fetchWithTimeout", () => {
  it("waits for headers as long as the deadline says", async () => {
    const r = await fetchWithTimeout(5_000, 0)(url);
    expect(await r.text()).toBe("late answer");
  });

  it("gives up on headers at the deadline, not at a fixed default", async () => {
    const error = await fetchWithTimeout(100, 0)(url).then(() => null, (e: unknown) => e as Error & { cause?: { code?: string } });
    expect(error?.cause?.code).toBe("UND_ERR_HEADERS_TIMEOUT");
  });
});

describe("createChatModel", () => {
  it("gives the OpenAI client that fetch, so an llm.timeout of 20 minutes applies end to end", () => {
    const model = createChatModel(LlmSettings.parse({ timeout: "20m", baseUrl: "http://127.0.0.1:1/v1" }));
    expect(model.timeout).toBe(1_200_000);
    expect(typeof (model as unknown as { clientConfig: { fetch?: unknown } }).clientConfig.fetch).toBe("function");
  });
});
