/**
 * The node:sqlite checkpointer against LangGraph's own conformance suite
 * (@langchain/langgraph-checkpoint-validation: put, putWrites, getTuple, list, deleteThread),
 * each test on a fresh file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, test } from "vitest";
import { deltaChannelHistoryTests, validate, type CheckpointSaverTestInitializer } from "@langchain/langgraph-checkpoint-validation";
import { NodeSqliteSaver } from "./sqlite-saver.ts";

// The suite is written against vitest's globals; this project's config does not turn them on.
Object.assign(globalThis, { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, test });

const dir = mkdtempSync(join(tmpdir(), "kafka-ops-sqlite-saver-"));
let n = 0;

const initializer: CheckpointSaverTestInitializer<NodeSqliteSaver> = {
  checkpointerName: "NodeSqliteSaver",
  createCheckpointer: () => NodeSqliteSaver.open(join(dir, `checkpoints-${++n}.sqlite`)),
  destroyCheckpointer: (saver) => saver.close(),
  afterAll: () => rmSync(dir, { recursive: true, force: true }),
};

validate(initializer);
// Not part of validate()'s default set: the parent-chain walk DeltaChannel state is rebuilt from.
describe("NodeSqliteSaver delta channels", () => deltaChannelHistoryTests(initializer));
