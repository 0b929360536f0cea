/**
 * Test support: replays a recorded OpenAI chat-completions exchange (a cassette under
 * fixtures/llm/) with nock, in order, matching on the request path, and keeps every request
 * body and header so tests can check what was sent (the tools list, fenced data, no secret).
 *
 * A cassette is hand-written in the real wire format of `POST /v1/chat/completions`:
 *   { "description", "interactions": [ { "note", "request": { "path", "mustContain": [..] },
 *     "response": { "status", "headers", "delayMs", "body" } } ] }
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import nock from "nock";

export const CASSETTE_DIR = join(import.meta.dirname, "..", "fixtures", "llm");
export const TEST_ORIGIN = "http://llm.test";
export const TEST_BASE_URL = `${TEST_ORIGIN}/v1`;

export interface Interaction {
  note?: string;
  request: { method?: "POST"; path: string; mustContain?: string[] };
  response: { status: number; headers?: Record<string, string>; delayMs?: number; body: unknown };
}
export interface Cassette {
  description: string;
  interactions: Interaction[];
}

export interface Replay {
  /** Raw request bodies (text), in order. */
  bodies: string[];
  /** Request headers, in order. */
  headers: Record<string, string | string[] | undefined>[];
  /** Interactions not used yet. */
  pending(): string[];
  /** Throws when a request lacks what its interaction says it must contain. */
  verify(): void;
}

export function loadCassette(name: string): Cassette {
  return JSON.parse(readFileSync(join(CASSETTE_DIR, `${name}.json`), "utf8")) as Cassette;
}

export function replay(name: string | Cassette, origin = TEST_ORIGIN): Replay {
  const cassette = typeof name === "string" ? loadCassette(name) : name;
  const bodies: string[] = [];
  const headers: Replay["headers"] = [];
  const scopes = cassette.interactions.map((it) => {
    // nock 15 hands a reply function the fetch Request (one argument: the async form).
    return nock(origin).post(it.request.path).reply(async (request: Request) => {
      bodies.push(await request.text());
      headers.push(Object.fromEntries(request.headers.entries()));
      // A slow endpoint. Not nock's .delay(): under undici, a request aborted during that delay
      // crashes the process when the late response lands; this wait ends at the client's abort.
      if (it.response.delayMs) await waitOrAbort(it.response.delayMs, request.signal);
      return [it.response.status, JSON.stringify(it.response.body), { "content-type": "application/json", ...it.response.headers }] as const;
    });
  });
  return {
    bodies,
    headers,
    pending: () => scopes.flatMap((s) => s.pendingMocks()),
    verify() {
      cassette.interactions.forEach((it, i) => {
        const body = bodies[i];
        if (body === undefined) return;
        for (const needle of it.request.mustContain ?? []) {
          if (!body.includes(needle)) throw new Error(`${cassette.description}: request ${i + 1} (${it.note ?? it.request.path}) lacks ${JSON.stringify(needle)}`);
        }
      });
    },
  };
}

/** A chat.completion response body in the wire format. */
export function completion(message: { content: string | null; tool_calls?: unknown[] }, usage: [number, number], finish?: string) {
  return {
    id: "chatcmpl-test",
    object: "chat.completion",
    created: 1_790_000_000,
    model: "gpt-4o-mini-2024-07-18",
    choices: [{ index: 0, message: { role: "assistant", refusal: null, ...message }, logprobs: null, finish_reason: finish ?? (message.tool_calls ? "tool_calls" : "stop") }],
    usage: { prompt_tokens: usage[0], completion_tokens: usage[1], total_tokens: usage[0] + usage[1] },
  };
}

function waitOrAbort(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
