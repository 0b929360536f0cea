/**
 * Test helper: run a command in a pseudo-terminal (Python's pty module as the terminal), type
 * into it and wait for what it prints, each wait bounded by a deadline. Nothing waits a fixed
 * time: every step waits for the text it needs.
 */
import { spawn } from "node:child_process";

// pty.spawn copies our stdin (a pipe) to the terminal and the terminal to our stdout until the
// child exits; its exit code becomes Python's.
const PTY_PY = `import os, pty, sys
status = pty.spawn(sys.argv[1:])
sys.exit(os.waitstatus_to_exitcode(status))`;

/** The terminal's text without colour and cursor sequences, `\r\n` as `\n`. */
export function plain(text: string): string {
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "").replace(/\r+\n/g, "\n");
}

export interface PtySession {
  /** Everything the terminal showed so far, raw. */
  readonly raw: string;
  /** Length of the raw text now: pass to waitFor/waitForPrompt to look only at what follows. */
  mark(): number;
  /** Types `text` (a line: end it with "\r", as Enter does; Ctrl-C is "\x03"). */
  type(text: string): void;
  /** Waits until the plain text after `since` satisfies `test`; returns that text. */
  waitFor(test: RegExp | ((text: string) => boolean), since?: number, timeoutMs?: number): Promise<string>;
  /** Waits until the plain text after `since` ends with the prompt. */
  waitForPrompt(since?: number, timeoutMs?: number, prompt?: string): Promise<string>;
  /** Resolves with the exit code (rejects after the deadline, killing the process). */
  exited(timeoutMs?: number): Promise<number | null>;
  kill(): void;
}

export function spawnInPty(argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): PtySession {
  const child = spawn("python3", ["-c", PTY_PY, ...argv], { cwd: options.cwd, env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
  let raw = "";
  let stderr = "";
  let exitCode: number | null | undefined;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const l of [...listeners]) l();
  };
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    raw += chunk;
    changed();
  });
  child.stderr.on("data", (chunk: string) => {
    stderr += chunk;
  });
  child.on("exit", (code) => {
    exitCode = code;
    changed();
  });
  // The pipe to python3 may close first when the child ends: not an error for a test.
  child.stdin.on("error", () => {});

  const describe = (since: number) => `after: ${JSON.stringify(plain(raw.slice(since)).slice(-2000))}${stderr ? `\nstderr: ${JSON.stringify(stderr.slice(-2000))}` : ""}`;

  function waitFor(test: RegExp | ((text: string) => boolean), since = 0, timeoutMs = 10_000): Promise<string> {
    const check = () => {
      const text = plain(raw.slice(since));
      return (typeof test === "function" ? test(text) : test.test(text)) ? text : undefined;
    };
    return new Promise((resolve, reject) => {
      const now = check();
      if (now !== undefined) return resolve(now);
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${String(test)}; ${describe(since)}`));
      }, timeoutMs);
      const listener = () => {
        const text = check();
        if (text !== undefined) {
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(text);
        } else if (exitCode !== undefined) {
          clearTimeout(timer);
          listeners.delete(listener);
          reject(new Error(`process exited (${exitCode}) while waiting for ${String(test)}; ${describe(since)}`));
        }
      };
      listeners.add(listener);
    });
  }

  return {
    get raw() {
      return raw;
    },
    mark: () => raw.length,
    type: (text) => {
      child.stdin.write(text);
    },
    waitFor,
    waitForPrompt: (since = 0, timeoutMs = 10_000, prompt = "> ") => waitFor((text) => text.endsWith(`\n${prompt}`) || text === prompt, since, timeoutMs),
    exited: (timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        if (exitCode !== undefined) return resolve(exitCode);
        const timer = setTimeout(() => {
          child.kill("SIGKILL");
          reject(new Error(`did not exit within ${timeoutMs} ms; ${describe(0)}`));
        }, timeoutMs);
        child.on("exit", (code) => {
          clearTimeout(timer);
          resolve(code);
        });
      }),
    kill: () => {
      if (exitCode === undefined) child.kill("SIGKILL");
    },
  };
}
