import { describe, expect, it } from "vitest";
import { recordingCaller } from "../agents/agent.ts";
import type { ToolCall } from "../contract/report.ts";
import { investigate } from "../investigate.ts";
import { scenario } from "../test/scenario.ts";
import { describeFault, faultOf, missingEvidence, type Fault } from "./faults.ts";
import { notRecorded, unavailable, type Ports } from "./ports.ts";
import { replayPorts } from "./replay/replay-ports.ts";

const gap = (what: string, extra: Partial<Fault> = {}): Fault => ({ tool: "t", kind: "notRecorded", what, entity: {}, reason: null, retriable: false, ...extra });

describe("faults as values", () => {
  it("a readout's gap becomes a fault with its tool, kind, entity, reason and retriable flag", () => {
    expect(faultOf("client_metrics", notRecorded("client metrics", { entity: { group: "a" }, reason: "no Prometheus configured" }) as never)).toEqual({
      tool: "client_metrics",
      kind: "notRecorded",
      what: "client metrics",
      entity: { group: "a" },
      reason: "no Prometheus configured",
      retriable: false,
    });
    expect(faultOf("consumer_groups", unavailable("consumer groups", "connect ECONNREFUSED", { cause: "unreachable", retriable: true }) as never)).toEqual({
      tool: "consumer_groups",
      kind: "unreachable",
      what: "consumer groups",
      entity: {},
      reason: "connect ECONNREFUSED",
      retriable: true,
    });
  });

  it("renders one line per fault, naming its entity once", () => {
    expect(describeFault(gap("client metrics", { entity: { group: "a" }, reason: "no Prometheus configured" }))).toBe("not recorded: client metrics of group a (no Prometheus configured)");
    expect(describeFault(gap("configs", { kind: "timeout", entity: { topic: "orders" }, reason: "configs: no answer within 2000 ms" }))).toBe("configs of topic orders: configs: no answer within 2000 ms");
    expect(describeFault(gap("logs"))).toBe("not recorded: logs");
  });

  it("folds per-group gaps of one kind into one line, keeps first-seen order and drops repeats", () => {
    const metrics = (group: string, tool = "client_metrics") => gap("client metrics", { tool, entity: { group }, reason: "no Prometheus configured" });
    expect(
      missingEvidence([
        gap("logs"),
        metrics("a"),
        metrics("b", "another_tool"),
        gap("logs"),
        gap("consumer configs", { entity: { group: "a" } }),
        metrics("a"),
      ]),
    ).toEqual(["not recorded: logs", "not recorded: client metrics of 2 groups (a, b) (no Prometheus configured)", "not recorded: consumer configs of group a"]);
  });

  it("shows at most five group names of a folded line", () => {
    const lines = missingEvidence(["g1", "g2", "g3", "g4", "g5", "g6", "g7"].map((group) => gap("client metrics", { entity: { group } })));
    expect(lines).toEqual(["not recorded: client metrics of 7 groups (g1, g2, g3, g4, g5, ...)"]);
  });

  it("does not fold failures with different reasons", () => {
    const down = (group: string, reason: string) => gap("offsets", { kind: "unavailable", entity: { group }, reason });
    expect(missingEvidence([down("a", "broker gone"), down("b", "broker gone"), down("c", "timeout")])).toEqual(["offsets of 2 groups (a, b): broker gone", "offsets of group c: timeout"]);
  });
});

describe("the recording caller makes the faults", () => {
  it("records a fault per read that did not answer, and a tool that throws as unavailable", async () => {
    const ports = replayPorts(scenario());
    const broken: Ports = { ...ports, logs: { logs: async () => Promise.reject(new Error("port bug")) } };
    const log: ToolCall[] = [];
    const faults: Fault[] = [];
    const call = recordingCaller(broken, "streaming", log, faults);
    await call("client_metrics", { group: "orders-svc" });
    await call("client_metrics", { group: "orders-svc" });
    await call("search_logs", {});
    expect(faults).toEqual([
      { tool: "client_metrics", kind: "notRecorded", what: "client metrics", entity: { group: "orders-svc" }, reason: null, retriable: false },
      { tool: "search_logs", kind: "unavailable", what: "search_logs", entity: {}, reason: "tool failed: port bug", retriable: false },
    ]);
    expect(log.map((c) => c.note)).toEqual(["not recorded: client metrics of group orders-svc", "not recorded: client metrics of group orders-svc", "search_logs: tool failed: port bug"]);
  });

  it("the report's missing evidence is rendered from them (two groups without client metrics: one line)", async () => {
    const incident = scenario({ extra: { alert: { kind: "consumer_lag", summary: "lag", labels: { group: "orders-svc" } } } });
    const report = await investigate(incident);
    expect(report.missingEvidence).toContain("not recorded: client metrics of group orders-svc");
  });
});
