/**
 * The investigations store on SQLite: two connections to one file stand for two processes.
 * The claim succeeds once; the state settings read the environment and redact the URL.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSettings } from "../config/load.ts";
import { secretsOf } from "../config/settings.ts";
import { redactor } from "../config/secret.ts";
import { openState } from "./open.ts";

const dir = mkdtempSync(join(tmpdir(), "kafka-ops-investigations-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const decision = (by: string) => ({ decision: "approved" as const, by, at: "2026-12-01T10:00:00.000Z", approve: [1], reject: [] });

describe("investigations store (SQLite)", () => {
  it("running -> awaiting -> claimed once -> done, seen the same from a second connection", async () => {
    const settings = { dir: join(dir, "a") };
    const [one, two] = [await openState(settings), await openState(settings)];
    await one.investigations.begin({ id: "inv-1", createdAt: "2026-12-01T09:00:00.000Z", title: "t", mode: "approve", target: { kind: "replay" } });
    expect((await two.investigations.get("inv-1"))?.status).toBe("running");
    await one.investigations.atGate("inv-1", [1, 2], "2026-12-01T09:00:01.000Z");
    expect(await two.investigations.get("inv-1")).toEqual({
      id: "inv-1",
      createdAt: "2026-12-01T09:00:00.000Z",
      updatedAt: "2026-12-01T09:00:01.000Z",
      status: "awaiting",
      title: "t",
      mode: "approve",
      target: { kind: "replay" },
      awaiting: [1, 2],
    });
    const claims = await Promise.all([one.investigations.claim("inv-1", decision("alice"), "2026-12-01T10:00:00.000Z"), two.investigations.claim("inv-1", decision("bob"), "2026-12-01T10:00:00.000Z")]);
    expect(claims.filter((c) => c.ok)).toHaveLength(1);
    const refused = claims.find((c) => !c.ok);
    expect(refused && !refused.ok && refused.current?.status).toBe("claimed");
    await two.investigations.finish("inv-1", "applied 1", "2026-12-01T10:00:05.000Z");
    expect((await one.investigations.list()).map((r) => [r.id, r.status, r.outcome])).toEqual([["inv-1", "done", "applied 1"]]);
    expect((await one.investigations.claim("inv-1", decision("carol"), "2026-12-01T11:00:00.000Z")).ok).toBe(false);
    expect((await one.investigations.claim("inv-unknown", decision("carol"), "2026-12-01T11:00:00.000Z"))).toEqual({ ok: false, current: null });
    await Promise.all([one.close(), two.close()]);
  });

  it("describes where it lives, never a URL", async () => {
    const s = await openState({ dir: join(dir, "b") });
    expect(s.describe).toBe(`sqlite ${join(dir, "b", "state.sqlite")}`);
    await s.close();
  });
});

describe("state settings", () => {
  it("come from KAFKA_OPS_STATE_DIR and KAFKA_OPS_POSTGRES_URL; the URL and its password are secrets", () => {
    const settings = loadSettings({}, { KAFKA_OPS_STATE_DIR: "/var/lib/kafka-ops", KAFKA_OPS_POSTGRES_URL: "postgresql://ops:s3cr%40t-pw@db:5432/ops" }, { connects: false });
    expect(settings.state.dir).toBe("/var/lib/kafka-ops");
    expect(JSON.stringify(settings.state)).toBe('{"dir":"/var/lib/kafka-ops","postgres":{"url":"[redacted]"}}');
    const redact = redactor(secretsOf(settings));
    expect(redact("connect to postgresql://ops:s3cr%40t-pw@db:5432/ops failed; password s3cr@t-pw rejected")).toBe("connect to [redacted] failed; password [redacted] rejected");
  });

  it("a URL that is not postgres:// is named", () => {
    expect(() => loadSettings({}, { KAFKA_OPS_POSTGRES_URL: "mysql://x" }, { connects: false })).toThrow(/state\.postgres\.url.*postgres:\/\/ or postgresql:\/\//);
  });
});
