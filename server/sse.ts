/**
 * GET /investigations/:id/events as server-sent events: the history first (after the
 * `Last-Event-ID` a reconnecting client sends), then each event as it happens, then `end` when
 * the investigation comes to rest, and the stream closes. A comment line every 15 s keeps
 * proxies from closing a quiet stream.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Redact } from "../config/secret.ts";
import type { LoggedEvent } from "./event-log.ts";
import { isResting, type Investigation } from "./investigations.ts";

const KEEP_ALIVE_MS = 15_000;

/** Open streams, so that a shutdown can end them (an open stream would hold the server's close). */
export class EventStreams {
  readonly #open = new Set<() => void>();

  serve(request: FastifyRequest, reply: FastifyReply, entry: Investigation, redact: Redact): void {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    // `end` carries no id: it is not part of the history a reconnect resumes from.
    const write = ({ seq, event }: LoggedEvent) => res.write(`${event.type === "end" ? "" : `id: ${seq}\n`}event: ${event.type}\ndata: ${redact(JSON.stringify(event))}\n\n`);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearInterval(keepAlive);
      subscription.unsubscribe();
      this.#open.delete(finish);
      res.end();
    };
    const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), KEEP_ALIVE_MS);
    keepAlive.unref();
    const after = Number.parseInt(String(request.headers["last-event-id"] ?? "0"), 10);
    const subscription = entry.events.subscribe((e) => {
      write(e);
      if (e.event.type === "end") finish();
    }, Number.isSafeInteger(after) && after > 0 ? after : 0);
    this.#open.add(finish);
    res.on("close", finish);
    for (const e of subscription.history) write(e);
    if (isResting(entry) || entry.replayOnly) write({ seq: 0, event: { type: "end", id: entry.id, status: entry.status } }), finish();
  }

  /** Ends every open stream (shutdown, after running investigations had their chance to finish). */
  closeAll(): void {
    for (const finish of [...this.#open]) finish();
  }

  get size(): number {
    return this.#open.size;
  }
}
