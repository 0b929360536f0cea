/** `kafka-ops audit`: listing, --since, --json, --verify on an intact and a tampered log. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fileAuditLog, type AuditEntry } from "../remediation/audit.ts";
import { sinceTime } from "./commands/audit.ts";
import { runCli } from "./testing.ts";

const dir = mkdtempSync(join(tmpdir(), "kafka-ops-audit-"));
const file = join(dir, "audit.jsonl");
const recent = new Date(Date.now() - 10 * 60_000);
const old = new Date(Date.now() - 3 * 86_400_000);

beforeAll(async () => {
  const log = fileAuditLog(file, { redact: (s) => s });
  await log.append({ event: "approved", at: old.toISOString(), investigationId: "inv-7", index: 1, kind: "scale_consumers", params: { group: "payments", to: 4 }, by: "alice", via: "human", planHash: "ab".repeat(32), target: "live 127.0.0.1:19092" });
  await log.append({ event: "applied", at: recent.toISOString(), investigationId: "inv-7", index: 1, kind: "scale_consumers", output: ["payments: replicas 2 -> 4"], target: "live 127.0.0.1:19092" });
  await log.append({ event: "verified", at: recent.toISOString(), investigationId: "inv-7", index: 1, kind: "scale_consumers", stage: "verify", verification: { ok: true, detail: "4 members own partitions" } });
});

describe("kafka-ops audit", () => {
  it("lists every entry, and with --since the recent ones", async () => {
    const all = await runCli(["audit", "--file", file]);
    expect(all.code).toBe(0);
    expect(all.stdout.split("\n")[0]).toBe(`${file}: 3 entries`);
    expect(all.stdout).toContain(`${old.toISOString()}     1  approved #1 scale_consumers by alice  [inv-7]\n        params {"group":"payments","to":4}\n        on live 127.0.0.1:19092\n        plan abababababababab\n`);
    expect(all.stdout).toContain("        payments: replicas 2 -> 4");
    expect(all.stdout).toContain("        verification ok: 4 members own partitions");
    const day = await runCli(["audit", "--since", "24h", "--json"], { env: { KAFKA_OPS_AUDIT_LOG: file } });
    const doc = JSON.parse(day.stdout) as { entries: AuditEntry[] };
    expect(doc.entries.map((e) => [e.seq, e.event])).toEqual([[2, "applied"], [3, "verified"]]);
  });

  it("--verify: intact exits 0 with the head hash; a tampered line exits 3 naming it", async () => {
    const head = (JSON.parse(readFileSync(file, "utf8").trim().split("\n").at(-1)!) as AuditEntry).hash;
    const ok = await runCli(["audit", "--verify", "--file", file]);
    expect([ok.code, ok.stdout]).toEqual([0, `${file}: 3 entries, chain intact; head ${head}\n`]);
    const tampered = join(dir, "tampered.jsonl");
    writeFileSync(tampered, readFileSync(file, "utf8").replace('"by":"alice"', '"by":"bob"'));
    const bad = await runCli(["audit", "--verify", "--json", "--file", tampered]);
    expect(bad.code).toBe(3);
    expect(JSON.parse(bad.stdout)).toEqual({
      file: tampered,
      exists: true,
      verification: { ok: false, entries: 0, head: "0".repeat(64), problem: { line: 1, why: "entry 1: its hash does not match its content (the line was edited)" } },
    });
  });

  it("finds the log in the settings' state.dir", async () => {
    const settings = join(dir, "settings.json");
    writeFileSync(settings, JSON.stringify({ state: { dir } }));
    const r = await runCli(["audit", "--verify", "--config", settings], { env: { KAFKA_OPS_AUDIT_LOG: undefined, KAFKA_OPS_STATE_DIR: undefined } });
    expect([r.code, r.stdout.startsWith(`${file}: 3 entries, chain intact; head `)]).toEqual([0, true]);
  });

  it("a missing log is empty, a bad --since is a usage error", async () => {
    const none = await runCli(["audit", "--file", join(dir, "none.jsonl")]);
    expect([none.code, none.stdout]).toEqual([0, `no audit log at ${join(dir, "none.jsonl")}: nothing has been approved or applied yet\n`]);
    const bad = await runCli(["audit", "--since", "yesterday", "--file", file]);
    expect([bad.code, bad.stderr]).toEqual([2, 'kafka-ops: --since: expected a span such as "30m", "24h" or "7d", or an ISO 8601 time, got "yesterday"\n']);
    expect(sinceTime("7d", new Date("2026-12-08T00:00:00Z")).toISOString()).toBe("2026-12-01T00:00:00.000Z");
    expect(sinceTime("2026-12-01T09:00:00Z", new Date()).toISOString()).toBe("2026-12-01T09:00:00.000Z");
  });
});
