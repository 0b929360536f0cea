/**
 * A LangGraph checkpointer on Node's built-in SQLite (`node:sqlite`): embedded, zero set-up, no
 * native module to build (the official `@langchain/langgraph-checkpoint-sqlite` needs
 * better-sqlite3). The layout follows the PostgreSQL saver's: a checkpoint row without its
 * channel values, one blob per channel version (a step stores only the channels it changed, so
 * a long investigation does not copy its whole state at every step), and the writes with the
 * `task_path` the contract asks savers to keep, so pending writes come back in `writesSortKey` order.
 * Shown correct by @langchain/langgraph-checkpoint-validation (state/sqlite-saver.test.ts).
 *
 * One file may be shared by several processes (an investigation stops at the gate in one, is
 * approved from another): WAL journal, and a busy timeout so a writer waits instead of failing.
 */
import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { RunnableConfig } from "@langchain/core/runnables";
import {
  BaseCheckpointSaver,
  compareWritesSortKeys,
  copyCheckpoint,
  maxChannelVersion,
  TASKS,
  WRITES_IDX_MAP,
  writesSortKey,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  type PendingWrite,
  type SerializerProtocol,
} from "@langchain/langgraph-checkpoint";
import { openSqlite } from "./sqlite.ts";

interface CheckpointRow {
  thread_id: string;
  checkpoint_ns: string;
  checkpoint_id: string;
  parent_checkpoint_id: string | null;
  type: string | null;
  checkpoint: Uint8Array;
  metadata: Uint8Array;
}

interface WriteRow {
  task_id: string;
  idx: number;
  channel: string;
  type: string | null;
  value: Uint8Array;
  task_path: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS checkpoints (
  thread_id TEXT NOT NULL,
  checkpoint_ns TEXT NOT NULL DEFAULT '',
  checkpoint_id TEXT NOT NULL,
  parent_checkpoint_id TEXT,
  type TEXT,
  checkpoint BLOB NOT NULL,
  metadata BLOB NOT NULL,
  PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id)
);
CREATE TABLE IF NOT EXISTS checkpoint_blobs (
  thread_id TEXT NOT NULL,
  checkpoint_ns TEXT NOT NULL DEFAULT '',
  channel TEXT NOT NULL,
  version TEXT NOT NULL,
  type TEXT NOT NULL,
  value BLOB,
  PRIMARY KEY (thread_id, checkpoint_ns, channel, version)
);
CREATE TABLE IF NOT EXISTS writes (
  thread_id TEXT NOT NULL,
  checkpoint_ns TEXT NOT NULL DEFAULT '',
  checkpoint_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  channel TEXT NOT NULL,
  type TEXT,
  value BLOB,
  task_path TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (thread_id, checkpoint_ns, checkpoint_id, task_id, idx)
);`;

const COLUMNS = "thread_id, checkpoint_ns, checkpoint_id, parent_checkpoint_id, type, checkpoint, metadata";

export class NodeSqliteSaver extends BaseCheckpointSaver {
  readonly db: DatabaseSync;
  private readonly statements: {
    latest: StatementSync;
    byId: StatementSync;
    writes: StatementSync;
    sends: StatementSync;
    blob: StatementSync;
    putBlob: StatementSync;
    put: StatementSync;
    putWriteReplace: StatementSync;
    putWriteIgnore: StatementSync;
  };

  constructor(db: DatabaseSync, serde?: SerializerProtocol) {
    super(serde);
    this.db = db;
    db.exec(SCHEMA);
    this.statements = {
      latest: db.prepare(`SELECT ${COLUMNS} FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ? ORDER BY checkpoint_id DESC LIMIT 1`),
      byId: db.prepare(`SELECT ${COLUMNS} FROM checkpoints WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?`),
      writes: db.prepare("SELECT task_id, idx, channel, type, value, task_path FROM writes WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ?"),
      sends: db.prepare(`SELECT task_id, idx, channel, type, value, task_path FROM writes WHERE thread_id = ? AND checkpoint_ns = ? AND checkpoint_id = ? AND channel = '${TASKS}' ORDER BY task_id, idx`),
      blob: db.prepare("SELECT type, value FROM checkpoint_blobs WHERE thread_id = ? AND checkpoint_ns = ? AND channel = ? AND version = ?"),
      putBlob: db.prepare("INSERT OR IGNORE INTO checkpoint_blobs (thread_id, checkpoint_ns, channel, version, type, value) VALUES (?, ?, ?, ?, ?, ?)"),
      put: db.prepare(`INSERT OR REPLACE INTO checkpoints (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      putWriteReplace: db.prepare("INSERT OR REPLACE INTO writes (thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, value, task_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      putWriteIgnore: db.prepare("INSERT OR IGNORE INTO writes (thread_id, checkpoint_ns, checkpoint_id, task_id, idx, channel, type, value, task_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
    };
  }

  /** A saver on the SQLite file at `path` (created when missing; ":memory:" for a private one). */
  static async open(path: string): Promise<NodeSqliteSaver> {
    return new NodeSqliteSaver(await openSqlite(path));
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId = config.configurable?.thread_id as string | undefined;
    const ns = (config.configurable?.checkpoint_ns as string | undefined) ?? "";
    const id = config.configurable?.checkpoint_id as string | undefined;
    if (threadId === undefined) return undefined;
    const row = (id ? this.statements.byId.get(threadId, ns, id) : this.statements.latest.get(threadId, ns)) as CheckpointRow | undefined;
    if (!row) return undefined;
    return this.toTuple(row);
  }

  async *list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    const { limit, before, filter } = options ?? {};
    const where: string[] = [];
    const args: string[] = [];
    const threadId = config.configurable?.thread_id as string | undefined;
    const ns = config.configurable?.checkpoint_ns as string | undefined;
    const id = config.configurable?.checkpoint_id as string | undefined;
    if (threadId !== undefined) where.push("thread_id = ?"), args.push(threadId);
    if (ns !== undefined && ns !== null) where.push("checkpoint_ns = ?"), args.push(ns);
    if (id) where.push("checkpoint_id = ?"), args.push(id);
    const beforeId = before?.configurable?.checkpoint_id as string | undefined;
    if (beforeId !== undefined) where.push("checkpoint_id < ?"), args.push(beforeId);
    const sql = `SELECT ${COLUMNS} FROM checkpoints ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY checkpoint_id DESC`;
    // Metadata is serialized by the serde, not stored as JSON SQLite can query: filtered here, and
    // the limit counts only what passes the filter.
    const wanted = Object.entries(filter ?? {}).filter(([, v]) => v !== undefined);
    let left = limit === undefined ? Infinity : Math.max(0, Math.trunc(Number(limit)));
    for (const row of this.db.prepare(sql).iterate(...args) as Iterable<CheckpointRow>) {
      if (left <= 0) break;
      const tuple = await this.toTuple(row);
      const metadata = (tuple.metadata ?? {}) as Record<string, unknown>;
      if (!wanted.every(([k, v]) => sameJson(metadata[k], v))) continue;
      left -= 1;
      yield tuple;
    }
  }

  async put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, newVersions: ChannelVersions = {}): Promise<RunnableConfig> {
    const threadId = config.configurable?.thread_id as string | undefined;
    const ns = (config.configurable?.checkpoint_ns as string | undefined) ?? "";
    const parent = (config.configurable?.checkpoint_id as string | undefined) ?? null;
    if (!threadId) throw new Error('checkpoint put: missing "thread_id" in config.configurable');
    const { channel_values: values, ...rest } = copyCheckpoint(checkpoint);
    const [[type, serialized], [metaType, serializedMeta], blobs] = await Promise.all([
      this.serde.dumpsTyped(rest),
      this.serde.dumpsTyped(metadata),
      Promise.all(
        Object.entries(newVersions).map(async ([channel, version]) => {
          // A channel with a new version but no value (emptied) is stored as "empty", as the PostgreSQL saver does.
          const [t, v] = channel in values ? await this.serde.dumpsTyped(values[channel]) : ["empty", null];
          return [threadId, ns, channel, String(version), t, v] as const;
        }),
      ),
    ]);
    if (type !== metaType) throw new Error(`checkpoint put: checkpoint and metadata serialized to different types (${type}, ${metaType})`);
    this.transaction(() => {
      for (const blob of blobs) this.statements.putBlob.run(...blob);
      this.statements.put.run(threadId, ns, checkpoint.id, parent, type, serialized, serializedMeta);
    });
    return { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpoint.id } };
  }

  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath = ""): Promise<void> {
    const threadId = config.configurable?.thread_id as string | undefined;
    const ns = (config.configurable?.checkpoint_ns as string | undefined) ?? "";
    const checkpointId = config.configurable?.checkpoint_id as string | undefined;
    if (!threadId) throw new Error('checkpoint putWrites: missing "thread_id" in config.configurable');
    if (!checkpointId) throw new Error('checkpoint putWrites: missing "checkpoint_id" in config.configurable');
    // The contract (and the Python savers): special channels (error, interrupt, resume...) sit at
    // fixed negative indexes and are replaced, so a resume can overwrite an interrupt; a regular
    // write never clobbers one already stored at the same (task, idx).
    const allSpecial = writes.every(([channel]) => channel in WRITES_IDX_MAP);
    const stmt = allSpecial ? this.statements.putWriteReplace : this.statements.putWriteIgnore;
    const rows = await Promise.all(
      writes.map(async ([channel, value], idx) => {
        const [type, serialized] = await this.serde.dumpsTyped(value);
        return [threadId, ns, checkpointId, taskId, WRITES_IDX_MAP[channel] ?? idx, channel, type, serialized, taskPath] as const;
      }),
    );
    this.transaction(() => {
      for (const row of rows) stmt.run(...row);
    });
  }

  async deleteThread(threadId: string): Promise<void> {
    this.transaction(() => {
      this.db.prepare("DELETE FROM checkpoints WHERE thread_id = ?").run(threadId);
      this.db.prepare("DELETE FROM writes WHERE thread_id = ?").run(threadId);
      this.db.prepare("DELETE FROM checkpoint_blobs WHERE thread_id = ?").run(threadId);
    });
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private transaction(body: () => void): void {
    // IMMEDIATE: take the write lock up front, so two processes cannot both read then write.
    this.db.exec("BEGIN IMMEDIATE");
    try {
      body();
      this.db.exec("COMMIT");
    } catch (error) {
      this.db.exec("ROLLBACK");
      throw error;
    }
  }

  private async toTuple(row: CheckpointRow): Promise<CheckpointTuple> {
    const checkpoint = (await this.serde.loadsTyped(row.type ?? "json", row.checkpoint)) as Checkpoint;
    checkpoint.channel_versions ??= {};
    checkpoint.versions_seen ??= {};
    checkpoint.channel_values = await this.channelValues(row, checkpoint.channel_versions);
    if (checkpoint.v < 4 && row.parent_checkpoint_id) await this.migratePendingSends(checkpoint, row);
    const writes = (this.statements.writes.all(row.thread_id, row.checkpoint_ns, row.checkpoint_id) as unknown as WriteRow[])
      .map((w) => ({ w, key: writesSortKey(w.task_path, w.task_id, w.idx) }))
      .sort((a, b) => compareWritesSortKeys(a.key, b.key));
    const pendingWrites: CheckpointPendingWrite[] = await Promise.all(
      writes.map(async ({ w }) => [w.task_id, w.channel, await this.serde.loadsTyped(w.type ?? "json", w.value)] as CheckpointPendingWrite),
    );
    return {
      config: { configurable: { thread_id: row.thread_id, checkpoint_ns: row.checkpoint_ns, checkpoint_id: row.checkpoint_id } },
      checkpoint,
      metadata: (await this.serde.loadsTyped(row.type ?? "json", row.metadata)) as CheckpointMetadata,
      ...(row.parent_checkpoint_id && {
        parentConfig: { configurable: { thread_id: row.thread_id, checkpoint_ns: row.checkpoint_ns, checkpoint_id: row.parent_checkpoint_id } },
      }),
      pendingWrites,
    };
  }

  private async channelValues(row: CheckpointRow, versions: ChannelVersions): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const [channel, version] of Object.entries(versions)) {
      const blob = this.statements.blob.get(row.thread_id, row.checkpoint_ns, channel, String(version)) as { type: string; value: Uint8Array | null } | undefined;
      if (!blob || blob.type === "empty" || blob.value === null) continue;
      out[channel] = await this.serde.loadsTyped(blob.type, blob.value);
    }
    return out;
  }

  /** Checkpoints before format v4 kept pending sends as the parent's TASKS writes. */
  private async migratePendingSends(checkpoint: Checkpoint, row: CheckpointRow): Promise<void> {
    const sends = this.statements.sends.all(row.thread_id, row.checkpoint_ns, row.parent_checkpoint_id!) as unknown as WriteRow[];
    checkpoint.channel_values ??= {};
    checkpoint.channel_values[TASKS] = await Promise.all(sends.map((s) => this.serde.loadsTyped(s.type ?? "json", s.value)));
    checkpoint.channel_versions[TASKS] = Object.keys(checkpoint.channel_versions).length
      ? maxChannelVersion(...Object.values(checkpoint.channel_versions))
      : this.getNextVersion(undefined);
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
