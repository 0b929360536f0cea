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
}

export function tokensOf(message: AIMessage | undefined): Tokens {
  const u = message?.usage_metadata;
  if (!u) return { prompt: 0, completion: 0, total: 0 };
  return { prompt: u.input_tokens ?? 0, completion: u.output_tokens ?? 0, total: u.total_tokens ?? (u.input_tokens ?? 0) + (u.output_tokens ?? 0) };
}

export class UsageMeter {
  calls = 0;
  prompt = 0;
  completion = 0;
  total = 0;
  ms = 0;
  add(t: Tokens): void {
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
      notes: [...notes],
      ...(narrative && { narrative }),
      ms: Math.round(this.ms * 100) / 100,
    };
  }
}
