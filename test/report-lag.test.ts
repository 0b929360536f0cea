/** The report's per-partition lag: every observed group, in records and seconds, with the window's status. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { investigate } from "../investigate.ts";
import { Report } from "../contract/report.ts";
import { renderReport } from "../cli/render/report.ts";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/incidents/${name}.json`, import.meta.url), "utf8"));

describe("report.lag", () => {
  it("lists every partition of every observed group with its status and lag in records and seconds", async () => {
    const report = Report.parse(await investigate(fixture("lag-poison-message-1")));
    const groups = report.lag!.map((g) => g.group);
    expect(groups).toEqual([...groups].sort());
    const orders = report.lag!.find((g) => g.group === "orders-svc")!;
    expect(orders.partitions.map((p) => `${p.topic}-${p.partition}:${p.status}`)).toEqual([
      "orders-0:ok", "orders-1:stalled", "orders-2:ok", "orders-3:ok", "orders-4:ok", "orders-5:ok",
    ]);
    const stuck = orders.partitions[1]!;
    expect([stuck.lag, stuck.lagSeconds, stuck.lagSecondsExtrapolated, stuck.timeToCatchUpSec]).toEqual([20238, 326.9, true, null]);
  });
  it("shows the reached groups' partitions that are not fine in the human report", async () => {
    const text = renderReport(await investigate(fixture("lag-poison-message-1")));
    const section = text.slice(text.indexOf("\nLag\n"), text.indexOf("\nActions\n"));
    expect(section).toContain("orders-svc: 6 partitions (5 ok, 1 stalled); at most 326.9 s behind");
    expect(section).toMatch(/orders-1 stalled: lag 20238, ~326\.9 s behind/);
    expect(section).not.toContain("inventory-projector"); // not in the blast radius
  });
});
