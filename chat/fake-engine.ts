/**
 * A scripted ChatEngine for the REPL's tests (and the pseudo-terminal test's child process):
 * no graph, no model, every event known in advance.
 *
 * - a question containing "slow" starts a tool, streams a token, then waits until aborted
 *   (and, like a careless engine, emits once more after the abort);
 * - one containing "fail" rejects;
 * - any other runs two tool calls at once (one ending ✓, one ✗), streams an answer that
 *   quotes an ESC sequence, and returns two evidence lines.
 */
import type { Action, Report } from "../contract/report.ts";
import type { ChatEngine, ChatEvent, ChatTurn } from "./engine.ts";

export interface FakeEngineLog {
  questions: string[];
  aborted: number;
  approved: (number[] | "all")[];
  closed: boolean;
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

export function fakeActions(): Action[] {
  return [
    {
      kind: "skip_poison_message",
      risk: "medium",
      requiresApproval: true,
      status: "proposed",
      params: { group: "payments", topic: "orders", partition: 3, offset: 42 },
      rationale: "offset 42 fails deserialisation on every retry",
    },
    {
      kind: "scale_consumers",
      risk: "low",
      requiresApproval: false,
      status: "proposed",
      params: { group: "payments", replicas: 4 },
      rationale: "catch up on the backlog",
    },
  ];
}

export function fakeReport(actions: Action[]): Report {
  return {
    format: "kafka-investigation/v1",
    incidentId: "fake-incident-1",
    decision: "remediate",
    primary: "lag.poison_message",
    diagnoses: [
      {
        code: "lag.poison_message",
        agent: "streaming",
        confidence: 0.9,
        summary: "Partition orders-3 is stuck at offset 42: a poison message.",
        entities: { group: "payments", topic: "orders", partition: 3 },
        evidence: [{ tool: "consumer_group_lag", detail: "orders-3 committed offset unchanged for 4 samples" }],
      },
    ],
    actions,
    escalation: null,
    agents: ["streaming", "incident-debugging"],
    toolCalls: [{ agent: "streaming", tool: "consumer_group_lag", ms: 12, ok: true }],
    timings: { totalMs: 40 },
    rootCause: "A poison message at offset 42 of orders-3 blocks the group. \u202eevil",
  };
}

export function createFakeEngine(options: { usesModel?: boolean; threadId?: string } = {}): ChatEngine & { log: FakeEngineLog } {
  const log: FakeEngineLog = { questions: [], aborted: 0, approved: [], closed: false };
  let actions = fakeActions();
  return {
    log,
    threadId: options.threadId ?? "thread-fake-1",
    usesModel: options.usesModel ?? false,

    async ask(question: string, onEvent: (e: ChatEvent) => void, signal: AbortSignal): Promise<ChatTurn> {
      log.questions.push(question);
      if (question.includes("slow")) {
        onEvent({ kind: "tool-start", id: "s1", tool: "read_dlq", input: { topic: "orders.dlq" } });
        onEvent({ kind: "token", text: "Reading the dead-letter queue" });
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
        log.aborted++;
        onEvent({ kind: "token", text: "LATE TOKEN AFTER ABORT" });
        throw new DOMException("aborted", "AbortError");
      }
      if (question.includes("fail")) {
        await tick();
        throw new Error("broker \u001b[2Junreachable");
      }
      onEvent({ kind: "note", text: "answering from the rules" });
      onEvent({ kind: "tool-start", id: "t1", tool: "consumer_group_lag", input: { group: "payments" } });
      onEvent({ kind: "tool-start", id: "t2", tool: "describe_schema", input: { subject: "orders-value" } });
      await tick();
      onEvent({ kind: "tool-end", id: "t2", tool: "describe_schema", ms: 3, ok: false, summary: "registry unavailable" });
      await tick();
      onEvent({ kind: "tool-end", id: "t1", tool: "consumer_group_lag", ms: 12, ok: true, summary: "lag 5400 on orders-3, committed offset stuck" });
      const tokens = ["payments is lagging ", "because orders-3 is stuck\u001b[31m ", "at offset 42.\nSkip it once you have a copy."];
      for (const text of tokens) {
        onEvent({ kind: "token", text });
        await tick();
      }
      return {
        answer: tokens.join(""),
        evidence: ["consumer_group_lag: orders-3 committed offset unchanged for 4 samples", "read_dlq: 3 records with offset 42"],
      };
    },

    async plan() {
      await tick();
      return { decision: "remediate" as const, actions: structuredClone(actions), escalation: null };
    },

    async approve(indexes: number[] | "all") {
      await tick();
      log.approved.push(indexes);
      const bad = indexes === "all" ? [] : indexes.filter((i) => i < 1 || i > actions.length);
      if (bad.length) throw new Error(`no action ${bad.join(", ")} (the plan has ${actions.length})`);
      actions = actions.map((a, i) => (a.status === "proposed" && (indexes === "all" || indexes.includes(i + 1)) ? { ...a, status: "approved" } : a));
      return structuredClone(actions);
    },

    async report() {
      await tick();
      return fakeReport(structuredClone(actions));
    },

    async close() {
      log.closed = true;
    },
  };
}
