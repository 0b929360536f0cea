// The README's live commands through the real binary, against the real broker and registry:
// investigate --bootstrap, lag, record, then investigate on the recording. A canary registry
// password rides along and must appear nowhere: not in output, errors or the recorded file.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Admin, Kafka } from "kafkajs";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { Report } from "../../contract/report.ts";
import { parseIncidentText } from "../../contract/parse.ts";
import { Cleanup, uid, workloadKafka } from "./helpers.ts";
import * as workload from "./workloads.ts";

const run = promisify(execFile);
const BIN = new URL("../../bin/kafka-ops", import.meta.url).pathname;
const CANARY = "canary-pw-5b1e";
const bootstrap = inject("bootstrap");
const registryUrl = inject("schemaRegistryUrl");

let kafka: Kafka;
let admin: Admin;
let cleanup: Cleanup;
const dir = mkdtempSync(join(tmpdir(), "kafka-ops-cli-"));

beforeAll(async () => {
  kafka = workloadKafka(bootstrap, "it-cli-workload");
  admin = kafka.admin();
  await admin.connect();
});
afterEach(async () => {
  await cleanup.run();
});
afterAll(async () => {
  await admin?.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

async function kafkaOps(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO: `ops:${CANARY}`, NO_COLOR: "1" };
  try {
    const { stdout, stderr } = await run(BIN, args, { env, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("kafka-ops live commands (real binary)", () => {
  it("investigate --bootstrap, lag, record and a replay of the recording agree on a poison message", { timeout: 120_000 }, async () => {
    cleanup = new Cleanup();
    const w = await workload.poisonMessage({ kafka, admin, cleanup, id: uid() });
    const live = ["--bootstrap", bootstrap, "--schema-registry", registryUrl, "--samples", "4", "--interval", "2s", "--deadline", "5s"];

    const investigated = await kafkaOps(["investigate", ...live, "--group", w.group, "--json"]);
    expect(investigated.stderr).not.toContain("Error:");
    const report = Report.parse(JSON.parse(investigated.stdout));
    expect([report.primary, report.decision, investigated.code]).toEqual(["lag.poison_message", "remediate", 0]);
    expect(report.actions[0]).toMatchObject({ kind: "skip_poison_message", params: { group: w.group, topic: w.topic, partition: w.stuckPartition, offset: w.poisonOffset } });

    const lag = await kafkaOps(["lag", "--bootstrap", bootstrap, "--group", w.group, "--json"]);
    expect(lag.code).toBe(0);
    const rows = (JSON.parse(lag.stdout) as { groups: { group: string; partitions: { partition: number; currentOffset: string; lag: number }[] }[] }).groups;
    expect(rows.map((g) => g.group)).toEqual([w.group]);
    expect(rows[0]!.partitions.find((p) => p.partition === w.stuckPartition)?.currentOffset).toBe(w.poisonOffset);

    const file = join(dir, "incident.json");
    const recorded = await kafkaOps(["record", ...live, "--group", w.group, "--id", "it-recorded", "-o", file]);
    expect(recorded.code).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(parseIncidentText(text, file).snapshots).toHaveLength(4);

    const replayed = await kafkaOps(["investigate", file, "--json"]);
    const again = Report.parse(JSON.parse(replayed.stdout));
    expect([again.primary, again.decision, again.actions.map((a) => [a.kind, a.params])]).toEqual([
      report.primary,
      report.decision,
      report.actions.map((a) => [a.kind, a.params]),
    ]);

    for (const output of [investigated, lag, recorded, replayed]) expect(output.stdout + output.stderr).not.toContain(CANARY);
    expect(text).not.toContain(CANARY);
  });

  it("an unreachable cluster is one line and exit 1 within the deadline, for lag and record", { timeout: 60_000 }, async () => {
    for (const command of ["lag", "record"]) {
      const out = await kafkaOps([command, "--bootstrap", "127.0.0.1:1", "--deadline", "2s", "--samples", "1"]);
      expect(out.code).toBe(1);
      expect(out.stderr.trim().split("\n").filter((l) => l.startsWith("kafka-ops:")).length).toBeGreaterThanOrEqual(1);
      expect(out.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });
});
