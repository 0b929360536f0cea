/**
 * The report page in a real headless Chromium (Debian's /usr/bin/chromium through playwright-core;
 * .ci/run installs it): the page `kafka-ops investigate --html` writes draws one line and one
 * point per sample for each partition, fetches nothing, and shows untrusted text from the
 * records (DLQ headers, log lines) as text: no script runs, no element is made of it.
 *
 * No Chromium is a failure, not a skip: the launch throws and says where it looked.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { chromium, type Browser, type Page } from "playwright-core";
import { investigate } from "../investigate.ts";
import { runCli } from "../cli/testing.ts";
import { renderReportHtml } from "./html.ts";

const CHROMIUM = "/usr/bin/chromium";
const dir = mkdtempSync(join(tmpdir(), "kafka-ops-report-page-"));
let browser: Browser;

beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
}, 30_000);
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A page with JavaScript on (so a script that slipped through would run), recording every request and dialog. */
async function open(url: string): Promise<{ page: Page; requests: string[]; dialogs: string[]; errors: string[] }> {
  const context = await browser.newContext({ javaScriptEnabled: true });
  const page = await context.newPage();
  const requests: string[] = [];
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(url, { waitUntil: "load" });
  return { page, requests, dialogs, errors };
}

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/incidents/${name}.json`, import.meta.url), "utf8"));

describe("the report page in Chromium", () => {
  test("investigate --html writes the page; the lag chart has one line and one point per known sample for each partition; nothing is fetched", async () => {
    const file = join(dir, "lag.html");
    const cli = await runCli(["investigate", "fixtures/incidents/lag-poison-message-1.json", "--html", file]);
    expect(cli.code).toBe(0);
    expect(readdirSync(dir)).toEqual(["lag.html"]); // the temp file was renamed, none left
    const url = pathToFileURL(file).href;
    const { page, requests, errors } = await open(url);

    const records = page.locator('svg.lag-chart[data-group="orders-svc"][data-unit="records"]');
    await expect(records.count()).resolves.toBe(1);
    // 6 partitions x 5 samples, every one known.
    await expect(records.locator("g.series").count()).resolves.toBe(6);
    await expect(records.locator("path.line").count()).resolves.toBe(6);
    await expect(records.locator("circle.point").count()).resolves.toBe(30);
    await expect(records.locator('g.series[data-series="orders-1"] circle.point').count()).resolves.toBe(5);
    // Lag in time is unknown at the first sample (one log-end point): 4 points per partition.
    const seconds = page.locator('svg.lag-chart[data-group="orders-svc"][data-unit="seconds"]');
    await expect(seconds.locator("circle.point").count()).resolves.toBe(24);
    // Every group of the report has its two charts: orders-svc, inventory-projector (6) and search-indexer (10 partitions).
    await expect(page.locator("svg.lag-chart").count()).resolves.toBe(6);
    await expect(page.locator('svg.lag-chart[data-group="search-indexer"][data-unit="records"] circle.point').count()).resolves.toBe(50);

    // It renders: the stuck partition's line rises across the chart, drawn with a real size.
    const box = await records.boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    const d = await records.locator('g.series[data-series="orders-1"] path.line').getAttribute("d");
    expect(d!.split(/[ML]/).filter(Boolean)).toHaveLength(5);
    await expect(page.getByText("orders-svc (6 partitions: 5 ok, 1 stalled)").isVisible()).resolves.toBe(true);
    await expect(page.locator("#verdict .badge").innerText()).resolves.toBe("REMEDIATE");
    await expect(page.locator("#actions .action code").first().innerText()).resolves.toBe("skip_poison_message");

    expect(requests).toEqual([url]);
    expect(errors).toEqual([]);
    await expect(page.locator("script").count()).resolves.toBe(0);
  }, 60_000);

  test("untrusted text from the records (<script>, <img onerror>) is shown as text: no dialog, no element made of it", async () => {
    const script = `<script>alert("xss-script")</script>`;
    const img = `<img src=x onerror="alert('xss-img')">`;
    const incident = fixture("dlq-poison-1");
    // Into every DLQ record (value and exception headers) and every log line.
    for (const records of Object.values(incident.dlq) as { value: string | null; headers: Record<string, string> }[][]) {
      for (const r of records) {
        r.value = `${r.value ?? ""}${script}${img}`;
        for (const h of Object.keys(r.headers)) if (/exception/.test(h)) r.headers[h] += ` ${script} ${img}`;
      }
    }
    for (const line of incident.logs ?? []) line.message += ` ${script} ${img}`;
    incident.title = `${incident.title} ${img}`;
    const report = await investigate(incident);
    // The payload reaches the report (quoted evidence), so the page must print it.
    expect(JSON.stringify(report)).toContain(script.replace(/"/g, '\\"'));

    const file = join(dir, "injection.html");
    writeFileSync(file, renderReportHtml(report, { title: incident.title }));
    const { page, dialogs, requests, errors } = await open(pathToFileURL(file).href);

    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await expect(page.locator("script").count()).resolves.toBe(0);
    await expect(page.locator("img").count()).resolves.toBe(0);
    await expect(page.locator("[onerror]").count()).resolves.toBe(0);
    expect(requests).toHaveLength(1); // the page itself: the <img src=x> was never an element, so nothing was fetched

    const text = await page.locator("body").innerText();
    expect(text).toContain(script);
    expect(text).toContain(img);
    await expect(page.locator("h1").innerText()).resolves.toBe(incident.title);
    await expect(page.getByText(script).first().isVisible()).resolves.toBe(true);
  }, 60_000);
});
