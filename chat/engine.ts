/**
 * The seam between the chat REPL (what a person types and sees) and what answers it (the
 * graph and tools, with or without a model). The REPL knows only this interface.
 */
import type { Action, Report } from "../contract/report.ts";

/** Something the engine wants shown while a turn runs, as it happens. */
export type ChatEvent =
  | { kind: "token"; text: string } // a piece of the answer, streamed
  | { kind: "tool-start"; id: string; tool: string; input: unknown } // a tool call began (several may run at once)
  | { kind: "tool-end"; id: string; tool: string; ms: number; ok: boolean; summary: string }
  | { kind: "note"; text: string }; // e.g. "no model configured: answering from the rules"

export interface ChatTurn {
  /** The full answer text (the tokens, joined). */
  answer: string;
  /** Evidence lines the answer rests on ("tool: detail"). */
  evidence: string[];
}

export interface ChatEngine {
  /** Conversation thread id (resumable with --thread). */
  readonly threadId: string;
  /** Whether a model takes part; false means answers come from the deterministic rules. */
  readonly usesModel: boolean;
  /** Answers one question; events stream through `onEvent`; `signal` cancels the turn (Ctrl-C). */
  ask(question: string, onEvent: (e: ChatEvent) => void, signal: AbortSignal): Promise<ChatTurn>;
  /** The remediation plan (or escalation) as it stands: /plan. */
  plan(signal: AbortSignal): Promise<{ decision: Report["decision"]; actions: Action[]; escalation: Report["escalation"] }>;
  /**
   * /approve (all, or the 1-based indexes given). With the approval gate (`gated`), decides there:
   * the approved actions run through the runner, exactly once. Without it, only marks them approved.
   */
  approve(indexes: number[] | "all"): Promise<Action[]>;
  /** Whether /approve goes through the approval gate (and can change the cluster, or the simulation). */
  readonly gated?: boolean;
  /** The full kafka-investigation/v1 report: /report. */
  report(signal: AbortSignal): Promise<Report>;
  close(): Promise<void>;
}
