/**
 * The `kafka-ops chat` read-eval-print loop: questions to a ChatEngine, its answer streamed as
 * it comes (tokens, tool calls starting and ending, several at once), slash commands for the
 * plan, approvals and the report.
 *
 * Streams and engine are parameters, so tests drive it through PassThrough streams and a fake
 * engine. With `terminal` (default: the input is a TTY) readline edits lines, keeps history
 * and reads Ctrl-C as a key (raw mode): it emits "SIGINT" on the interface. Without it (piped
 * input, tests), Ctrl-C arrives as an "interrupt" event on `interrupts` (the CLI forwards
 * process SIGINT there). Either way an interrupt:
 *   - while a turn (or /plan, /report) runs: aborts it through the AbortSignal given
 *     to the engine, prints "(cancelled)" and returns to the prompt at once, without waiting
 *     for the engine; whatever that turn still emits is dropped;
 *   - at a prompt with text typed: clears the line;
 *   - at an empty prompt: prints how to leave; a second one in a row ends the loop.
 * Ctrl-D (end of input) ends the loop once the lines already read have been answered; so does
 * /quit. The loop never closes the engine: its creator does.
 */
import type { EventEmitter } from "node:events";
import { createInterface } from "node:readline";
import type { ChatEngine, ChatEvent } from "./engine.ts";
import { createStyle, oneLine, safe, shouldColor } from "../cli/render/text.ts";
import { actionLines, evidenceLines, NO_MODEL_BANNER, noteLine, NOTHING_APPLIED, DECIDED_AT_GATE, planLines, REPL_HELP, safeJson, safeText, toolEndLine, toolStartLine } from "./render.ts";
import { parseLine, type Command } from "./slash-commands.ts";

export const PROMPT = "> ";
export const EXIT_HINT = "(To exit, press Ctrl-C again, Ctrl-D, or type /quit)";

export interface ReplOptions {
  engine: ChatEngine;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream & { isTTY?: boolean };
  /** Line editing, history and Ctrl-C read as a key. Default: the input is a TTY. */
  terminal?: boolean;
  /** Default: shouldColor(output, env). */
  color?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Each "interrupt" event is a Ctrl-C (the CLI forwards process SIGINT here). */
  interrupts?: EventEmitter;
  /** What the chat is about (the incident's title), for the banner and /report. */
  title?: string;
  /**
   * Scrubs secrets from error lines (an error can come from anywhere: config/secret.ts). The
   * engine scrubs what it emits itself; default: none.
   */
  redact?: (text: string) => string;
}

type Outcome<T> = { kind: "done"; value: T } | { kind: "cancelled" } | { kind: "failed"; error: unknown };

/** Runs the loop until /quit, end of input, or Ctrl-C twice at an empty prompt. */
export function runRepl(options: ReplOptions): Promise<void> {
  const { engine, output } = options;
  const env = options.env ?? process.env;
  const terminal = options.terminal ?? (options.input as { isTTY?: boolean }).isTTY === true;
  const style = createStyle(options.color ?? shouldColor(output, env));
  const screen = new Screen(output);
  const redact = options.redact ?? ((text: string) => text);

  const rl = createInterface({ input: options.input, output, terminal, prompt: PROMPT, historySize: 1000, removeHistoryDuplicates: true });

  const queue: string[] = [];
  let busy = false;
  let inputClosed = false;
  let finished = false;
  let promptShown = false;
  let exitArmed = false; // one Ctrl-C at an empty prompt already
  let cancelCurrent: (() => void) | null = null;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));

  const showPrompt = () => {
    if (finished || inputClosed) return;
    promptShown = true;
    if (terminal) rl.prompt();
    else output.write(PROMPT);
    screen.atLineStart = false;
  };

  const finish = () => {
    if (finished) return;
    finished = true;
    cancelCurrent?.();
    options.interrupts?.off("interrupt", interrupt);
    screen.breakLine();
    rl.close();
    resolveDone();
  };

  function interrupt(): void {
    if (finished) return;
    if (cancelCurrent) {
      cancelCurrent();
      return;
    }
    if (busy) return; // between two queued lines: nothing to cancel
    if (terminal && rl.line.length) {
      // Keep what was typed visible above, start over on a fresh prompt.
      output.write("\n");
      rl.write(null, { ctrl: true, name: "e" });
      rl.write(null, { ctrl: true, name: "u" });
      exitArmed = false;
      return;
    }
    if (exitArmed || inputClosed) {
      finish();
      return;
    }
    exitArmed = true;
    screen.breakLine();
    screen.line(style.dim(EXIT_HINT));
    showPrompt();
  }

  /** Runs `fn` so that an interrupt aborts it and resolves "cancelled" at once. */
  function cancellable<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<Outcome<T>> {
    const controller = new AbortController();
    return new Promise<Outcome<T>>((resolve) => {
      let settled = false;
      const settle = (outcome: Outcome<T>) => {
        if (settled) return;
        settled = true;
        cancelCurrent = null;
        resolve(outcome);
      };
      cancelCurrent = () => {
        controller.abort();
        settle({ kind: "cancelled" });
      };
      let running: Promise<T>;
      try {
        running = Promise.resolve(fn(controller.signal));
      } catch (error) {
        running = Promise.reject(error);
      }
      running.then(
        (value) => settle(controller.signal.aborted ? { kind: "cancelled" } : { kind: "done", value }),
        (error: unknown) => settle(controller.signal.aborted ? { kind: "cancelled" } : { kind: "failed", error }),
      );
    });
  }

  /** Prints why an engine call ended without a result; true when it did end so. */
  function reportUnless<T>(outcome: Outcome<T>): outcome is { kind: "done"; value: T } {
    if (outcome.kind === "done") return true;
    screen.breakLine();
    if (outcome.kind === "cancelled") screen.line(style.dim("(cancelled)"));
    else screen.line(style.red(`error: ${oneLine(redact(errorMessage(outcome.error)), 300)}`));
    return false;
  }

  async function ask(question: string): Promise<void> {
    let streamed = "";
    const outcome = await cancellable((signal) =>
      engine.ask(
        question,
        (event: ChatEvent) => {
          if (signal.aborted || finished) return;
          if (event.kind === "token") {
            streamed += event.text;
            screen.write(safeText(event.text.replace(/\r\n/g, "\n")));
          } else if (event.kind === "tool-start") {
            screen.line(toolStartLine(event.tool, event.input, style));
          } else if (event.kind === "tool-end") {
            screen.line(toolEndLine(event.tool, event.ms, event.ok, event.summary, style));
          } else if (event.kind === "note") {
            screen.line(noteLine(event.text, style));
          }
        },
        signal,
      ),
    );
    if (!reportUnless(outcome)) return;
    const turn = outcome.value;
    if (!streamed.trim() && turn.answer.trim()) {
      screen.breakLine();
      screen.write(safeText(turn.answer.replace(/\r\n/g, "\n")));
    }
    screen.breakLine();
    for (const line of evidenceLines(turn.evidence, style)) screen.line(line);
  }

  async function run(command: Command): Promise<void> {
    switch (command.kind) {
      case "empty":
        return;
      case "question":
        return ask(command.text);
      case "help":
        screen.line(REPL_HELP);
        return;
      case "quit":
        finish();
        return;
      case "invalid":
        screen.line(style.yellow(safe(command.message)));
        return;
      case "plan": {
        const outcome = await cancellable((signal) => engine.plan(signal));
        if (reportUnless(outcome)) for (const line of planLines(outcome.value, style)) screen.line(line);
        return;
      }
      case "approve": {
        // Not cancellable: approve takes no signal, so "(cancelled)" could hide a recorded approval.
        const outcome: Outcome<Awaited<ReturnType<ChatEngine["approve"]>>> = await engine.approve(command.indexes).then(
          (value) => ({ kind: "done", value }),
          (error: unknown) => ({ kind: "failed", error }),
        );
        if (!reportUnless(outcome)) return;
        const which = command.indexes === "all" ? "every proposed action" : `action${command.indexes.length > 1 ? "s" : ""} ${command.indexes.join(", ")}`;
        screen.line(`approval recorded for ${which}:`);
        for (const line of actionLines(outcome.value, style)) screen.line(line);
        if (!outcome.value.length) screen.line(style.dim("  (no actions)"));
        screen.line(style.bold(engine.gated ? DECIDED_AT_GATE : NOTHING_APPLIED));
        return;
      }
      case "report": {
        const outcome = await cancellable((signal) => engine.report(signal));
        if (!reportUnless(outcome)) return;
        if (command.json) {
          screen.line(safeJson(outcome.value));
        } else {
          const { renderReport } = await import("../cli/render/report.ts");
          screen.write(renderReport(outcome.value, { style, ...(options.title !== undefined && { title: options.title }) }));
        }
        return;
      }
    }
  }

  async function pump(): Promise<void> {
    if (busy || finished) return;
    busy = true;
    try {
      while (queue.length && !finished) {
        const line = queue.shift()!;
        if (terminal) {
          screen.atLineStart = true; // readline ended the line
        } else {
          // Echo, so that a piped session reads as a transcript.
          if (!promptShown) output.write(PROMPT);
          screen.write(`${safe(line)}\n`);
        }
        promptShown = false;
        try {
          await run(parseLine(line));
        } catch (error) {
          screen.breakLine();
          screen.line(style.red(`internal error: ${oneLine(redact(errorMessage(error)), 300)}`));
        }
      }
    } finally {
      busy = false;
    }
    if (finished) return;
    if (inputClosed) finish();
    else showPrompt();
  }

  rl.on("line", (line: string) => {
    if (finished) return;
    exitArmed = false;
    queue.push(line);
    void pump();
  });
  rl.on("close", () => {
    inputClosed = true;
    if (!busy && !finished) finish();
  });
  rl.on("SIGINT", interrupt);
  options.interrupts?.on("interrupt", interrupt);

  screen.line(`${style.bold("kafka-ops chat")}${options.title ? ` ${style.dim("·")} ${oneLine(options.title, 100)}` : ""} ${style.dim(`· thread ${oneLine(engine.threadId, 80)}`)}`);
  if (!engine.usesModel) screen.line(style.yellow(NO_MODEL_BANNER));
  screen.line(style.dim("Ask a question, or /help for commands (/plan, /approve, /report, /quit)."));
  showPrompt();
  return done;
}

/** Output that knows whether the cursor is at the start of a line. */
class Screen {
  atLineStart = true;
  private readonly out: NodeJS.WritableStream;

  constructor(out: NodeJS.WritableStream) {
    this.out = out;
  }

  write(text: string): void {
    if (!text) return;
    this.out.write(text);
    this.atLineStart = text.endsWith("\n");
  }

  /** One whole line, on a line of its own. */
  line(text = ""): void {
    this.breakLine();
    this.write(`${text}\n`);
  }

  breakLine(): void {
    if (!this.atLineStart) this.write("\n");
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

