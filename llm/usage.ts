/**
 * Token usage and call counts: read from each answer's `usage_metadata` (the wire's `usage`
 * block), summed per investigation, and turned into the report's optional `llm` field.
 */
import type { AIMessage } from "@langchain/core/messages";
import type { LlmUsage } from "../contract/report.ts";

export interface Tokens {
  prompt: number;
  completion: number;
  total: number;
  /** The endpoint's counts were not plausible token counts and were corrected. */
  clamped?: true;
  /** Counts the endpoint reported above what the call could have cost (`UsageCaps`), before they were lowered to it. */
  over?: { prompt?: number; completion?: number };
}

/** No single call's count goes above this: a larger one is an endpoint's error, not a cost. */
export const MAX_TOKENS_PER_CALL = 10_000_000;

/** A count as the report's schema needs it: a finite integer in [0, MAX_TOKENS_PER_CALL]; else 0. */
function count(v: unknown): { n: number; ok: boolean } {
  if (v === undefined || v === null) return { n: 0, ok: true };
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) return { n: 0, ok: false };
  if (v > MAX_TOKENS_PER_CALL) return { n: MAX_TOKENS_PER_CALL, ok: false };
  return { n: Math.round(v), ok: Number.isInteger(v) };
}

/**
 * What one request could possibly have cost: the completion cap it was sent with
 * (`max_tokens`), and an upper bound on its prompt's tokens. A count above these is the
 * endpoint's error: counted as it stood, a bogus 10,000,000 (already clamped from 1e300) would
 * still spend the whole token budget in one call and silence the model for the rest of the
 * investigation.
 */
export interface UsageCaps {
  prompt?: number;
  completion?: number;
}

/**
 * The usage an answer reports, validated: the endpoint's numbers are data, not facts.
 * Negative, fractional, non-finite or absurd counts are clamped, counts above what the request
 * could have cost (`caps`) are lowered to it; a total below prompt plus completion is raised to
 * their sum (so the total never understates what was spent), and one above the most the request
 * could cost is replaced by that sum.
 */
export function tokensOf(message: AIMessage | undefined, caps: UsageCaps = {}): Tokens {
  const u = message?.usage_metadata as { input_tokens?: unknown; output_tokens?: unknown; total_tokens?: unknown } | undefined;
  if (!u) return { prompt: 0, completion: 0, total: 0 };
  const prompt = capped(count(u.input_tokens), caps.prompt);
  const completion = capped(count(u.output_tokens), caps.completion);
  const total = count(u.total_tokens);
  const sum = prompt.n + completion.n;
  const reported = u.total_tokens === undefined || u.total_tokens === null ? sum : total.n;
  const most = caps.prompt !== undefined && caps.completion !== undefined ? caps.prompt + caps.completion : 2 * MAX_TOKENS_PER_CALL;
  // A total past what the request could cost is no count at all: the parts' sum stands for it.
  const tokens: Tokens = { prompt: prompt.n, completion: completion.n, total: reported > most ? sum : Math.max(reported, sum) };
  if (!prompt.ok || !completion.ok || !total.ok || reported < sum || reported > tokens.total) tokens.clamped = true;
  const overPrompt = above(u.input_tokens, caps.prompt);
  const overCompletion = above(u.output_tokens, caps.completion);
  if (overPrompt !== undefined || overCompletion !== undefined) tokens.over = { ...(overPrompt !== undefined && { prompt: overPrompt }), ...(overCompletion !== undefined && { completion: overCompletion }) };
  return tokens;
}

/** The reported count (clamped to MAX_TOKENS_PER_CALL) when it is above the cap; else undefined. */
function above(v: unknown, cap: number | undefined): number | undefined {
  const c = count(v);
  return cap !== undefined && c.n > cap ? c.n : undefined;
}

function capped(c: { n: number; ok: boolean }, cap: number | undefined): { n: number; ok: boolean } {
  return cap !== undefined && c.n > cap ? { n: Math.max(0, Math.floor(cap)), ok: false } : c;
}

export class UsageMeter {
  calls = 0;
  prompt = 0;
  completion = 0;
  total = 0;
  ms = 0;
  /** Answers whose usage block had to be corrected. */
  clamped = 0;
  add(t: Tokens): void {
    if (t.clamped) this.clamped++;
    this.prompt += t.prompt;
    this.completion += t.completion;
    this.total += t.total;
  }
  toReport(model: string, notes: readonly string[], narrative?: string): LlmUsage {
    return {
      model,
      calls: this.calls,
      promptTokens: this.prompt,
      completionTokens: this.completion,
      totalTokens: this.total,
      notes: this.clamped
        ? [...notes, `usage: the endpoint reported implausible token counts in ${this.clamped} answer(s); they were clamped (counts are integers from 0 to ${MAX_TOKENS_PER_CALL} per call)`]
        : [...notes],
      ...(narrative && { narrative }),
      ms: Math.round(this.ms * 100) / 100,
    };
  }
}
