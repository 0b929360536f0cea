/**
 * The chat engine behind the REPL (see chat/engine.ts): `createChatEngine(...)`.
 *
 * With a model (settings.llm), `ask()` runs a conversational tool-calling loop as a small
 * LangGraph graph (agent -> tools -> agent ..., bounded), streaming tokens and tool start/end
 * events; several tool calls in one turn run concurrently. Without a model, `ask()` answers
 * from the deterministic report (the sections the question is about) and says so in a note.
 * Either way `plan()`, `approve()` (marks actions approved, never applies them) and `report()`
 * work on one investigation of the incident, made once per engine.
 *
 * With a model, every model call goes through an `LlmSession` (llm/session.ts), as an
 * investigation's do: one per question, with the settings' budget (calls, tokens, time), so a
 * model that keeps calling tools or an endpoint that hangs is cut off at the same limits. A call
 * that fails or is refused ends the turn with the rules' answer and a note saying why.
 *
 * Everything the engine hands out (streamed tokens, tool inputs and summaries, evidence, notes,
 * answers, the report, the thread file, error messages) is scrubbed of every configured secret
 * (config/secret.ts): an endpoint can echo its API key into its answer.
 *
 * Thread history: LangGraph's `MemorySaver` holds the live thread (keyed by thread id), and
 * after every turn the transcript is written as LangChain `StoredMessage` JSON to
 * `<threadsDir>/<id>.json` (default `~/.kafka-ops/threads`); a new engine given that id seeds
 * the thread from the file. Why not a custom BaseCheckpointSaver writing checkpoints to disk:
 * resuming needs the messages only, and the checkpoint format (channel versions, pending
 * writes, serializer bytes) belongs to LangGraph and changes with it, while the StoredMessage
 * transcript is stable, readable and holds nothing but the conversation (never the API key).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import {
  AIMessage,
  HumanMessage,
  SystemMessage,
  ToolMessage,
  mapChatMessagesToStoredMessages,
  mapStoredMessagesToChatMessages,
  type BaseMessage,
} from "@langchain/core/messages";
import { END, MemorySaver, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { screenToolCalls, UNPARSED_ARGUMENTS as UNPARSED } from "../agents/llm/tool-loop.ts";
import { modelTools, SPECIALIST_TOOLS } from "../agents/llm/tools.ts";
import { loadedSecrets, redactor, type Redact } from "../config/secret.ts";
import { Settings, secretsOf } from "../config/settings.ts";
import type { Thresholds } from "../config/thresholds/index.ts";
import { thresholdsFrom } from "../config/thresholds/overrides.ts";
import type { Alert } from "../contract/incident.ts";
import { parseIncident } from "../contract/parse.ts";
import type { Action, Report } from "../contract/report.ts";
import { investigate, investigatePorts } from "../investigate.ts";
import type { LlmSession, LlmSessionOptions } from "../llm/session.ts";
import type { ChatModel } from "../llm/model.ts";
import { describeFault, faultOf } from "../ports/faults.ts";
import type { Ports } from "../ports/ports.ts";
import { replayPorts } from "../ports/replay/replay-ports.ts";
import { chatPrompt } from "../prompts/chat.ts";
import { toolResultText } from "../prompts/specialist-loop.ts";
import { TOOLS, type ToolName } from "../tools/registry.ts";
import type { ToolResult } from "../tools/define-tool.ts";
import type { ChatEngine, ChatEvent, ChatTurn } from "./engine.ts";
import { answerFromReport } from "./rules-answer.ts";

export interface ChatEngineOptions {
  /** A recorded incident (kafka-incident/v1), replayed. */
  incident?: unknown;
  /** Or ports to read (a live cluster). */
  ports?: Ports;
  /** Live: what the conversation is about (steers triage and ranking), and the report's id. */
  alert?: Alert;
  incidentId?: string;
  /** Validated settings (settings.llm turns the model on); default: none, rules only. */
  settings?: Settings;
  /** Approval policy; default settings.policy. */
  policy?: Settings["policy"];
  /** Model name overriding settings.llm.model (--llm-model); ignored when no model is configured. */
  model?: string;
  /** Resume this thread (its transcript file), or start it under this id. */
  threadId?: string;
  /** Where transcripts live; default ~/.kafka-ops/threads. */
  threadsDir?: string;
  /** Model session options (tests: a scripted endpoint); default from settings.llm. */
  llm?: LlmSessionOptions;
  /** A model built elsewhere (tests); default ChatOpenAI from settings.llm. */
  chatModel?: ChatModel;
  /**
   * The approval gate (cli/gate.ts openChatGate): the investigation then runs in approve mode
   * (dry runs, stopped at the gate) and /approve decides there, exactly once, as `kafka-ops
   * approvals approve` does. Absent: /approve only marks actions approved.
   */
  gate?: ChatGate;
}

/** The approval gate as the chat uses it. */
export interface ChatGate {
  remediation: NonNullable<import("../investigate.ts").InvestigateOptions["remediation"]>;
  /** Approves the 1-based indexes ("all": every action the gate holds) of the stopped investigation; the resumed report. */
  approve(report: Report, indexes: number[] | "all"): Promise<Report>;
  close(): Promise<void>;
}

const THREAD_ID = /^[A-Za-z0-9._-]{1,80}$/;

export function createChatEngine(options: ChatEngineOptions): ChatEngine {
  const threadId = options.threadId ?? `t-${new Date().toISOString().slice(0, 10)}-${randomBytes(3).toString("hex")}`;
  if (!THREAD_ID.test(threadId)) throw new Error(`thread id ${JSON.stringify(threadId)}: expected letters, digits, ".", "_" or "-"`);
  const incident = options.incident === undefined ? undefined : parseIncident(options.incident);
  const ports = options.ports ?? (incident ? replayPorts(incident) : undefined);
  const settings = options.settings ?? Settings.parse({});
  const configured = settings.llm && (options.model ? { ...settings.llm, model: options.model } : settings.llm);
  const llm: LlmSessionOptions | undefined = options.llm ?? (configured ? { settings: configured } : undefined);
  const apiKey = llm?.settings.apiKey;
  return new GraphChatEngine({
    redact: redactor([...secretsOf(settings), ...loadedSecrets(), ...(apiKey ? [apiKey] : [])]),
    threadId,
    incident,
    ports,
    explicitPorts: options.ports !== undefined,
    alert: options.alert,
    incidentId: options.incidentId,
    llm,
    policy: options.policy ?? settings.policy,
    thresholds: thresholdsFrom(settings.thresholds),
    threadsDir: options.threadsDir ?? join(homedir(), ".kafka-ops", "threads"),
    model: options.chatModel,
    gate: options.gate,
  });
}

interface EngineInit {
  /** Scrubs every configured secret (the settings', those the process loaded, the API key). */
  redact: Redact;
  threadId: string;
  incident: ReturnType<typeof parseIncident> | undefined;
  ports: Ports | undefined;
  explicitPorts: boolean;
  alert: Alert | undefined;
  incidentId: string | undefined;
  llm: LlmSessionOptions | undefined;
  policy: Settings["policy"];
  /** The config file's threshold overrides (settings.thresholds), resolved per scope. */
  thresholds: Thresholds;
  threadsDir: string;
  model: ChatModel | undefined;
  gate: ChatGate | undefined;
}

class GraphChatEngine implements ChatEngine {
  readonly threadId: string;
  readonly usesModel: boolean;
  readonly #o: EngineInit;
  #report: Promise<Report> | undefined;
  #approved = new Map<number, Action>();
  #chat: Promise<ModelChat> | undefined;

  constructor(o: EngineInit) {
    this.threadId = o.threadId;
    this.usesModel = o.llm !== undefined;
    this.#o = o;
  }

  async ask(question: string, onEvent: (e: ChatEvent) => void, signal: AbortSignal): Promise<ChatTurn> {
    try {
      return await this.#ask(question, onEvent, signal);
    } catch (error) {
      throw scrubbed(error, this.#o.redact);
    }
  }

  async #ask(question: string, onEvent: (e: ChatEvent) => void, signal: AbortSignal): Promise<ChatTurn> {
    if (!this.usesModel) {
      onEvent({ kind: "note", text: "no model configured (set OPENAI_API_KEY or OPENAI_BASE_URL): answering from the rules' report" });
      const { answer, evidence } = answerFromReport(question, await this.report(signal));
      for (const line of answer.split(/(?<=\n)/)) onEvent({ kind: "token", text: line });
      return { answer, evidence };
    }
    this.#chat ??= this.#startChat(signal);
    return (await this.#chat).ask(question, onEvent, signal);
  }

  async plan(signal: AbortSignal) {
    const r = await this.report(signal);
    return { decision: r.decision, actions: r.actions, escalation: r.escalation };
  }

  get gated(): boolean {
    return this.#o.gate !== undefined;
  }

  async approve(indexes: number[] | "all"): Promise<Action[]> {
    const r = await this.report(new AbortController().signal);
    const gate = this.#o.gate;
    if (gate) {
      // Through the gate: claimed once, resumed, applied by the runner; the report is what ran.
      const next = await gate.approve(r, indexes).catch((error: unknown) => Promise.reject(scrubbed(error, this.#o.redact)));
      this.#report = Promise.resolve(next);
      return next.actions;
    }
    const chosen = indexes === "all" ? r.actions.map((_, i) => i + 1) : indexes;
    for (const i of chosen) {
      const a = r.actions[i - 1];
      if (!a) throw new Error(`no action ${i} (the plan has ${r.actions.length})`);
      // Approval is a mark for a human-run change; nothing here applies an action.
      if (a.status === "proposed") {
        a.status = "approved";
        this.#approved.set(i, a);
      }
    }
    return r.actions;
  }

  report(signal: AbortSignal): Promise<Report> {
    if (signal.aborted) return Promise.reject(signal.reason);
    this.#report ??= this.#investigate().catch((error: unknown) => Promise.reject(scrubbed(error, this.#o.redact)));
    return this.#report;
  }

  async close(): Promise<void> {
    await this.#o.gate?.close();
  }

  #investigate(): Promise<Report> {
    const { incident, ports, llm, policy, alert, incidentId, thresholds } = this.#o;
    const gate = this.#o.gate;
    const common = { policy, thresholds, secrets: this.#o.redact.secrets, ...(llm && { llm }), ...(gate && { remediation: gate.remediation }) };
    if (incident) return investigate(incident, { ...common, ...(this.#o.explicitPorts && ports && { ports }) });
    if (ports) return investigatePorts(ports, { ...common, ...(alert && { alert }), ...(incidentId && { incidentId }) });
    return Promise.reject(new Error("nothing to investigate: give an incident or ports"));
  }

  async #startChat(signal: AbortSignal): Promise<ModelChat> {
    const { LlmSession } = await import("../llm/session.ts");
    const llm = this.#o.llm!;
    // One model for the conversation (built once), one session (budget, usage) per question.
    const model = this.#o.model ?? llm.model ?? (await import("../llm/model.ts")).createChatModel(llm.settings);
    const session = () => new LlmSession({ ...llm, model });
    // The chat's context is the rules' report: the same one /plan and /report show.
    const report = await this.report(signal);
    return new ModelChat({ session, report, ports: this.#o.ports, threadId: this.threadId, threadsDir: this.#o.threadsDir, maxSteps: llm.settings.maxSteps, redact: this.#o.redact });
  }
}

interface Turn {
  onEvent: (e: ChatEvent) => void;
  signal: AbortSignal;
  evidence: string[];
  /** This question's model session: its budget bounds the whole turn. */
  session: LlmSession;
  question: string;
}

/** The conversational tool-calling loop as a LangGraph graph with a checkpointer. */
class ModelChat {
  readonly #graph;
  readonly #saver = new MemorySaver();
  readonly #file: string;
  readonly #threadsDir: string;
  readonly #threadId: string;
  readonly #redact: Redact;
  readonly #session: () => LlmSession;
  #turn: Turn | undefined;
  #seeded = false;

  constructor(o: { session: () => LlmSession; report: Report; ports: Ports | undefined; threadId: string; threadsDir: string; maxSteps: number; redact: Redact }) {
    this.#redact = o.redact;
    this.#session = o.session;
    const redact = o.redact;
    this.#threadId = o.threadId;
    this.#threadsDir = o.threadsDir;
    this.#file = join(o.threadsDir, `${o.threadId}.json`);
    const tools = o.ports ? modelTools(SPECIALIST_TOOLS.chat) : [];
    const offered = new Set(tools.map((t) => t.name));
    const system = new SystemMessage(`${chatPrompt.system}\n${chatPrompt.render({ report: condense(o.report) })}`);
    const ports = o.ports;

    const agent = async (state: typeof MessagesAnnotation.State) => {
      const turn = this.#turn!;
      // Model turns since the last question: the last allowed one gets no tools, so it answers.
      const lastHuman = state.messages.findLastIndex((m) => m.getType() === "human");
      const steps = state.messages.slice(lastHuman + 1).filter((m) => m.getType() === "ai").length;
      const stream = redact.stream();
      const token = (text: string) => text && turn.onEvent({ kind: "token", text });
      const reply = await turn.session.chat("chat", [system, ...state.messages], {
        ...(tools.length && steps < o.maxSteps && { tools }),
        signal: turn.signal,
        onToken: (text) => token(stream.push(text)),
      });
      token(stream.end());
      if (!reply) {
        // Failed, timed out or refused by the budget (the session's note says which): the rules answer.
        const { answer } = answerFromReport(turn.question, o.report);
        turn.onEvent({ kind: "note", text: redact(`${turn.session.notes.at(-1) ?? "the model did not answer"}; answering from the rules' report`) });
        for (const line of answer.split(/(?<=\n)/)) token(line);
        return { messages: [new AIMessage({ content: answer })] };
      }
      // What enters the thread (and its file) is scrubbed: an echoed key never reaches the disk.
      // Calls whose arguments were not JSON stay in it as calls (screenToolCalls), so the tools
      // node answers them with a tool error the endpoint can match to a call.
      const folded = screenToolCalls("chat", reply, offered).message;
      const content = typeof folded.content === "string" ? redact(folded.content) : redact.deep(folded.content);
      return {
        messages: [
          new AIMessage({
            content,
            tool_calls: redact.deep(folded.tool_calls ?? []),
            invalid_tool_calls: redact.deep(folded.invalid_tool_calls ?? []),
            ...(folded.id && { id: folded.id }),
          }),
        ],
      };
    };

    const toolsNode = async (state: typeof MessagesAnnotation.State) => {
      const turn = this.#turn!;
      const last = state.messages.at(-1) as AIMessage;
      // The same check as the specialists' loop: a call the model got wrong (arguments that
      // are not JSON or do not validate, an unknown tool, a flood) goes back to it as a tool
      // error, and is a note, never a tool failure or evidence. Without ports no tool is
      // offered, and a call is answered as having nothing to read.
      const calls = screenToolCalls("chat", last, offered).calls;
      const results = await Promise.all(
        calls.map(async (tc) => {
          const id = tc.id;
          const refused = ports || tc.refused?.error === UNPARSED ? tc.refused : undefined;
          if (refused) {
            turn.session.note(refused.note);
            turn.onEvent({ kind: "note", text: redact(refused.note) });
            return new ToolMessage({ tool_call_id: id, content: redact(refused.error) });
          }
          turn.onEvent({ kind: "tool-start", id, tool: redact(tc.name), input: redact.deep(tc.args) });
          const started = performance.now();
          let result: ToolResult<unknown>;
          if (!ports || !(tc.name in TOOLS)) result = { kind: "unavailable", what: tc.name, reason: ports ? "no such tool" : "no cluster or incident to read" };
          else {
            try {
              result = await (TOOLS[tc.name as ToolName].run as (p: Ports, i: unknown) => Promise<ToolResult<unknown>>)(ports, tc.args);
            } catch (error) {
              result = { kind: "unavailable", what: tc.name, reason: `tool failed: ${(error as Error).message}` };
            }
          }
          const summary = redact(result.kind === "ok" ? result.summary : describeFault(faultOf(tc.name, result)));
          turn.onEvent({ kind: "tool-end", id, tool: redact(tc.name), ms: Math.round((performance.now() - started) * 100) / 100, ok: result.kind === "ok", summary });
          turn.evidence.push(`${redact(tc.name)}: ${summary}`);
          return new ToolMessage({ tool_call_id: id, content: toolResultText(tc.name, JSON.stringify(redact.deep(result)), 4_000) });
        }),
      );
      return { messages: results };
    };

    this.#graph = new StateGraph(MessagesAnnotation)
      .addNode("agent", agent)
      .addNode("tools", toolsNode)
      .addEdge(START, "agent")
      .addConditionalEdges("agent", (s) => ((s.messages.at(-1) as AIMessage).tool_calls?.length ? "tools" : END), ["tools", END])
      .addEdge("tools", "agent")
      .compile({ checkpointer: this.#saver });
  }

  async ask(question: string, onEvent: (e: ChatEvent) => void, signal: AbortSignal): Promise<ChatTurn> {
    const config = { configurable: { thread_id: this.#threadId }, signal, recursionLimit: 25 };
    const input: BaseMessage[] = [];
    if (!this.#seeded) {
      this.#seeded = true;
      const prior = loadTranscript(this.#file);
      if (prior.length) onEvent({ kind: "note", text: `resumed thread ${this.#threadId} (${prior.length} messages)` });
      input.push(...prior);
    }
    // The thread holds only scrubbed text: a secret typed into a question is neither kept in
    // the live history (nor so in /report's context or the transcript) nor sent to the model.
    input.push(new HumanMessage(this.#redact(question)));
    const session = this.#session();
    this.#turn = { onEvent, signal, evidence: [], session, question };
    try {
      const state = (await this.#graph.invoke({ messages: input }, config)) as typeof MessagesAnnotation.State;
      const last = state.messages.at(-1)!;
      const answer = typeof last.content === "string" ? this.#redact(last.content) : "";
      saveTranscript(this.#threadsDir, this.#file, state.messages, this.#redact);
      return { answer, evidence: this.#turn.evidence };
    } finally {
      this.#turn = undefined;
    }
  }
}

/** What the chat model is told about the investigation: the report without raw evidence quotes. */
function condense(r: Report) {
  return {
    incidentId: r.incidentId,
    decision: r.decision,
    primary: r.primary,
    rootCause: r.rootCause,
    diagnoses: r.diagnoses.map((d) => ({ code: d.code, agent: d.agent, confidence: d.confidence, summary: d.summary, entities: d.entities, ...(d.origin && { origin: d.origin }) })),
    actions: r.actions.map((a, i) => ({ n: i + 1, kind: a.kind, risk: a.risk, status: a.status, params: a.params })),
    escalation: r.escalation && { severity: r.escalation.severity, owner: r.escalation.owner },
    blastRadius: r.blastRadius,
    missingEvidence: r.missingEvidence,
  };
}

function loadTranscript(file: string): BaseMessage[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  try {
    const doc = JSON.parse(text) as { messages?: unknown };
    return Array.isArray(doc.messages) ? mapStoredMessagesToChatMessages(doc.messages) : [];
  } catch {
    return [];
  }
}

function saveTranscript(dir: string, file: string, messages: BaseMessage[], redact: Redact): void {
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const stored = redact.deep(JSON.parse(JSON.stringify(mapChatMessagesToStoredMessages(messages))) as unknown);
  writeFileSync(tmp, JSON.stringify({ format: "kafka-ops-thread/v1", savedAt: new Date().toISOString(), messages: stored }, null, 1));
  renameSync(tmp, file);
}

/** The error with its message scrubbed (an abort stays as it is: the REPL tells it apart). */
function scrubbed(error: unknown, redact: Redact): unknown {
  if (error instanceof Error && error.name === "AbortError") return error;
  const message = error instanceof Error ? error.message : String(error);
  const clean = redact(message);
  return clean === message ? error : new Error(clean);
}
