/**
 * The approval gate on the REAL broker, across processes: `investigate --bootstrap ... --mode
 * approve` stops at the gate with a quarantine_messages action for a DLQ of poison records; a
 * second process, whose environment names no cluster at all, approves: the graph is rebuilt from
 * the stored descriptor and the records move (the DLQ reader group's committed position shows
 * it); a third approve is refused and moves nothing more.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Admin } from "kafkajs";
import { runCli } from "../cli/testing.ts";
import { Report } from "../contract/report.ts";
import { Cleanup, committedOffsets, createTopic, uid, workloadKafka } from "../test/live/helpers.ts";

const bootstrap = inject("bootstrap");
const id = uid();
const source = `gate-it-${id}-payments`;
const dlq = `dlq-gate-it-${id}`;
const RECORDS = 6;
const dir = mkdtempSync(join(tmpdir(), "kafka-ops-live-gate-"));
const env = { KAFKA_OPS_STATE_DIR: dir, KAFKA_OPS_AUDIT_LOG: join(dir, "audit.jsonl"), KAFKA_OPS_POSTGRES_URL: undefined, KAFKA_BOOTSTRAP_SERVERS: undefined, KAFKA_OPS_CONFIG: undefined };
const cleanup = new Cleanup();
let admin: Admin;

beforeAll(async () => {
  const kafka = workloadKafka(bootstrap, `gate-it-${id}`);
  admin = kafka.admin();
  await admin.connect();
  cleanup.add("admin", () => admin.disconnect());
  await createTopic(admin, source, 3);
  await createTopic(admin, dlq, 1);
  cleanup.add("topics", () => admin.deleteTopics({ topics: [source, dlq, `${dlq}.quarantine`] }));
  cleanup.add("reader group", () => admin.deleteGroups([`kafka-ops-dlq.${dlq}`]));
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: dlq,
    messages: Array.from({ length: RECORDS }, (_, i) => ({
      key: `pay-${i}`,
      value: JSON.stringify({ payment_id: `pay-${i}`, amount: null }),
      headers: {
        "x-original-topic": source,
        "x-original-partition": String(i % 3),
        "x-original-offset": String(100 + i),
        "x-exception-class": "java.lang.NullPointerException",
        "x-exception-message": 'Cannot invoke "java.math.BigDecimal.signum()" because "payment.amount" is null',
      },
    })),
  });
  await producer.disconnect();
}, 60_000);

afterAll(async () => {
  const failures = await cleanup.run();
  rmSync(dir, { recursive: true, force: true });
  expect(failures).toEqual([]);
});

describe("approval gate on a live cluster", () => {
  it("stops at the gate, is approved from a process that knows no cluster, applies once", { timeout: 180_000 }, async () => {
    const started = await runCli(["investigate", "--bootstrap", bootstrap, "--alert", "dlq", "--topic", dlq, "--samples", "2", "--interval", "1s", "--mode", "approve", "--json"], { env, timeout: 120_000 });
    expect(started.code).toBe(0);
    const stopped = Report.parse(JSON.parse(started.stdout));
    const investigationId = stopped.remediation?.investigationId ?? "";
    expect(stopped.remediation).toEqual({ mode: "approve", investigationId, awaitingApproval: [1], target: `live cluster ${bootstrap}` });
    expect(stopped.actions.map((a) => [a.kind, a.status, a.params.dlqTopic])).toEqual([["quarantine_messages", "dry-run", dlq]]);
    expect(await committedOffsets(admin, `kafka-ops-dlq.${dlq}`, dlq)).toEqual(new Map([[0, -1]]));

    const approved = await runCli(["approvals", "approve", investigationId, "--by", "alice", "--json"], { env, timeout: 120_000 });
    expect(approved.stderr).toBe(`kafka-ops: investigation ${investigationId} approved by alice; actions acted on: live cluster ${bootstrap}\n`);
    expect(approved.code).toBe(0);
    const done = Report.parse(JSON.parse(approved.stdout));
    expect(done.actions.map((a) => [a.status, a.approval?.by, a.verification?.ok])).toEqual([["applied", "alice", true]]);
    expect(await committedOffsets(admin, `kafka-ops-dlq.${dlq}`, dlq)).toEqual(new Map([[0, RECORDS]]));

    const again = await runCli(["approvals", "approve", investigationId, "--by", "bob"], { env, timeout: 60_000 });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/was already decided: approved by alice at \S+; applied 1\n$/);
  });
});
