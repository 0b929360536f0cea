/**
 * Where the watch keeps its window and its per-entity states between runs: in the project's
 * durable state (state/open.ts: the SQLite file by default, PostgreSQL when configured), through
 * the LangGraph checkpointer's own interface, so both backends work unchanged.
 *
 * One checkpoint per watch, under a fixed id on the thread `kafka-ops-watch:<name>`, rewritten
 * at every save: both savers upsert a checkpoint row by id, so the store does not grow with the
 * number of samples. The state rides in the checkpoint's metadata (kept in that row, unlike
 * channel values, which are versioned blobs) as gzip + base64: compact (a window is many near
 * copies of one cluster) and nothing a JSON column could object to (a client id with a NUL).
 */
import { gunzipSync, gzipSync } from "node:zlib";
import type { BaseCheckpointSaver, Checkpoint, CheckpointMetadata } from "@langchain/langgraph-checkpoint";
import type { Finding } from "../agents/finding.ts";
import type { EntityState } from "./debounce.ts";
import type { Entity } from "./detect.ts";
import type { WindowState } from "./window.ts";

export const SAVED_FORMAT = "kafka-ops-watch-state/v1";

export interface SavedEntity {
  entity: Entity;
  state: EntityState;
  /** The finding that opened it (re-run after a restart; quoted when it clears). */
  finding: Finding;
}

export interface SavedWatch {
  format: typeof SAVED_FORMAT;
  savedAt: string;
  window: WindowState;
  entities: SavedEntity[];
}

export interface WatchStateStore {
  load(): Promise<SavedWatch | undefined>;
  save(state: SavedWatch): Promise<void>;
  /** Where it lives, for the start-up line (never a URL with a password). */
  describe: string;
}

const CHECKPOINT_ID = "watch-state";

export function checkpointStore(saver: BaseCheckpointSaver, name: string, describe: string): WatchStateStore {
  const config = { configurable: { thread_id: `kafka-ops-watch:${name}`, checkpoint_ns: "" } };
  let step = 0;
  return {
    describe,
    async load() {
      const tuple = await saver.getTuple(config);
      const packed = (tuple?.metadata as { watch?: unknown } | undefined)?.watch;
      if (typeof packed !== "string") return undefined;
      step = Number((tuple?.metadata as { step?: number }).step ?? 0);
      try {
        const saved = JSON.parse(gunzipSync(Buffer.from(packed, "base64")).toString("utf8")) as SavedWatch;
        return saved.format === SAVED_FORMAT ? saved : undefined;
      } catch {
        return undefined; // unreadable (another version wrote it): start afresh rather than fail
      }
    },
    async save(state) {
      const checkpoint: Checkpoint = { v: 4, id: CHECKPOINT_ID, ts: state.savedAt, channel_values: {}, channel_versions: {}, versions_seen: {} };
      const watch = gzipSync(JSON.stringify(state)).toString("base64");
      const metadata = { source: "update", step: ++step, parents: {}, watch } as CheckpointMetadata;
      await saver.put(config, checkpoint, metadata, {});
    },
  };
}

/** A store in memory: for tests, and a watch run without durable state. */
export function memoryStore(): WatchStateStore & { saved: SavedWatch | undefined; saves: number } {
  const store = {
    describe: "memory",
    saved: undefined as SavedWatch | undefined,
    saves: 0,
    async load() {
      return store.saved && structuredClone(store.saved);
    },
    async save(state: SavedWatch) {
      store.saves++;
      store.saved = structuredClone(state);
    },
  };
  return store;
}
