/**
 * The chat model: `@langchain/openai`'s ChatOpenAI, built from the validated `llm` settings.
 *
 * Retries live here and only here: `maxRetries` of the model's own caller (LangChain's
 * AsyncCaller, p-retry underneath): exponential backoff from 1 s, factor 2, randomized,
 * honouring a Retry-After of up to 60 s; it retries 429, 5xx, timeouts and connection errors,
 * never other 4xx. LangChain builds the OpenAI SDK client with `maxRetries: 0`, so nothing
 * retries twice. The per-investigation budget (llm/budget.ts) bounds the total time anyway.
 */
import { ChatOpenAI } from "@langchain/openai";
import type { LlmSettings } from "../config/settings.ts";

export type ChatModel = ChatOpenAI;

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
    configuration: { ...(settings.baseUrl && { baseURL: settings.baseUrl }) },
  });
}
