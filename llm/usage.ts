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
 * The usage an answer reports, validated: the endpoint's numbers are data, not facts.
 * Negative, fractional, non-finite or absurd counts are clamped; a total below prompt plus
 * completion is raised to their sum (so the total never understates what was spent).
 */
export function tokensOf(message: AIMessage | undefined): Tokens {
  const u = message?.usage_metadata as { input_tokens?: unknown; output_tokens?: unknown; total_tokens?: unknown } | undefined;
  if (!u) return { prompt: 0, completion: 0, total: 0 };
  const prompt = count(u.input_tokens);
  const completion = count(u.output_tokens);
  const total = count(u.total_tokens);
  const sum = prompt.n + completion.n;
  const reported = u.total_tokens === undefined || u.total_tokens === null ? sum : total.n;
  const tokens: Tokens = { prompt: prompt.n, completion: completion.n, total: Math.min(Math.max(reported, sum), 2 * MAX_TOKENS_PER_CALL) };
  if (!prompt.ok || !completion.ok || !total.ok || reported < sum) tokens.clamped = true;
  return tokens;
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
