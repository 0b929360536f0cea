/**
 * The alert ledger on SQLite (the PostgreSQL one runs the same statements in the workers'
 * integration test): new, finished, held, taken over after the lease, uncertain commits.
 */
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { sqliteAlertLedger } from "./alert-ledger.ts";

const source = (offset: number) => ({ topic: "ops.alerts", partition: 0, offset: String(offset) });
const LEASE = 10_000;

describe("alert ledger (SQLite)", () => {
  it("claims a new alert once; a second worker is held until the lease runs out, then takes it over", async () => {
    const ledger = sqliteAlertLedger(new DatabaseSync(":memory:"));
    const first = await ledger.claim("a", source(1), "w1", 1000, LEASE);
    expect(first).toMatchObject({ kind: "claimed", record: { attempts: 1, owner: "w1", status: "running" } });
    expect(await ledger.claim("a", source(1), "w2", 2000, LEASE)).toMatchObject({ kind: "held", record: { owner: "w1" } });
    expect(await ledger.renew("a", "w1", 2000 + LEASE, 2000)).toBe(true);
    expect((await ledger.claim("a", source(1), "w2", 1000 + LEASE + 1, LEASE)).kind).toBe("held");
    const taken = await ledger.claim("a", source(1), "w2", 2000 + LEASE + 1, LEASE);
    expect(taken).toMatchObject({ kind: "claimed", record: { attempts: 2, owner: "w2" } });
    expect(await ledger.renew("a", "w1", 99_999, 13_000)).toBe(false);
  });

  it("counts its own retries as attempts and answers finished alerts as finished", async () => {
    const ledger = sqliteAlertLedger(new DatabaseSync(":memory:"));
    await ledger.claim("a", source(1), "w1", 1000, LEASE);
    await ledger.failed("a", "w1", "registry 503", 1100);
    expect(await ledger.claim("a", source(1), "w1", 1200, LEASE)).toMatchObject({ kind: "claimed", record: { attempts: 2, error: "registry 503" } });
    await ledger.finish(["a"], "done", "reported", 1300);
    expect(await ledger.claim("a", source(7), "w2", 99_000, LEASE)).toMatchObject({ kind: "finished", record: { status: "done", outcome: "reported", source: source(1) } });
  });

  it("leaves an alert whose holder died while committing uncertain until settled", async () => {
    const ledger = sqliteAlertLedger(new DatabaseSync(":memory:"));
    await ledger.claim("a", source(4), "w1", 1000, LEASE);
    await ledger.claim("b", source(4), "w1", 1000, LEASE);
    await ledger.reporting(["a", "b"], "w1", 1500);
    const later = 1500 + LEASE + 1;
    expect(await ledger.claim("a", source(4), "w2", later, LEASE)).toMatchObject({ kind: "uncertain", record: { status: "reporting", source: source(4) } });
    await ledger.settle("a", true, later);
    expect((await ledger.claim("a", source(4), "w2", later, LEASE)).kind).toBe("finished");
    await ledger.settle("b", false, later);
    expect(await ledger.claim("b", source(4), "w2", later, LEASE)).toMatchObject({ kind: "claimed", record: { attempts: 2, owner: "w2" } });
  });

  it("lets exactly one of two workers take over an expired alert", async () => {
    const ledger = sqliteAlertLedger(new DatabaseSync(":memory:"));
    await ledger.claim("a", source(1), "w1", 1000, LEASE);
    const later = 1000 + LEASE + 1;
    const [x, y] = await Promise.all([ledger.claim("a", source(1), "w2", later, LEASE), ledger.claim("a", source(1), "w3", later, LEASE)]);
    expect([x.kind, y.kind].sort()).toEqual(["claimed", "held"]);
  });
});
