/**
 * Port wrappers that model network latency: every port method call waits `delayMs` (a
 * setTimeout) before it answers. `concurrent` lets calls overlap, as the graph issues them;
 * `serial` lets only one call be in flight at a time (a mutex queue), as a runbook executed one
 * step at a time would. Both count the calls they served.
 */
import type { Ports } from "../ports/ports.ts";

export interface SlowPorts {
  ports: Ports;
  /** Port method calls served so far. */
  calls(): number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function slowPorts(inner: Ports, delayMs: number, mode: "concurrent" | "serial"): SlowPorts {
  let count = 0;
  let tail: Promise<unknown> = Promise.resolve();
  const call = <R>(fn: () => Promise<R>): Promise<R> => {
    count++;
    if (mode === "concurrent") return sleep(delayMs).then(fn);
    const turn = tail.then(() => sleep(delayMs).then(fn));
    tail = turn.catch(() => undefined);
    return turn;
  };
  const wrapped = {} as Record<string, Record<string, unknown>>;
  for (const [portName, port] of Object.entries(inner) as [string, Record<string, unknown>][]) {
    const out: Record<string, unknown> = {};
    for (const [method, fn] of Object.entries(port)) {
      out[method] = typeof fn === "function" ? (...args: unknown[]) => call(() => (fn as (...a: unknown[]) => Promise<unknown>).apply(port, args)) : fn;
    }
    wrapped[portName] = out;
  }
  return { ports: wrapped as unknown as Ports, calls: () => count };
}
