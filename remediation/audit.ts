/**
 * The audit log: append-only JSON lines, each entry carrying the hash of the one before it, so a
 * line edited, removed, inserted or reordered breaks the chain (`kafka-ops audit --verify`). Who
 * approved or rejected what and when, the plan hash, what ran, its output, the verification.
 * Every string passes through the redactor before it is hashed and written: secrets never
 * reach the file.
 *
 * The chain shows tampering inside the file; a file cut short at a line end still verifies (its
 * last hash, kept elsewhere, would show that: `verifyAudit` returns it as `head`).
 */
import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, rmdirSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { Action } from "../contract/report.ts";
import type { ActionKind } from "../contract/vocabulary.ts";
import { BadInputError } from "../errors.ts";

export type AuditEvent = "approved" | "rejected" | "refused" | "applied" | "failed" | "verified";

/** Where a refusal happened on the way to apply. */
export type AuditStage = "policy" | "approval" | "guard" | "limit" | "dry-run" | "precondition" | "apply" | "verify";

/** What a caller records; the log adds seq, at (when absent), prev and hash. */
export interface AuditInput {
  event: AuditEvent;
  at?: string;
  investigationId?: string;
  /** The hash of the plan (kinds and params of every action, in order) the entry belongs to. */
  planHash?: string;
  /** 1-based index of the action in the plan. */
  index?: number;
  kind?: ActionKind;
  params?: Record<string, unknown>;
  /** Who decided ("alice", or "policy" for --mode auto). */
  by?: string;
  via?: "human" | "policy";
  reason?: string;
  stage?: AuditStage;
  /** Where the writes went (WritePorts.describe()): a live cluster or a labelled simulation. */
  target?: string;
  output?: string[];
  verification?: { ok: boolean; detail: string };
  /** What the limits count for an attempted apply. */
  counts?: { partitions: number; records: number };
}

export interface AuditEntry extends AuditInput {
  seq: number;
  at: string;
  /** `hash` of the previous entry (GENESIS for the first). */
  prev: string;
  /** sha256 (hex) of the entry without `hash`, as canonical JSON (keys sorted). */
  hash: string;
}

export interface AuditLog {
  append(entry: AuditInput): Promise<AuditEntry>;
  /** Entries at or after `since` (all when absent), oldest first. Throws on a line that is not an entry. */
  entries(since?: Date): Promise<AuditEntry[]>;
  /** Where it is kept, for messages. */
  readonly where: string;
}

export const GENESIS = "0".repeat(64);

/** JSON with object keys sorted at every level and undefined left out: one text per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(",")}}`;
}

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** The plan's identity: every action's kind and params, in order. */
export function planHash(actions: readonly Pick<Action, "kind" | "params">[]): string {
  return sha256(canonicalJson(actions.map((a) => ({ kind: a.kind, params: a.params }))));
}

function hashOf(entry: Omit<AuditEntry, "hash">): string {
  return sha256(canonicalJson(entry));
}

function redactDeep(value: unknown, redact: (s: string) => string): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [redact(k), redactDeep(v, redact)]));
  return value;
}

function seal(input: AuditInput, last: AuditEntry | undefined, now: () => Date, redact: (s: string) => string): AuditEntry {
  const body = redactDeep({ ...input, at: input.at ?? now().toISOString() }, redact) as AuditInput & { at: string };
  const unsealed = { ...body, seq: (last?.seq ?? 0) + 1, prev: last?.hash ?? GENESIS };
  return { ...unsealed, hash: hashOf(unsealed) };
}

export interface AuditOptions {
  redact: (text: string) => string;
  now?: () => Date;
}

/** An audit log in memory (tests, simulations that must not touch the real file). */
export function memoryAuditLog(options: AuditOptions): AuditLog & { lines(): string[] } {
  const entries: AuditEntry[] = [];
  const now = options.now ?? (() => new Date());
  return {
    where: "memory",
    async append(input) {
      const e = seal(input, entries.at(-1), now, options.redact);
      entries.push(e);
      return e;
    },
    async entries(since) {
      return entries.filter((e) => !since || Date.parse(e.at) >= since.getTime());
    },
    lines: () => entries.map((e) => JSON.stringify(e)),
  };
}

/**
 * The audit log in a file. Appends from several processes are serialized by a lock directory
 * beside it (mkdir is atomic), so each entry's `prev` is the line written just before it.
 */
export function fileAuditLog(path: string, options: AuditOptions): AuditLog {
  const now = options.now ?? (() => new Date());
  return {
    where: path,
    async append(input) {
      mkdirSync(dirname(path), { recursive: true });
      return withLock(`${path}.lock`, () => {
        const last = lastEntry(path);
        const e = seal(input, last, now, options.redact);
        const fd = openSync(path, "a", 0o600);
        try {
          writeSync(fd, `${JSON.stringify(e)}\n`);
        } finally {
          closeSync(fd);
        }
        return e;
      });
    },
    async entries(since) {
      return parseEntries(readText(path), path).filter((e) => !since || Date.parse(e.at) >= since.getTime());
    },
  };
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  }
}

function lastEntry(path: string): AuditEntry | undefined {
  // The whole file is read: the chain needs the last line's hash, and an audit log of a few
  // thousand entries is small. (A tail read is the change if it ever is not.)
  const lines = readText(path).split("\n").filter((l) => l.trim() !== "");
  const last = lines.at(-1);
  return last === undefined ? undefined : parseLine(last, path, lines.length);
}

function parseLine(line: string, source: string, n: number): AuditEntry {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new BadInputError(source, `line ${n}`, "not a JSON audit entry");
  }
  const e = value as Partial<AuditEntry>;
  if (!e || typeof e !== "object" || typeof e.seq !== "number" || typeof e.hash !== "string" || typeof e.prev !== "string" || typeof e.at !== "string" || typeof e.event !== "string") {
    throw new BadInputError(source, `line ${n}`, "not an audit entry (seq, at, event, prev, hash)");
  }
  return e as AuditEntry;
}

export function parseEntries(text: string, source: string): AuditEntry[] {
  return text.split("\n").flatMap((line, i) => (line.trim() === "" ? [] : [parseLine(line, source, i + 1)]));
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** The last entry's hash: keep it elsewhere to show later that nothing was cut off the end. */
  head: string;
  /** The first break in the chain (line numbers 1-based), absent when ok. */
  problem?: { line: number; why: string };
}

/** Checks every line: valid JSON, seq in order, prev = the previous line's hash, hash = the line's content. */
export function verifyAudit(text: string): AuditVerification {
  let prev = GENESIS;
  let count = 0;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "") continue;
    const fail = (why: string): AuditVerification => ({ ok: false, entries: count, head: prev, problem: { line: i + 1, why } });
    let e: AuditEntry;
    try {
      e = parseLine(line, "audit", i + 1);
    } catch (error) {
      return fail((error as Error).message.replace(/^audit: line \d+: /, ""));
    }
    const { hash, ...rest } = e;
    if (hashOf(rest) !== hash) return fail(`entry ${e.seq}: its hash does not match its content (the line was edited)`);
    if (e.prev !== prev) return fail(`entry ${e.seq}: its prev is not the hash of the entry before it (an entry was removed, inserted or reordered)`);
    if (e.seq !== count + 1) return fail(`entry ${e.seq}: expected seq ${count + 1}`);
    prev = hash;
    count++;
  }
  return { ok: true, entries: count, head: prev };
}

const LOCK_STALE_MS = 30_000;
const LOCK_GIVE_UP_MS = 10_000;

async function withLock<T>(dir: string, body: () => T): Promise<T> {
  const started = Date.now();
  for (let wait = 5; ; wait = Math.min(wait * 2, 200)) {
    try {
      mkdirSync(dir);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // A holder that died leaves its lock: after LOCK_STALE_MS nobody is still appending one line.
      try {
        if (Date.now() - statSync(dir).mtimeMs > LOCK_STALE_MS) rmdirSync(dir);
      } catch {
        // gone meanwhile: try again
      }
      if (Date.now() - started > LOCK_GIVE_UP_MS) throw new Error(`audit log: ${dir} is held by another process for more than ${LOCK_GIVE_UP_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
  try {
    return body();
  } finally {
    rmdirSync(dir);
  }
}

/** Where the audit log lives: KAFKA_OPS_AUDIT_LOG, else audit.jsonl in the state dir (KAFKA_OPS_STATE_DIR, default ~/.kafka-ops). */
export function auditPath(env: Record<string, string | undefined>, stateDir?: string): string {
  if (env.KAFKA_OPS_AUDIT_LOG) return env.KAFKA_OPS_AUDIT_LOG;
  const dir = stateDir ?? env.KAFKA_OPS_STATE_DIR ?? `${env.HOME ?? "."}/.kafka-ops`;
  return `${dir}/audit.jsonl`;
}

/** The audit log the runner and `kafka-ops audit` share: the file auditPath names. */
export function openAuditLog(options: AuditOptions & { env: Record<string, string | undefined>; stateDir?: string }): AuditLog {
  return fileAuditLog(auditPath(options.env, options.stateDir), options);
}
