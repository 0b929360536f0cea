import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { canonicalJson, fileAuditLog, GENESIS, memoryAuditLog, planHash, sha256, verifyAudit, type AuditEntry } from "./audit.ts";

const redact = (s: string) => s.replaceAll("hunter2", "***");
let tick = 0;
const now = () => new Date(Date.UTC(2026, 11, 1, 12, 0, tick++));

async function threeLines(): Promise<string[]> {
  tick = 0;
  const log = memoryAuditLog({ redact, now });
  await log.append({ event: "approved", investigationId: "inv-1", index: 1, kind: "scale_consumers", by: "alice", via: "human" });
  await log.append({ event: "applied", investigationId: "inv-1", index: 1, kind: "scale_consumers", output: ["scaled payments 2 -> 4"] });
  await log.append({ event: "verified", investigationId: "inv-1", index: 1, verification: { ok: true, detail: "4 members" } });
  return log.lines();
}

describe("audit log", () => {
  it("chains each entry to the one before it", async () => {
    const lines = await threeLines();
    const entries = lines.map((l) => JSON.parse(l) as AuditEntry);
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[0]!.prev).toBe(GENESIS);
    expect(entries[1]!.prev).toBe(entries[0]!.hash);
    expect(entries[2]!.prev).toBe(entries[1]!.hash);
    const { hash, ...rest } = entries[0]!;
    expect(hash).toBe(sha256(canonicalJson(rest)));
    expect(verifyAudit(lines.join("\n"))).toEqual({ ok: true, entries: 3, head: entries[2]!.hash });
  });

  it("shows a line edited in place", async () => {
    const lines = await threeLines();
    lines[0] = lines[0]!.replace('"by":"alice"', '"by":"mallory"');
    expect(verifyAudit(lines.join("\n")).problem).toEqual({ line: 1, why: "entry 1: its hash does not match its content (the line was edited)" });
  });

  it("shows an edit whose hash was recomputed, at the next line", async () => {
    const lines = await threeLines();
    const e = JSON.parse(lines[1]!) as AuditEntry;
    const { hash: _old, ...rest } = { ...e, output: ["nothing happened"] };
    lines[1] = JSON.stringify({ ...rest, hash: sha256(canonicalJson(rest)) });
    expect(verifyAudit(lines.join("\n"))).toEqual({
      ok: false,
      entries: 2,
      head: JSON.parse(lines[1]!).hash,
      problem: { line: 3, why: "entry 3: its prev is not the hash of the entry before it (an entry was removed, inserted or reordered)" },
    });
  });

  it("shows a line removed or two lines swapped", async () => {
    const lines = await threeLines();
    expect(verifyAudit([lines[0], lines[2]].join("\n")).problem).toEqual({ line: 2, why: "entry 3: its prev is not the hash of the entry before it (an entry was removed, inserted or reordered)" });
    expect(verifyAudit([lines[1], lines[0], lines[2]].join("\n")).problem).toEqual({ line: 1, why: "entry 2: its prev is not the hash of the entry before it (an entry was removed, inserted or reordered)" });
    expect(verifyAudit([...lines.slice(0, 2), "{not json"].join("\n")).problem).toEqual({ line: 3, why: "not a JSON audit entry" });
  });

  it("writes no secret: every string is redacted before it is hashed", async () => {
    const log = memoryAuditLog({ redact, now });
    await log.append({ event: "failed", reason: "SASL password hunter2 refused", output: ["retry with hunter2"] });
    const [line] = log.lines();
    expect(line).not.toContain("hunter2");
    expect((JSON.parse(line!) as AuditEntry).reason).toBe("SASL password *** refused");
    expect(verifyAudit(line!).ok).toBe(true);
  });

  it("in a file: appends from many writers at once keep one chain, entries(since) filters by time", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "audit-")), "nested", "audit.jsonl");
    tick = 0;
    const a = fileAuditLog(path, { redact, now });
    const b = fileAuditLog(path, { redact, now });
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).append({ event: "approved", index: i + 1, by: "alice" })));
    const text = readFileSync(path, "utf8");
    expect(verifyAudit(text)).toMatchObject({ ok: true, entries: 20 });
    expect((await a.entries()).map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await a.entries(new Date(Date.UTC(2026, 11, 1, 12, 0, 15)))).length).toBe(5);
    writeFileSync(path, `${text}garbage\n`);
    await expect(a.entries()).rejects.toThrow(`${path}: line 21: not a JSON audit entry`);
  });

  it("hashes a plan by its kinds and params, in order", () => {
    const p1 = { kind: "scale_consumers" as const, params: { group: "g", to: 4 } };
    const p2 = { kind: "replay_dlq" as const, params: { dlqTopic: "d" } };
    expect(planHash([p1, p2])).toBe(planHash([{ ...p1, params: { to: 4, group: "g" } }, p2]));
    expect(planHash([p1, p2])).not.toBe(planHash([p2, p1]));
  });
});
