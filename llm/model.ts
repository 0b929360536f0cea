/**
 * The chat model: `@langchain/openai`'s ChatOpenAI, built from the validated `llm` settings.
 *
 * Retries live here and only here: `maxRetries` of the model's own caller (LangChain's
 * AsyncCaller, p-retry underneath): exponential backoff from 1 s, factor 2, randomized,
 * honouring a Retry-After of up to 60 s; it retries 429, 5xx, timeouts and connection errors,
 * never other 4xx. LangChain builds the OpenAI SDK client with `maxRetries: 0`, so nothing
 * retries twice. The per-investigation budget (llm/budget.ts) bounds the total time anyway.
 *
 * Timeouts: `llm.timeout` is the SDK's per-request deadline, and it must be the only one. Node's
 * fetch (undici) gives up on a response whose headers take more than 300 s, and a local server
 * answering without streaming sends its headers only with the whole answer, so a slow model
 * could never finish past 300 s whatever the setting. Requests therefore go through a fetch
 * whose undici Agent waits for headers and between body chunks a little longer than the
 * deadline, so the SDK's timeout fires first.
 */
import { ChatOpenAI } from "@langchain/openai";
import { Agent } from "undici";
import type { LlmSettings } from "../config/settings.ts";

export type ChatModel = ChatOpenAI;

/** Slack past the SDK deadline before the socket layer gives up (the SDK's abort wins). */
const TRANSPORT_SLACK_MS = 5_000;

/**
 * A fetch whose header and body waits follow `timeoutMs`. It calls the global fetch (so test
 * interceptors still see the request) with an undici dispatcher, which Node's fetch honours.
 */
export function fetchWithTimeout(timeoutMs: number, slackMs = TRANSPORT_SLACK_MS): typeof fetch {
  const wait = timeoutMs + slackMs;
  const dispatcher = new Agent({ headersTimeout: wait, bodyTimeout: wait });
  // Node's fetch takes the npm undici's Agent at runtime; the two packages' types differ.
  return (input, init) => globalThis.fetch(input, { ...init, dispatcher } as unknown as RequestInit);
}

export function createChatModel(settings: LlmSettings): ChatModel {
  return new ChatOpenAI({
    model: settings.model,
    temperature: settings.temperature,
    timeout: settings.timeout,
    maxRetries: settings.maxRetries,
    maxTokens: settings.maxCompletionTokens,
    // The one place the key is revealed: into the client's Authorization header, never a prompt.
    // A local OpenAI-compatible endpoint may need no key; the SDK insists on one.
    apiKey: settings.apiKey?.reveal() ?? "no-key",
    configuration: { ...(settings.baseUrl && { baseURL: settings.baseUrl }), fetch: fetchWithTimeout(settings.timeout) },
  });
}
