import { describe, expect, it } from "vitest";
import { formatMs, formatNumber, formatPercent, formatRate, round, tidy } from "./numbers.ts";

describe("round", () => {
  it("rounds to the digits asked, without noise or -0", () => {
    expect(round(35.769999999999996)).toBe(35.77);
    expect(round(146.33499999999998)).toBe(146.33);
    expect(round(2 / 3, 3)).toBe(0.667);
    expect(round(-0.001)).toBe(0);
    expect(Object.is(round(-0.001), -0)).toBe(false);
  });

  it("keeps huge and non-finite values instead of overflowing to Infinity", () => {
    expect(round(1e308)).toBe(1e308);
    expect(round(Number.MAX_VALUE)).toBe(Number.MAX_VALUE);
    expect(round(2 ** 60 + 0.5)).toBe(2 ** 60);
    expect(round(NaN)).toBeNaN();
  });
});

describe("tidy", () => {
  it("removes binary noise and nothing else", () => {
    expect(tidy(0.1 + 0.2)).toBe(0.3);
    expect(tidy(35.769999999999996)).toBe(35.77);
    expect(tidy(0.0083)).toBe(0.0083);
    expect(tidy(123456.789)).toBe(123456.789);
    expect(tidy(1e308)).toBe(1e308);
    expect(tidy(Infinity)).toBe(Infinity);
  });
});

describe("formatNumber", () => {
  it.each([
    [35.769999999999996, "35.77"],
    [1000.0000000000001, "1000"],
    [12, "12"],
    [0, "0"],
    [-2.5, "-2.5"],
    [0.0043, "0.0043"],
    [1e-10, "1e-10"],
    [123456789012, "123456789012"],
    [1e15, "1e+15"],
    [1.2345e16, "1.23e+16"],
    [1e308, "1e+308"],
    [Number.MAX_VALUE, "1.8e+308"],
    [NaN, "n/a"],
    [Infinity, "∞"],
    [-Infinity, "-∞"],
  ])("%s -> %s", (x, text) => expect(formatNumber(x)).toBe(text));

  it("takes the decimals to keep", () => {
    expect(formatNumber(2 / 3, 0)).toBe("1");
    expect(formatNumber(2 / 3, 4)).toBe("0.6667");
    expect(formatNumber(0.004, 2)).toBe("0.004");
    expect(formatNumber(0.006, 2)).toBe("0.01");
  });

  it("has units for the usual quantities", () => {
    expect(formatMs(35.76999)).toBe("35.8 ms");
    expect(formatMs(1e308)).toBe("1e+308 ms");
    expect(formatRate(35.769999999999996)).toBe("35.77/s");
    expect(formatPercent(0.426)).toBe("43%");
    expect(formatPercent(NaN)).toBe("n/a");
  });
});
