/**
 * Test helpers for the HTTP API (server/*.test.ts): a real server on 127.0.0.1, port 0, with its
 * state in a temp folder; requests through fetch (undici); a server-sent events reader; a live
 * cluster stand-in whose reads are a recorded incident's and whose opening waits until the test
 * lets it (an investigation that stays running, without sleeping).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Settings, type SettingsInput } from "../config/settings.ts";
import type { Incident } from "../contract/incident.ts";
import { parseIncident } from "../contract/parse.ts";
import { replayPorts } from "../ports/replay/replay-ports.ts";
import type { LiveCluster } from "../server/live-cluster.ts";
import { startServer, type RunningServer, type StartOptions } from "../server/serve.ts";

export const READ_TOKEN = "read-only-token-0123456789";
export const APPROVER_TOKEN = "approver-token-0123456789ab";

export const FIXTURE_DIR = join(import.meta.dirname, "..", "fixtures", "incidents");
export const fixtureText = (name: string) => readFileSync(join(FIXTURE_DIR, `${name}.json`), "utf8");
export const fixture = (name: string): Incident => parseIncident(JSON.parse(fixtureText(name)), name);

export interface TestServer extends RunningServer {
  dir: string;
  /** fetch against the server, with the approver token unless `token` says otherwise (null: none). */
  request(path: string, init?: RequestInit & { token?: string | null; json?: unknown }): Promise<Response>;
  stop(): Promise<void>;
}

export async function testServer(settings: SettingsInput = {}, options: Partial<StartOptions> = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "kafka-ops-server-"));
  const parsed = Settings.parse({
    ...settings,
    state: { dir, ...settings.state },
    server: {
      tokens: [
        { name: "reader", token: READ_TOKEN, role: "read-only" },
        { name: "approver", token: APPROVER_TOKEN, role: "approver" },
      ],
      ...settings.server,
    },
  });
  const server = await startServer({ settings: parsed, env: { KAFKA_OPS_AUDIT_LOG: join(dir, "audit.jsonl") }, host: "127.0.0.1", port: 0, live: null, ...options });
  return {
    ...server,
    dir,
    request(path, init = {}) {
      const { token = APPROVER_TOKEN, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token !== null) headers.set("authorization", `Bearer ${token}`);
      if (json !== undefined) headers.set("content-type", "application/json");
      return fetch(`${server.url}${path}`, { ...rest, headers, ...(json !== undefined && { method: rest.method ?? "POST", body: typeof json === "string" ? json : JSON.stringify(json) }) });
    },
    async stop() {
      await server.shutdown(5_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface SseMessage {
  id?: string;
  event: string;
  data: unknown;
}

/** Reads a text/event-stream answer to its end (the server closes it after `end`). */
export async function readEvents(response: Response): Promise<SseMessage[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((block) => block.trim() && !block.startsWith(":"))
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.split("\n")) {
        const at = line.indexOf(": ");
        if (at > 0) fields.set(line.slice(0, at), line.slice(at + 2));
      }
      const id = fields.get("id");
      return { ...(id !== undefined && { id }), event: fields.get("event") ?? "message", data: JSON.parse(fields.get("data") ?? "null") };
    });
}

/** A live cluster whose reads are a recorded incident's; `open` waits for release(). */
export function heldLive(incident: Incident): { live: LiveCluster; opened: Promise<void>; release(): void; opens(): number } {
  let release!: () => void;
  let opened!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const openedOnce = new Promise<void>((resolve) => (opened = resolve));
  let count = 0;
  return {
    live: {
      bootstrap: ["kafka.test:9092"],
      probe: async () => {},
      async open() {
        count++;
        opened();
        await held;
        return { ports: replayPorts(incident), descriptor: { kind: "replay", incident }, bootstrap: ["kafka.test:9092"], close: async () => {} };
      },
      close: async () => {},
    },
    opened: openedOnce,
    release,
    opens: () => count,
  };
}

/** The report without what differs from run to run (wall times), for comparing two runs. */
export function stable(report: unknown): unknown {
  return JSON.parse(JSON.stringify(report), (key, value) => (key === "ms" || key === "totalMs" || key === "nodes" ? undefined : value));
}
