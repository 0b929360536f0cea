/**
 * The per-investigation LLM budget: calls, tokens and wall time. A call the budget cannot
 * afford is not made (the rules carry on, and the report says so); nothing is cut mid-answer.
 *
 * Tokens are checked before a call against an estimate of its prompt (a conservative 3
 * characters per token) plus the completion cap, so the total stays under the limit whatever
 * the model answers.
 */
import type { LlmBudget } from "../config/settings.ts";

export const DEFAULT_BUDGET: LlmBudget = { maxCalls: 6, maxTokens: 30_000, maxTime: 120_000 };

export class Budget {
  readonly limits: LlmBudget;
  calls = 0;
  tokens = 0;
  readonly #started: number;
  readonly #now: () => number;

  constructor(limits: LlmBudget = DEFAULT_BUDGET, now: () => number = () => performance.now()) {
    this.limits = limits;
    this.#now = now;
    this.#started = now();
  }

  /** Why a call of about `promptChars` with up to `completionTokens` cannot be made, or null. */
  refuse(promptChars: number, completionTokens: number): string | null {
    if (this.calls >= this.limits.maxCalls) return `call budget spent (${this.calls}/${this.limits.maxCalls} calls)`;
    const estimate = Math.ceil(promptChars / 3) + completionTokens;
    if (this.tokens + estimate > this.limits.maxTokens) {
      return `token budget too low (${this.tokens} used, ~${estimate} needed, limit ${this.limits.maxTokens})`;
    }
    if (this.remainingMs() <= 0) return `time budget spent (${this.limits.maxTime} ms)`;
    return null;
  }

  /** Calls still affordable (ignoring tokens). */
  callsLeft(): number {
    return Math.max(0, this.limits.maxCalls - this.calls);
  }

  remainingMs(): number {
    return this.limits.maxTime - (this.#now() - this.#started);
  }

  /** Adds what a call used; a count that is no count (negative, NaN) spends nothing rather than refunding. */
  spend(tokens: number): void {
    if (Number.isFinite(tokens) && tokens > 0) this.tokens += tokens;
  }

  startCall(): void {
    this.calls++;
  }
}
