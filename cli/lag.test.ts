import { describe, expect, it } from "vitest";
import type { Group, Snapshot, Topic } from "../contract/incident.ts";
import { help, lagReport, run } from "./commands/lag.ts";
import { replayPorts } from "../ports/replay/replay-ports.ts";
import { parseIncident } from "../contract/parse.ts";
import { TOOLS } from "../tools/registry.ts";
import { fileURLToPath } from "node:url";
import { loadedModules, packagesOf } from "../tools/lib/loaded-modules.ts";
import { UsageError } from "./errors.ts";
import { formatSeconds, renderLagTable, type LagReport } from "./render/lag-table.ts";

const REPORT: LagReport = {
  at: "2026-01-01T00:00:10.000Z",
  groups: [
    {
      group: "billing",
      state: "Stable",
      partitions: [
        {
          topic: "orders",
          partition: 0,
          currentOffset: "120",
          logEndOffset: "150",
          lag: 30,
          lagSeconds: 3,
          consumerId: "billing-1-4f2a",
          host: "/10.0.0.7",
          clientId: "billing-1",
        },
        {
          topic: "orders",
          partition: 1,
          currentOffset: null,
          logEndOffset: "99",
          lag: null,
          lagSeconds: null,
          consumerId: "billing-1-4f2a",
          host: "/10.0.0.7",
          clientId: "billing-1",
        },
      ],
    },
    {
      group: "audit",
      state: "Empty",
      partitions: [
        {
          topic: "payments",
          partition: 10,
          currentOffset: "1000000",
          logEndOffset: "1000000",
          lag: 0,
          lagSeconds: 0,
          consumerId: null,
          host: null,
          clientId: null,
        },
        {
          topic: "payments",
          partition: 11,
          currentOffset: "5",
          logEndOffset: "1005",
          lag: 1000,
          lagSeconds: 125.4,
          consumerId: null,
          host: null,
          clientId: "",
        },
      ],
    },
  ],
};

describe("renderLagTable", () => {
  it("prints the official tool's columns plus LAG-TIME, left-aligned, - for unknowns", () => {
    expect(renderLagTable(REPORT)).toBe(
      [
        "GROUP    TOPIC     PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG   LAG-TIME  CONSUMER-ID     HOST       CLIENT-ID",
        "billing  orders    0          120             150             30    3.0       billing-1-4f2a  /10.0.0.7  billing-1",
        "billing  orders    1          -               99              -     -         billing-1-4f2a  /10.0.0.7  billing-1",
        "audit    payments  10         1000000         1000000         0     0         -               -          -",
        "audit    payments  11         5               1005            1000  125       -               -          -",
        "",
      ].join("\n"),
    );
  });

  it("prints only the header when there is nothing to show", () => {
    expect(renderLagTable({ at: REPORT.at, groups: [] })).toBe(
      "GROUP  TOPIC  PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  LAG-TIME  CONSUMER-ID  HOST  CLIENT-ID\n",
    );
  });

  it("escapes control characters in names a client chose", () => {
    const report: LagReport = {
      at: REPORT.at,
      groups: [{ group: "g\u001b[2J", state: "Empty", partitions: [{ ...REPORT.groups[1]!.partitions[0]!, topic: "t\nx" }] }],
    };
    const out = renderLagTable(report);
    expect(out).not.toContain("\u001b");
    expect(out.split("\n")[1]).toBe("g\\x1b[2J  t\\nx   10         1000000         1000000         0    0         -            -     -");
  });
});

describe("formatSeconds", () => {
  it.each([
    [null, "-"],
    [0, "0"],
    [0.25, "0.3"],
    [9.94, "9.9"],
    [10, "10"],
    [3600.4, "3600"],
  ] as const)("%s -> %s", (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });
});

function topic(name: string, ends: string[]): Topic {
  return {
    name,
    internal: false,
    partitions: ends.map((endOffset, partition) => ({ partition, leader: 1, replicas: [1], isr: [1], offlineReplicas: [], startOffset: "0", endOffset })),
  };
}

function group(groupId: string, state: Group["state"], offsets: Group["offsets"], members: Group["members"] = []): Group {
  return { groupId, state, protocolType: "consumer", protocol: members.length ? "range" : "", members, offsets };
}

describe("lagReport (the shared lag computation, in the table's shape)", () => {
  const member = { memberId: "m-1", clientId: "app", host: "/127.0.0.1", groupInstanceId: null, assignment: { t: [0, 1, 2] } };
  const first: Snapshot = {
    at: "2026-01-01T00:00:00.000Z",
    topics: [topic("t", ["100", "100", "100"]), topic("u", Array.from({ length: 11 }, () => "7"))],
    groups: [
      group("z-live", "Stable", { t: { "0": "90" } }, [member]),
      group("a-idle", "Empty", { u: { "10": "2", "2": "7" } }),
      group("nothing", "Empty", {}),
      group("gone", "Dead", { t: { "0": "1" } }),
      group("ahead", "Empty", { t: { "1": "600" } }),
    ],
  };
  const second: Snapshot = {
    ...first,
    at: "2026-01-01T00:00:02.000Z",
    topics: [topic("t", ["120", "100", "100"]), topic("u", Array.from({ length: 11 }, () => "7"))],
    groups: [group("z-live", "Stable", { t: { "0": "100" } }, [member]), ...first.groups.slice(1)],
  };

  it("one sample: offsets and lag like the official tool, no LAG-TIME, groups without rows left out", () => {
    const report = lagReport({ snapshots: [first] });
    expect(report.at).toBe(first.at);
    expect(report.groups.map((g) => g.group)).toEqual(["a-idle", "ahead", "z-live"]);
    expect(report.groups[0]!.partitions.map((p) => [p.topic, p.partition, p.currentOffset, p.logEndOffset, p.lag, p.lagSeconds, p.consumerId])).toEqual([
      ["u", 2, "7", "7", 0, null, null],
      ["u", 10, "2", "7", 5, null, null],
    ]);
    expect(report.groups[2]).toEqual({
      group: "z-live",
      state: "Stable",
      partitions: [
        { topic: "t", partition: 0, currentOffset: "90", logEndOffset: "100", lag: 10, lagSeconds: null, consumerId: "m-1", host: "/127.0.0.1", clientId: "app" },
        { topic: "t", partition: 1, currentOffset: null, logEndOffset: "100", lag: null, lagSeconds: null, consumerId: "m-1", host: "/127.0.0.1", clientId: "app" },
        { topic: "t", partition: 2, currentOffset: null, logEndOffset: "100", lag: null, lagSeconds: null, consumerId: "m-1", host: "/127.0.0.1", clientId: "app" },
      ],
    });
    expect(renderLagTable(report).split("\n")[4]).toBe("z-live  t      0          90              100             10   -         m-1          /127.0.0.1  app");
  });

  it("policy: a commit ahead of the log end is lag 0, never negative", () => {
    expect(lagReport({ snapshots: [first] }, "ahead").groups[0]!.partitions).toEqual([
      { topic: "t", partition: 1, currentOffset: "600", logEndOffset: "100", lag: 0, lagSeconds: null, consumerId: null, host: null, clientId: null },
    ]);
  });

  it("two samples: LAG-TIME from the log-end history", () => {
    const report = lagReport({ snapshots: [first, second] });
    expect(report.at).toBe(second.at);
    const live = report.groups.find((g) => g.group === "z-live")!;
    // t/0: committed 100 was the log end at 0 s; the log end is 120 at 2 s: 2 s behind. t/1, t/2: nothing committed.
    expect(live.partitions.map((p) => [p.partition, p.lag, p.lagSeconds])).toEqual([
      [0, 20, 2],
      [1, null, null],
      [2, null, null],
    ]);
    // u: nothing produced: unknown unless caught up.
    expect(report.groups.find((g) => g.group === "a-idle")!.partitions.map((p) => p.lagSeconds)).toEqual([0, null]);
  });

  it("a topic whose offsets could not be read: no LOG-END-OFFSET, LAG or LAG-TIME rather than wrong ones", () => {
    const unread = new Set(["t"]); // as takeSnapshot reports a topic whose offsets it could not read
    const report = lagReport({ snapshots: [first, second], unreadTopics: [new Set(), unread] }, "z-live");
    expect(report.groups[0]!.partitions[0]).toMatchObject({ topic: "t", partition: 0, currentOffset: "100", logEndOffset: null, lag: null, lagSeconds: null });
    expect(renderLagTable(report).split("\n")[1]).toBe("z-live  t      0          100             -               -    -         m-1          /127.0.0.1  app");
    // The only sample unreadable: the rows stay, with the offsets unknown.
    const alone = lagReport({ snapshots: [second], unreadTopics: [unread] }, "z-live");
    expect(alone.groups[0]!.partitions.map((p) => [p.partition, p.currentOffset, p.logEndOffset, p.lag])).toEqual([
      [0, "100", null, null],
      [1, null, null, null],
      [2, null, null, null],
    ]);
  });

  it("--group keeps only that group", () => {
    expect(lagReport({ snapshots: [first] }, "a-idle").groups.map((g) => g.group)).toEqual(["a-idle"]);
    expect(lagReport({ snapshots: [first] }, "missing").groups).toEqual([]);
  });

  it("equals the consumer_group_lag tool on every partition of every group", async () => {
    const snapshots = [first, second];
    const incident = parseIncident({ format: "kafka-incident/v1", id: "lag-cli", title: "t", cluster: { id: "c", flavor: "apache" }, brokers: [{ id: 1, host: "b", port: 9092 }], snapshots }, "test");
    const ports = replayPorts(incident);
    for (const g of lagReport({ snapshots }).groups) {
      const tool = await TOOLS.consumer_group_lag.run(ports, { group: g.group });
      if (tool.kind !== "ok") throw new Error(`tool: ${tool.kind}`);
      expect(g.partitions.map((p) => [p.topic, p.partition, p.currentOffset, p.logEndOffset, p.lag, p.lagSeconds, p.consumerId])).toEqual(
        tool.value.partitions.map((p) => [p.topic, p.partition, p.committed.at(-1), p.end.at(-1), p.lag.at(-1), p.lagSeconds.at(-1), p.owner]),
      );
    }
  });
});

describe("lag command, before any network", () => {
  it("documents the columns, flags and environment variables", () => {
    for (const word of ["LAG-TIME", "CURRENT-OFFSET", "--samples", "--interval", "--group", "--json", "KAFKA_BOOTSTRAP_SERVERS", "KAFKA_SASL_PASSWORD"]) {
      expect(help).toContain(word);
    }
  });

  it("lists only the options and environment variables lag reads", () => {
    expect(help.match(/^  (--[a-z]+|-h)/gm)).toEqual(["  --bootstrap", "  --group", "  --json", "  --samples", "  --interval", "  --deadline", "  --config", "  -h"]);
    expect(help.slice(help.indexOf("Environment:")).match(/^  [A-Z_]+/gm)).toEqual([
      "  KAFKA_OPS_CONFIG",
      "  KAFKA_BOOTSTRAP_SERVERS",
      "  KAFKA_SECURITY_PROTOCOL",
      "  KAFKA_SASL_MECHANISM",
      "  KAFKA_SASL_USERNAME",
      "  KAFKA_SASL_PASSWORD",
      "  KAFKA_SASL_OAUTHBEARER_TOKEN",
      "  KAFKA_SASL_OAUTHBEARER_TOKEN_COMMAND",
      "  KAFKA_SASL_OAUTHBEARER_TOKEN_ENDPOINT_URL",
      "  KAFKA_SASL_OAUTHBEARER_CLIENT_ID",
      "  KAFKA_SASL_OAUTHBEARER_CLIENT_SECRET",
      "  KAFKA_SASL_OAUTHBEARER_SCOPE",
      "  KAFKA_SASL_OAUTHBEARER_EXTENSIONS",
      "  AWS_REGION",
    ]);
    for (const other of ["OPENAI", "SCHEMA_REGISTRY", "PROMETHEUS", "KAFKA_OPS_LLM_MODEL"]) expect(help).not.toContain(other);
  });

  it.each([
    [["--samples", "0", "--bootstrap", "h:1"], "--samples: expected a whole number from 1 to 100"],
    [["--samples", "x", "--bootstrap", "h:1"], "--samples: expected a whole number from 1 to 100"],
    [["--interval", "5 s", "--bootstrap", "h:1"], '--interval: expected a duration such as 500ms, 5s or 2m, got "5 s"'],
    [["--deadline", "soon", "--bootstrap", "h:1"], '--deadline: expected a duration such as 500ms, 5s or 2m, got "soon"'],
    [["--nope"], "unknown option '--nope' (see kafka-ops lag --help)"],
    [["extra", "--bootstrap", "h:1"], 'lag: unexpected argument "extra" (see kafka-ops lag --help)'],
    [["--group", "", "--bootstrap", "h:1"], "--group: expected a consumer group id"],
  ])("%j is a usage error", async (args, message) => {
    const error = await run(args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(message);
  });
});

describe("what the lag command loads", () => {
  const file = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
  const project = (urls: string[]) =>
    urls.filter((u) => u.startsWith("file:") && !u.includes("/node_modules/")).map((u) => fileURLToPath(u).slice(file("..").length));

  it("the command module: zod (settings) and nothing of the graph, the agents, the tools or an LLM", () => {
    const urls = loadedModules(file("./commands/lag.ts"));
    expect(packagesOf(urls)).toEqual(["zod"]);
    expect(project(urls).filter((f) => /^(agents|graph|llm|chat|prompts|remediation\/(?!policy)|tools\/(?!lib\/))/.test(f))).toEqual([]);
  });

  it("the sampling loop it uses: kafkajs only", () => {
    expect(packagesOf(loadedModules(file("../ports/live/sampling.ts")))).toEqual(["kafkajs"]);
  });
});
