import { describe, expect, it } from "vitest";
import { scenario } from "../test/scenario.ts";
import { replayPorts } from "../ports/replay/replay-ports.ts";
import type { Ports } from "../ports/ports.ts";
import { investigate } from "../investigate.ts";
import { Report } from "../contract/report.ts";

/** Ports whose every read takes `ms` (a stand-in for network round trips), counting reads in flight. */
function delayed(ports: Ports, ms: number, inFlight = { now: 0, peak: 0 }): Ports {
  const wrap = <T extends object>(port: T): T =>
    new Proxy(port, {
      get(target, key) {
        const fn = Reflect.get(target, key) as unknown;
        if (typeof fn !== "function") return fn;
        return async (...args: unknown[]) => {
          inFlight.peak = Math.max(inFlight.peak, ++inFlight.now);
          await new Promise((r) => setTimeout(r, ms));
          inFlight.now--;
          return (fn as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  return Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, wrap(v)])) as unknown as Ports;
}

const incident = scenario({
  end: (s) => 1000 + 100 * s,
  committed: (s, p) => (p === 1 ? 1042 : 1000 + 100 * s),
  extra: { schemaRegistry: { subjects: [] }, samples: { orders: [] } },
});

describe("incident graph", () => {
  it("produces a report that satisfies the contract", async () => {
    const report = await investigate(incident);
    expect(() => Report.parse(report)).not.toThrow();
    expect(report.primary).toBe("lag.poison_message");
    expect(report.agents).toEqual(["streaming", "schema", "quality", "incident-debugging"]);
    expect(Object.keys(report.timings.nodes ?? {}).sort()).toEqual(["decide", "incident_debugging", "quality", "schema", "streaming", "triage"]);
  });

  it("runs specialists and their tool calls concurrently: wall time far below the sum of tool times", async () => {
    const inFlight = { now: 0, peak: 0 };
    const report = await investigate(incident, { ports: delayed(replayPorts(incident), 60, inFlight) });
    const sumOfTools = report.toolCalls.reduce((a, c) => a + c.ms, 0);
    const nodes = report.timings.nodes!;
    // The three specialists overlap: their branch times add up to more than the slowest one...
    expect(nodes.streaming! + nodes.schema! + nodes.quality!).toBeGreaterThan(1.5 * Math.max(nodes.streaming!, nodes.schema!, nodes.quality!));
    // ...the whole run takes a fraction of what the same calls would take one after another...
    expect(report.timings.totalMs).toBeLessThan(sumOfTools / 2);
    // ...because many reads were in flight at once (sequential would be 1).
    expect(inFlight.peak).toBeGreaterThanOrEqual(8);
    expect(report.toolCalls.length).toBeGreaterThan(15);
  });

  it("lists the primary finding first, also when it explains others", async () => {
    // A stuck partition while the others lag too: the poison message explains the group's lag.
    const both = scenario({
      partitions: 6,
      members: () => 2,
      end: (s) => 10_000 + 600 * s,
      committed: (s, p) => (p === 1 ? 10_042 : 10_000 + 300 * s),
    });
    const report = await investigate(both);
    expect(report.primary).toBe("lag.poison_message");
    expect(report.diagnoses.map((d) => d.code)).toEqual(["lag.poison_message", "lag.slow_consumer"]);
    expect(report.diagnoses[0]!.explains).toEqual(["lag.slow_consumer"]);
  });

  it("escalates an alert about a group the evidence does not contain instead of calling it healthy", async () => {
    const healthy = scenario({ extra: { alert: { kind: "consumer_lag", summary: "lag", labels: { group: "no-such-group" } } } });
    const report = await investigate(healthy);
    expect([report.decision, report.primary]).toEqual(["escalate", "unknown"]);
    expect(report.rootCause).toContain("the alert names group no-such-group, which the cluster does not report");
    const known = scenario({ extra: { alert: { kind: "consumer_lag", summary: "lag", labels: { group: "orders-svc" } } } });
    expect((await investigate(known)).primary).toBe("healthy");
  });

  it("runs only the requested specialists", async () => {
    const report = await investigate(incident, { agents: ["schema"] });
    expect(report.agents).toEqual(["schema", "incident-debugging"]);
    expect(new Set(report.toolCalls.map((c) => c.agent))).toEqual(new Set(["schema", "incident-debugging"]));
  });
});
