/** The report page as a string: every report string escaped, the chart's geometry, a report without per-sample lag, the atomic write. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type { Report } from "../contract/report.ts";
import { investigate } from "../investigate.ts";
import { escapeHtml, html } from "./escape.ts";
import { renderReportHtml } from "./html.ts";
import { clock, formatNumber, niceMax } from "./lag-chart.ts";
import { writeReportHtml } from "./write.ts";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/incidents/${name}.json`, import.meta.url), "utf8"));
const dir = mkdtempSync(join(tmpdir(), "kafka-ops-report-html-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every string of a JSON value (keys of records too) replaced by `payload`. */
function everyString<T>(value: T, payload: string): T {
  if (typeof value === "string") return payload as T;
  if (Array.isArray(value)) return value.map((v) => everyString(v, payload)) as T;
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, everyString(v, payload)])) as T;
  return value;
}

describe("renderReportHtml", () => {
  test("escapes what it interpolates; markup from its own templates stays markup", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    expect(html`<b>${"<i>"}</b>${html`<i>ok</i>`}${[1, "<", null, undefined, false, 0]}`.text).toBe("<b>&lt;i&gt;</b><i>ok</i>1&lt;0");
  });

  test("a report whose every string is hostile markup: none of it is markup on the page", async () => {
    const payload = `</style></title><script>alert(1)</script><img src=x onerror=alert(2)>"'&`;
    const report = everyString(await investigate(fixture("lag-poison-message-1")), payload);
    const page = renderReportHtml(report, { title: payload });
    expect(page).not.toContain("<script");
    expect(page).not.toContain("<img");
    expect(page).not.toContain("</title><script");
    expect(page.split("&lt;script&gt;alert(1)&lt;/script&gt;").length).toBeGreaterThan(20);
    // The page's own tags are there once each.
    expect(page.match(/<\/style>/g)).toHaveLength(1);
    expect(page.match(/<\/title>/g)!.length).toBe(1 + 6 + 198); // the page's, each chart's, each point's tooltip
  }, 30_000);

  test("one chart per group and unit; without per-sample lag (an older report) the table only, and no chart", async () => {
    const report = await investigate(fixture("lag-poison-message-1"));
    const page = renderReportHtml(report);
    expect(page.match(/<svg class="lag-chart"/g)).toHaveLength(6);
    expect(page.match(/<circle class="point"/g)).toHaveLength(22 * 5 + 22 * 4); // 22 partitions (6 + 6 + 10); records: 5 samples each, seconds: the 4 after the first
    const older: Report = { ...report, lag: report.lag!.map(({ samples: _s, ...g }) => ({ ...g, partitions: g.partitions.map(({ lagBySample: _l, lagSecondsBySample: _t, ...p }) => p) })) };
    const plain = renderReportHtml(older);
    expect(plain).not.toContain("<svg");
    expect(plain.match(/No per-sample lag in this report/g)).toHaveLength(3);
    expect(plain).toContain('<td class="status stalled">stalled</td>');
  }, 30_000);

  test("the same report gives the same page; generatedAt is shown only when given", async () => {
    const report = await investigate(fixture("lag-slow-consumer-1"));
    expect(renderReportHtml(report)).toBe(renderReportHtml(report));
    expect(renderReportHtml(report, { generatedAt: "2026-12-01T10:00:00Z" })).toContain("generated 2026-12-01T10:00:00Z");
  }, 30_000);

  test("axis helpers", () => {
    expect([0, 0.3, 7, 20238, 326.9, 1000].map(niceMax)).toEqual([1, 0.3, 8, 25000, 400, 1000]);
    expect([20238, 326.94, 0.25, 12.345].map(formatNumber)).toEqual(["20,238", "327", "0.3", "12.3"]);
    expect(clock("2026-11-02T03:04:05Z")).toBe("03:04:05");
    expect(clock("not a time")).toBe("not a time");
  });
});

describe("writeReportHtml", () => {
  test("writes the whole page and leaves no temporary file; replaces what was there", async () => {
    const report = await investigate(fixture("lag-slow-consumer-1"));
    const file = join(dir, "page.html");
    writeFileSync(file, "old");
    await writeReportHtml(file, report, { title: "t" });
    expect(readFileSync(file, "utf8")).toBe(renderReportHtml(report, { title: "t" }));
    expect(readdirSync(dir)).toEqual(["page.html"]);
  }, 30_000);

  test("a folder that does not exist is one line naming the path, and nothing is left behind", async () => {
    const report = await investigate(fixture("lag-slow-consumer-1"));
    const file = join(dir, "missing", "page.html");
    await expect(writeReportHtml(file, report)).rejects.toThrow(`--html ${file}: cannot write the report page (ENOENT)`);
    expect(readdirSync(dir)).toEqual(["page.html"]);
  }, 30_000);
});
