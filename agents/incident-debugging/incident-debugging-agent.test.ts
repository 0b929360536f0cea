import { describe, expect, it } from "vitest";
import type { ToolCall } from "../../contract/report.ts";
import { investigate } from "../../investigate.ts";
import { replayPorts } from "../../ports/replay/replay-ports.ts";
import { scenario } from "../../test/scenario.ts";
import { recordingCaller } from "../agent.ts";
import { debugIncident } from "./incident-debugging-agent.ts";

const line = (i: number, level: string, source = "orders-svc") => ({
  at: `2026-11-02T03:0${Math.min(i, 9)}:00Z`,
  source,
  level,
  message: `line ${i}`,
});

describe("unexplained errors come from the log lines read, not from the timeline", () => {
  // Nine distinct ERROR lines (the timeline lists at most five), one FATAL, two WARN.
  const logs = [...Array.from({ length: 9 }, (_, i) => line(i, "ERROR")), line(9, "FATAL", "billing"), line(1, "WARN"), line(2, "WARN")];

  it("counts every ERROR-level line read, whatever the timeline kept", async () => {
    const incident = scenario({ extra: { logs } });
    const c = await debugIncident(recordingCaller(replayPorts(incident), "incident-debugging", [] as ToolCall[], []), [], undefined);
    expect(c.timeline.filter((e) => e.source === "search_logs")).toHaveLength(5);
    expect(c.errorLogLines).toBe(10);
  });

  it("escalates a healthy-looking window with error lines as unknown, saying how many", async () => {
    const report = await investigate(scenario({ extra: { logs } }));
    expect([report.decision, report.primary, report.escalation?.reason]).toEqual(["escalate", "unknown", "10 ERROR log lines were read and no finding explains them"]);
  });

  it("does not count WARN lines", async () => {
    const report = await investigate(scenario({ extra: { logs: [line(1, "WARN"), line(2, "INFO")] } }));
    expect([report.decision, report.primary]).toEqual(["none", "healthy"]);
  });
});
