import { describe, expect, it } from "vitest";
import { countAttempts, describeAttempts } from "./repeats.ts";

const at = (offset: number, extra: { key?: string | null; value?: string | null } = {}) => ({
  key: null,
  value: "{}",
  originalTopic: "orders",
  originalPartition: 0,
  originalOffset: String(offset),
  ...extra,
});

describe("countAttempts", () => {
  it("groups failures of one source position, most failures first", () => {
    const a = countAttempts([at(1), at(2), at(1), at(3), at(1), at(2)]);
    expect(a).toEqual({
      records: 6,
      distinct: 3,
      min: 1,
      max: 3,
      repeated: [
        { source: "orders-0@1", failures: 3 },
        { source: "orders-0@2", failures: 2 },
      ],
    });
  });
  it("counts a re-driven record (new source offset, same key and value) once, under its first position", () => {
    const a = countAttempts([at(10, { key: "u-1", value: "v" }), at(55, { key: "u-1", value: "v" }), at(90, { key: "u-1", value: "v" })]);
    expect([a.distinct, a.repeated]).toEqual([1, [{ source: "orders-0@10", failures: 3 }]]);
  });
  it("keeps one key's different values apart, and records with no identity apart", () => {
    const noPosition = (key: string | null, value: string) => ({ key, value });
    const a = countAttempts([noPosition("c-7", "a"), noPosition("c-7", "b"), noPosition("c-7", "a"), noPosition(null, "x"), noPosition(null, "x")]);
    expect([a.distinct, a.repeated]).toEqual([4, [{ source: "key c-7", failures: 2 }]]);
  });
  it("an empty DLQ has no attempts", () => {
    expect(countAttempts([])).toEqual({ records: 0, distinct: 0, min: 0, max: 0, repeated: [] });
  });
});

describe("describeAttempts", () => {
  it.each([
    [{ records: 12, distinct: 4, min: 3, max: 3 }, "12 records failed, 4 distinct, 3 attempts each"],
    [{ records: 9, distinct: 8, min: 1, max: 2 }, "9 records failed, 8 distinct, 1-2 attempts each"],
    [{ records: 5, distinct: 5, min: 1, max: 1 }, "5 records failed, each once"],
    [{ records: 1, distinct: 1, min: 1, max: 1 }, "1 record failed"],
    [{ records: 0, distinct: 0, min: 0, max: 0 }, "no records failed"],
  ])("%o -> %s", (a, text) => {
    expect(describeAttempts(a)).toBe(text);
  });
});
