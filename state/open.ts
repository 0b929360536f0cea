/**
 * Opens the durable state an approval needs: the LangGraph checkpointer (the graph stopped at the
 * gate) and the investigations store (listing, target descriptor, the exactly-once claim), and the
 * workers' alert ledger, all in one place: the SQLite file `<dir>/state.sqlite` by default, or PostgreSQL when configured.
 */
import { join } from "node:path";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { DEFAULT_STATE_DIR, type StateSettings } from "../config/state-settings.ts";
import { postgresAlertLedger, sqliteAlertLedger, type AlertLedger } from "./alert-ledger.ts";
import { postgresInvestigations, sqliteInvestigations, type InvestigationStore, type PgQueryable } from "./investigations.ts";

export interface DurableState {
  checkpointer: BaseCheckpointSaver;
  investigations: InvestigationStore;
  /** The workers' alerts: reported once per alert id (state/alert-ledger.ts). */
  alerts: AlertLedger;
  /** Where it lives, for messages: "sqlite /home/x/.kafka-ops/state.sqlite" or "postgresql" (never the URL: it may carry a password). */
  describe: string;
  close(): Promise<void>;
}

export const STATE_FILE = "state.sqlite";

export async function openState(settings: StateSettings = {}): Promise<DurableState> {
  if (settings.postgres) return openPostgres(settings.postgres.url.reveal());
  const path = join(settings.dir ?? DEFAULT_STATE_DIR, STATE_FILE);
  const { NodeSqliteSaver } = await import("./sqlite-saver.ts");
  const saver = await NodeSqliteSaver.open(path);
  return {
    checkpointer: saver,
    investigations: sqliteInvestigations(saver.db),
    alerts: sqliteAlertLedger(saver.db),
    describe: `sqlite ${path}`,
    close: async () => saver.close(),
  };
}

async function openPostgres(url: string): Promise<DurableState> {
  const [{ default: pg }, { PostgresSaver }] = await Promise.all([
    import("pg"),
    import("@langchain/langgraph-checkpoint-postgres"),
  ]);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  // An idle client's error (the server restarted) must not crash the process; the next query reports it.
  pool.on("error", () => {});
  const checkpointer = new PostgresSaver(pool as never);
  try {
    await checkpointer.setup();
    const investigations = await postgresInvestigations(pool satisfies PgQueryable);
    const alerts = await postgresAlertLedger(pool);
    return { checkpointer, investigations, alerts, describe: "postgresql", close: () => pool.end() };
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
}
