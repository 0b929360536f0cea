/**
 * One investigation's events: kept in order (a subscriber that comes late is given the history
 * first) and handed to whoever listens now. `end` is not kept: it is what a subscriber is told
 * when the investigation comes to rest (done, failed, or waiting at the gate), and what a
 * subscriber that arrives while it rests is told after the history.
 */
import type { StreamEvent } from "./schemas.ts";

export interface LoggedEvent {
  /** 1-based, in order: the SSE `id:` (a reconnecting client sends the last one it saw). */
  seq: number;
  event: StreamEvent;
}

export type Listener = (entry: LoggedEvent) => void;

export class EventLog {
  readonly #history: LoggedEvent[] = [];
  readonly #listeners = new Set<Listener>();

  push(event: StreamEvent): void {
    const entry = { seq: this.#history.length + 1, event };
    if (event.type !== "end") this.#history.push(entry);
    for (const listener of this.#listeners) listener(entry);
  }

  /** The events after `afterSeq`, then every new one until the returned function is called. */
  subscribe(listener: Listener, afterSeq = 0): { history: LoggedEvent[]; unsubscribe: () => void } {
    this.#listeners.add(listener);
    return { history: this.#history.slice(Math.max(0, afterSeq)), unsubscribe: () => this.#listeners.delete(listener) };
  }

  get size(): number {
    return this.#history.length;
  }

  get listeners(): number {
    return this.#listeners.size;
  }
}
