/**
 * The workers' ledger of alerts, beside the checkpoints in the durable state: one row per alert
 * id, so an alert is reported once however many times it is delivered (Alertmanager repeats, a
 * producer's retry, a worker that died before committing), and a worker that takes a partition
 * over knows whether the alert it is handed was already reported, is being worked on by a
 * live worker, or was left half-done by a dead one.
 *
 * A worker holds an alert under a lease it renews while it investigates; a claim succeeds
 * when the alert is new, or when the last holder's lease ran out. `reporting` marks the moment
 * the report is in a Kafka transaction not yet committed: a holder that dies there leaves the
 * question "did the commit land?", which only the alerts partition's committed offset answers
 * (worker/worker.ts asks it). Every change is one conditional statement, so of two workers
 * claiming the same alert at the same moment exactly one wins.
 */
import type { DatabaseSync } from "node:sqlite";
import type { PgQueryable } from "./investigations.ts";

/** running: held, investigating. reporting: its report is in a transaction being committed. done: reported. dead: sent to the workers' DLQ. */
export type AlertStatus = "running" | "reporting" | "done" | "dead";

/** Where the alert's record sits in the alerts topic: the message its holder was working on. */
export interface AlertSource {
  topic: string;
  partition: number;
  offset: string;
}

export interface AlertRecord {
  id: string;
  status: AlertStatus;
  /** Claims so far, this one included: a worker killed mid-investigation leaves 1, its successor makes it 2. */
  attempts: number;
  owner: string;
  source: AlertSource;
  createdAt: number;
  updatedAt: number;
  leaseUntil: number;
  /** What became of it: "reported", or why it was dead-lettered. */
  outcome?: string;
  /** The last error an attempt ended with. */
  error?: string;
}

export type Claim =
  | { kind: "claimed"; record: AlertRecord }
  /** Reported or dead-lettered already: nothing to do but move past it. */
  | { kind: "finished"; record: AlertRecord }
  /** Another worker holds it under a live lease. */
  | { kind: "held"; record: AlertRecord }
  /** Its last holder died between writing the report and knowing the commit landed. */
  | { kind: "uncertain"; record: AlertRecord };

export interface AlertLedger {
  claim(id: string, source: AlertSource, owner: string, now: number, leaseMs: number): Promise<Claim>;
  /** Extends the lease; false when the alert is no longer this owner's (taken over). */
  renew(id: string, owner: string, leaseUntil: number, now: number): Promise<boolean>;
  /** Settles an uncertain alert: the commit landed (done) or it did not (running again, for a claim). */
  settle(id: string, landed: boolean, now: number): Promise<void>;
  reporting(ids: readonly string[], owner: string, now: number): Promise<void>;
  finish(ids: readonly string[], status: "done" | "dead", outcome: string, now: number): Promise<void>;
  failed(id: string, owner: string, error: string, now: number): Promise<void>;
  get(id: string): Promise<AlertRecord | null>;
}

interface Row {
  id: string;
  status: string;
  attempts: number | string;
  owner: string;
  source: string;
  created_at: number | string;
  updated_at: number | string;
  lease_until: number | string;
  outcome: string | null;
  error: string | null;
}

const TABLE = `CREATE TABLE IF NOT EXISTS kafka_ops_alerts (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  owner TEXT NOT NULL,
  source TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  lease_until BIGINT NOT NULL,
  outcome TEXT,
  error TEXT
)`;

function fromRow(row: Row): AlertRecord {
  return {
    id: row.id,
    status: row.status as AlertStatus,
    attempts: Number(row.attempts),
    owner: row.owner,
    source: JSON.parse(row.source) as AlertSource,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    leaseUntil: Number(row.lease_until),
    ...(row.outcome !== null && { outcome: row.outcome }),
    ...(row.error !== null && { error: row.error }),
  };
}

/** The two statements a ledger needs of a database, placeholders written `?`. */
interface Sql {
  /** Rows changed. */
  run(text: string, values: unknown[]): Promise<number>;
  one(text: string, values: unknown[]): Promise<Row | undefined>;
}

function ledger(sql: Sql): AlertLedger {
  const get = async (id: string) => {
    const row = await sql.one("SELECT * FROM kafka_ops_alerts WHERE id = ?", [id]);
    return row ? fromRow(row) : null;
  };
  const many = (ids: readonly string[]) => ids.map(() => "?").join(", ");
  return {
    async claim(id, source, owner, now, leaseMs) {
      for (;;) {
        const inserted = await sql.run(
          "INSERT INTO kafka_ops_alerts (id, status, attempts, owner, source, created_at, updated_at, lease_until) VALUES (?, 'running', 1, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
          [id, owner, JSON.stringify(source), now, now, now + leaseMs],
        );
        const record = await get(id);
        if (!record) continue; // inserted and gone: never deleted, so not reached; read again
        if (inserted === 1) return { kind: "claimed", record };
        if (record.status === "done" || record.status === "dead") return { kind: "finished", record };
        if (record.owner !== owner && record.leaseUntil > now) return { kind: "held", record };
        if (record.status === "reporting") return { kind: "uncertain", record };
        // Running under a lease that ran out (its holder died) or our own: take it, if nobody did meanwhile.
        const taken = await sql.run(
          "UPDATE kafka_ops_alerts SET attempts = attempts + 1, owner = ?, source = ?, updated_at = ?, lease_until = ? WHERE id = ? AND status = 'running' AND updated_at = ? AND owner = ?",
          [owner, JSON.stringify(source), Math.max(now, record.updatedAt + 1), now + leaseMs, id, record.updatedAt, record.owner],
        );
        if (taken === 1) return { kind: "claimed", record: (await get(id))! };
      }
    },
    async renew(id, owner, leaseUntil, now) {
      return (await sql.run("UPDATE kafka_ops_alerts SET lease_until = ?, updated_at = ? WHERE id = ? AND owner = ? AND status IN ('running', 'reporting')", [leaseUntil, now, id, owner])) === 1;
    },
    async settle(id, landed, now) {
      await sql.run(
        landed
          ? "UPDATE kafka_ops_alerts SET status = 'done', outcome = 'reported', updated_at = ? WHERE id = ? AND status = 'reporting'"
          : "UPDATE kafka_ops_alerts SET status = 'running', updated_at = ? WHERE id = ? AND status = 'reporting'",
        [now, id],
      );
    },
    async reporting(ids, owner, now) {
      if (ids.length) await sql.run(`UPDATE kafka_ops_alerts SET status = 'reporting', updated_at = ? WHERE owner = ? AND id IN (${many(ids)})`, [now, owner, ...ids]);
    },
    async finish(ids, status, outcome, now) {
      if (ids.length) await sql.run(`UPDATE kafka_ops_alerts SET status = ?, outcome = ?, updated_at = ? WHERE id IN (${many(ids)})`, [status, outcome, now, ...ids]);
    },
    async failed(id, owner, error, now) {
      await sql.run("UPDATE kafka_ops_alerts SET error = ?, updated_at = ? WHERE id = ? AND owner = ?", [error, now, id, owner]);
    },
    get,
  };
}

export function sqliteAlertLedger(db: DatabaseSync): AlertLedger {
  db.exec(TABLE);
  return ledger({
    async run(text, values) {
      return Number(db.prepare(text).run(...(values as never[])).changes);
    },
    async one(text, values) {
      return db.prepare(text).get(...(values as never[])) as Row | undefined;
    },
  });
}

export async function postgresAlertLedger(pool: PgQueryable): Promise<AlertLedger> {
  await pool.query(TABLE);
  let n = 0;
  const numbered = (text: string) => ((n = 0), text.replace(/\?/g, () => `$${++n}`));
  return ledger({
    async run(text, values) {
      return (await pool.query(numbered(text), values)).rowCount ?? 0;
    },
    async one(text, values) {
      return (await pool.query(numbered(text), values)).rows[0] as Row | undefined;
    },
  });
}
