import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSettings } from "./load.ts";
import { Duration, durationMs } from "./settings.ts";

describe("durations", () => {
  it("reads units, and a bare number as seconds (never milliseconds)", () => {
    expect(["500ms", "15s", "2m", "1h", "1.5s", "3", "0.25", "10"].map((d) => durationMs(d))).toEqual([500, 15_000, 120_000, 3_600_000, 1500, 3000, 250, 10_000]);
    expect([3, 0.5, 90].map((d) => durationMs(d))).toEqual([3000, 500, 90_000]);
  });

  it("rejects zero, negative, unitless garbage and more than a day", () => {
    for (const bad of ["0", "0s", "0ms", "-1", "-5s", "5 s", "soon", "", "1d", "1e3", "25h", "0.0001", "NaN"]) expect(durationMs(bad)).toBeUndefined();
    for (const bad of [0, -3, Number.NaN, Number.POSITIVE_INFINITY, 86_401]) expect(durationMs(bad)).toBeUndefined();
    expect(durationMs("24h")).toBe(86_400_000);
  });

  it("says what it expected, and what it got", () => {
    const r = Duration.safeParse("0");
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('expected a duration such as "15s", "500ms" or "2m" (a bare number is seconds), more than 0 and at most 24h, got "0"');
  });

  it("reads a bare number in the config file as seconds, and names the field of a bad one", () => {
    const dir = mkdtempSync(join(tmpdir(), "kafka-ops-duration-"));
    try {
      const good = join(dir, "good.json");
      writeFileSync(good, JSON.stringify({ sampling: { interval: 3, samples: 2 }, calls: { deadline: 10, backoff: "200ms" } }));
      const s = loadSettings({ config: good }, {});
      expect([s.sampling.interval, s.calls.deadline, s.calls.backoff]).toEqual([3000, 10_000, 200]);

      const bad = join(dir, "bad.json");
      writeFileSync(bad, JSON.stringify({ calls: { deadline: 0 } }));
      expect(() => loadSettings({ config: bad }, {})).toThrow(`${bad}: settings.calls.deadline: expected a duration such as "15s", "500ms" or "2m" (a bare number is seconds), more than 0 and at most 24h, got 0`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads bare-number flags as seconds too", () => {
    const s = loadSettings({ interval: "3", deadline: "10" }, {});
    expect([s.sampling.interval, s.calls.deadline]).toEqual([3000, 10_000]);
  });
});
