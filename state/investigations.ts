/**
 * The investigations the approval gate holds, beside the checkpoints: what `kafka-ops approvals
 * list` shows, the secret-free target descriptor a resume rebuilds the graph from, and the claim
 * that makes an approval happen exactly once.
 *
 * The claim is one conditional update (`... SET status = 'claimed' WHERE id = ? AND status IN
 * ('awaiting', 'running')`): of two processes approving the same id at the same moment, the database lets
 * exactly one update a row; the other sees zero rows changed and is refused. SQLite serialises
 * writers on the file lock; PostgreSQL re-checks the WHERE on the row the first one committed.
 */
import type { DatabaseSync } from "node:sqlite";

/**
 * running: recorded before the graph starts (a process killed before it stopped at the gate
 * leaves this; its checkpoint says whether the gate holds anything). awaiting: stopped at the
 * gate. claimed: decided, the resume under way (or killed during it). done: resumed to the end.
 */
export type InvestigationStatus = "running" | "awaiting" | "claimed" | "done";

export interface GateDecisionRecord {
  decision: "approved" | "rejected";
  by: string;
  at: string;
  reason?: string;
  /** Why the `reject` ones were, when not `reason` (an approve with --only: the rest not selected). */
  rejectReason?: string;
  /** 1-based action indexes. */
  approve: number[];
  reject: number[];
}

export interface InvestigationRecord {
  id: string;
  createdAt: string;
  updatedAt: string;
  status: InvestigationStatus;
  /** One line for a listing: the incident's title, or what a live investigation was about. */
  title: string;
  mode: "approve" | "auto";
  /** Where the actions go, without secrets (remediation/approvals/target.ts). */
  target: unknown;
  /** 1-based indexes of the actions the gate holds. */
  awaiting: number[];
  /** The policy file in force when it stopped (absent: settings or the default); a resume reads it again. */
  policy?: string;
  decision?: GateDecisionRecord;
  /** After the resume: what ran ("applied 1,3; failed 2"), for the listing. */
  outcome?: string;
}

export type NewInvestigation = Omit<InvestigationRecord, "updatedAt" | "status" | "decision" | "outcome" | "awaiting">;

export type ClaimResult = { ok: true } | { ok: false; current: InvestigationRecord | null };

export interface InvestigationStore {
  /** Records an investigation about to run (status running). */
  begin(record: NewInvestigation): Promise<void>;
  /** It stopped at the gate, holding these actions. */
  atGate(id: string, awaiting: readonly number[], at: string): Promise<void>;
  get(id: string): Promise<InvestigationRecord | null>;
  /** Newest first. */
  list(): Promise<InvestigationRecord[]>;
  /** The one way out of `awaiting` (or `running`, for a process killed at the gate): succeeds for exactly one caller. */
  claim(id: string, decision: GateDecisionRecord, at: string): Promise<ClaimResult>;
  finish(id: string, outcome: string, at: string): Promise<void>;
  close(): Promise<void>;
}

interface Row {
  id: string;
  created_at: string;
  updated_at: string;
  status: string;
  data: string;
  awaiting: string | null;
  decision: string | null;
  outcome: string | null;
}

function fromRow(row: Row): InvestigationRecord {
  const data = JSON.parse(row.data) as Pick<InvestigationRecord, "title" | "mode" | "target" | "policy">;
  return {
    id: row.id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    status: row.status as InvestigationStatus,
    ...data,
    awaiting: row.awaiting ? (JSON.parse(row.awaiting) as number[]) : [],
    ...(row.decision && { decision: JSON.parse(row.decision) as GateDecisionRecord }),
    ...(row.outcome !== null && { outcome: row.outcome }),
  };
}

const dataOf = (r: NewInvestigation) => JSON.stringify({ title: r.title, mode: r.mode, target: r.target, ...(r.policy && { policy: r.policy }) });

const CLAIMABLE = "status IN ('awaiting', 'running')";

const TABLE = `CREATE TABLE IF NOT EXISTS kafka_ops_investigations (
  id TEXT PRIMARY KEY,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  status TEXT NOT NULL,
  data TEXT NOT NULL,
  awaiting TEXT,
  decision TEXT,
  outcome TEXT
)`;

export function sqliteInvestigations(db: DatabaseSync): InvestigationStore {
  db.exec(TABLE);
  const get = db.prepare("SELECT * FROM kafka_ops_investigations WHERE id = ?");
  return {
    async begin(r) {
      db.prepare("INSERT INTO kafka_ops_investigations (id, created_at, updated_at, status, data) VALUES (?, ?, ?, 'running', ?)").run(r.id, r.createdAt, r.createdAt, dataOf(r));
    },
    async atGate(id, awaiting, at) {
      db.prepare("UPDATE kafka_ops_investigations SET status = 'awaiting', awaiting = ?, updated_at = ? WHERE id = ? AND status = 'running'").run(JSON.stringify(awaiting), at, id);
    },
    async get(id) {
      const row = get.get(id) as Row | undefined;
      return row ? fromRow(row) : null;
    },
    async list() {
      return (db.prepare("SELECT * FROM kafka_ops_investigations ORDER BY created_at DESC, id DESC").all() as unknown as Row[]).map(fromRow);
    },
    async claim(id, decision, at) {
      const changed = db
        .prepare(`UPDATE kafka_ops_investigations SET status = 'claimed', decision = ?, updated_at = ? WHERE id = ? AND ${CLAIMABLE}`)
        .run(JSON.stringify(decision), at, id).changes;
      if (Number(changed) === 1) return { ok: true };
      const row = get.get(id) as Row | undefined;
      return { ok: false, current: row ? fromRow(row) : null };
    },
    async finish(id, outcome, at) {
      db.prepare("UPDATE kafka_ops_investigations SET status = 'done', outcome = ?, updated_at = ? WHERE id = ?").run(outcome, at, id);
    },
    async close() {},
  };
}

/** The few methods of a `pg` Pool this store uses (the package ships no types of its own). */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

export async function postgresInvestigations(pool: PgQueryable): Promise<InvestigationStore> {
  await pool.query(TABLE);
  const getRow = async (id: string) => (await pool.query("SELECT * FROM kafka_ops_investigations WHERE id = $1", [id])).rows[0] as Row | undefined;
  return {
    async begin(r) {
      await pool.query("INSERT INTO kafka_ops_investigations (id, created_at, updated_at, status, data) VALUES ($1, $2, $2, 'running', $3)", [r.id, r.createdAt, dataOf(r)]);
    },
    async atGate(id, awaiting, at) {
      await pool.query("UPDATE kafka_ops_investigations SET status = 'awaiting', awaiting = $1, updated_at = $2 WHERE id = $3 AND status = 'running'", [JSON.stringify(awaiting), at, id]);
    },
    async get(id) {
      const row = await getRow(id);
      return row ? fromRow(row) : null;
    },
    async list() {
      return ((await pool.query("SELECT * FROM kafka_ops_investigations ORDER BY created_at DESC, id DESC")).rows as Row[]).map(fromRow);
    },
    async claim(id, decision, at) {
      const result = await pool.query(
        `UPDATE kafka_ops_investigations SET status = 'claimed', decision = $1, updated_at = $2 WHERE id = $3 AND ${CLAIMABLE}`,
        [JSON.stringify(decision), at, id],
      );
      if (result.rowCount === 1) return { ok: true };
      const row = await getRow(id);
      return { ok: false, current: row ? fromRow(row) : null };
    },
    async finish(id, outcome, at) {
      await pool.query("UPDATE kafka_ops_investigations SET status = 'done', outcome = $1, updated_at = $2 WHERE id = $3", [outcome, at, id]);
    },
    async close() {},
  };
}
