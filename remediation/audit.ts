/**
 * The audit log: append-only JSON lines, each entry carrying the hash of the one before it, so a
 * line edited, removed or reordered breaks the chain (`kafka-ops audit --verify`). Who approved
 * or rejected what and when, the plan hash, what ran, its output, the verification result.
 * Every string passes through the redactor before it is written: secrets never reach the file.
 */
import type { ActionKind } from "../contract/vocabulary.ts";

export type AuditEvent = "approved" | "rejected" | "refused" | "applied" | "failed" | "verified" | "rollback";

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
  /** Where the writes went (WritePorts.describe()): a live cluster or a labelled simulation. */
  target?: string;
  output?: string[];
  verification?: { ok: boolean; detail: string };
  /** What the limits counted for this action (actions, partitions, records). */
  counts?: { partitions?: number; records?: number };
}

export interface AuditEntry extends AuditInput {
  seq: number;
  at: string;
  /** Hash of the previous entry's line ("0"x64 for the first). */
  prev: string;
  /** sha256 over the entry without `hash`, as canonical JSON. */
  hash: string;
}

export interface AuditLog {
  append(entry: AuditInput): Promise<AuditEntry>;
  /** Entries at or after `since` (all when absent), oldest first. */
  entries(since?: Date): Promise<AuditEntry[]>;
}
