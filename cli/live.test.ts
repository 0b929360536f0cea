/**
 * The live commands' pieces that need no cluster: the alert built from --alert/--group/--topic,
 * the window plan and progress lines, the client log sink.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { parseIncident } from "../contract/parse.ts";
import { investigate, investigatePorts } from "../investigate.ts";
import { replayPorts } from "../ports/replay/replay-ports.ts";
import { clientLogSink } from "./client-log.ts";
import { UsageError } from "./errors.ts";
import { focus, liveSettings } from "./live.ts";
import { formatDuration, sampleProgress, windowPlan } from "./progress.ts";
import { ROOT } from "./testing.ts";

const AT = new Date("2026-11-02T03:04:00.000Z");
const now = () => AT;

describe("focus: --alert, --group and --topic as the alert a recording would carry", () => {
  test("--group and --topic together", () => {
    expect(focus({ group: "payments", topic: "orders" }, now)).toEqual({
      about: "group payments on topic orders",
      alert: { kind: "consumer_lag", summary: "investigation of group payments on topic orders", labels: { group: "payments", topic: "orders" }, firedAt: "2026-11-02T03:04:00.000Z" },
    });
  });
  test("--alert sets the kind; alone it still steers triage", () => {
    expect(focus({ alert: "dlq", topic: "orders.DLQ" }, now).alert).toEqual({
      kind: "dlq",
      summary: "investigation of topic orders.DLQ (--alert dlq)",
      labels: { topic: "orders.DLQ" },
      firedAt: "2026-11-02T03:04:00.000Z",
    });
    expect(focus({ alert: "replication" }, now)).toEqual({
      about: "the cluster",
      alert: { kind: "replication", summary: "investigation of the cluster (--alert replication)", labels: {}, firedAt: "2026-11-02T03:04:00.000Z" },
    });
    expect(focus({ topic: "orders" }, now).alert?.kind).toBe("other");
    expect(focus({}, now)).toEqual({ about: "the cluster", alert: undefined });
  });
  test("an unknown kind or an empty name is a usage error that says what is expected", () => {
    expect(() => focus({ alert: "lag" })).toThrow(new UsageError('--alert: unknown alert kind "lag" (expected consumer_lag, rebalance, dlq, schema, replication, broker, throughput, quality)'));
    expect(() => focus({ alert: "other" })).toThrow(UsageError);
    expect(() => focus({ group: "" })).toThrow(new UsageError("--group: expected a consumer group id"));
    expect(() => focus({ topic: " " })).toThrow(new UsageError("--topic: expected a topic name"));
  });

  // The same cluster state, the alert once recorded and once built from flags: the same triage.
  test.each(["dlq-poison-1", "rebalance-storm-1", "quality-volume-drop-1", "replication-offline-2"])("%s: steers triage exactly like the recorded alert", async (name) => {
    const incident = parseIncident(JSON.parse(readFileSync(join(ROOT, "fixtures", "incidents", `${name}.json`), "utf8")), name);
    const recorded = incident.alert!;
    const { alert } = focus({ alert: recorded.kind, group: recorded.labels.group, topic: recorded.labels.topic }, () => new Date(recorded.firedAt!));
    const { alert: _, ...unalerted } = incident;
    const [fromRecording, fromFlags, withoutAlert] = await Promise.all([
      investigate(incident),
      investigatePorts(replayPorts(unalerted), { alert: alert! }),
      investigatePorts(replayPorts(unalerted)),
    ]);
    const verdict = (r: typeof fromRecording) => ({ agents: r.agents, primary: r.primary, decision: r.decision, codes: r.diagnoses.map((d) => d.code), actions: r.actions, blastRadius: r.blastRadius });
    expect(verdict(fromFlags)).toEqual(verdict(fromRecording));
    expect(fromFlags.primary).toBe(incident.expected!.primary);
    // The alert matters: without it the same state is read differently in at least one way.
    if (name === "dlq-poison-1") expect(withoutAlert.agents).not.toEqual(fromFlags.agents);
  });
});

describe("liveSettings: the sampling flags", () => {
  test("a bare number is seconds", async () => {
    const s = await liveSettings({ bootstrap: "127.0.0.1:19092", samples: "3", interval: "3", deadline: "10" }, {});
    expect([s.sampling, s.calls.deadline]).toEqual([{ samples: 3, interval: 3000 }, 10_000]);
  });
  test("a bad value is a usage error naming the flag", async () => {
    const hint = 'expected a duration such as "15s", "500ms" or "2m" (a bare number is seconds), more than 0 and at most 24h';
    await expect(liveSettings({ interval: "0" }, {})).rejects.toThrow(new UsageError(`--interval: ${hint}, got "0"`));
    await expect(liveSettings({ deadline: "-1s" }, {})).rejects.toThrow(new UsageError(`--deadline: ${hint}, got "-1s"`));
    await expect(liveSettings({ samples: "0" }, {})).rejects.toThrow(new UsageError('--samples: expected a whole number from 1 to 100, got "0"'));
    await expect(liveSettings({ samples: "4x" }, {})).rejects.toThrow(new UsageError('--samples: expected a whole number from 1 to 100, got "4x"'));
  });
});

describe("window plan and progress", () => {
  test("durations read like a person writes them", () => {
    expect([500, 1000, 15_000, 45_000, 60_000, 150_000, 3_600_000, 3_900_000].map(formatDuration)).toEqual(["500 ms", "1 s", "15 s", "45 s", "1 min", "2 min 30 s", "1 h", "1 h 5 min"]);
  });
  test("the plan says how long the window takes", () => {
    expect(windowPlan(4, 15_000)).toBe("sampling 4 snapshots 15 s apart: about 45 s");
    expect(windowPlan(9, 15_000)).toBe("sampling 9 snapshots 15 s apart: about 2 min");
    expect(windowPlan(1, 15_000)).toBe("sampling 1 snapshot (no window: the windowed rules need 2 or more)");
  });
  test("one line per sample when stderr is not a terminal", () => {
    let text = "";
    const p = sampleProgress({ isTTY: false, write: (s: string) => (text += s) }, 3, 2000);
    p.start();
    [0, 1, 2].forEach((i) => p.sample(i));
    p.interrupt();
    expect(text).toBe(
      "kafka-ops: sampling 3 snapshots 2 s apart: about 4 s\n" +
        "kafka-ops: sample 1/3 read; next in 2 s\n" +
        "kafka-ops: sample 2/3 read; next in 2 s\n" +
        "kafka-ops: sample 3/3 read\n",
    );
  });
  test("the plan prints with the first sample when nothing printed it before, and only once", () => {
    let text = "";
    const p = sampleProgress({ isTTY: false, write: (s: string) => (text += s) }, 2, 1000);
    p.sample(0);
    p.start();
    p.sample(1);
    expect(text).toBe("kafka-ops: sampling 2 snapshots 1 s apart: about 1 s\nkafka-ops: sample 1/2 read; next in 1 s\nkafka-ops: sample 2/2 read\n");
  });
  test("one line rewritten in place on a terminal, ended before anything else prints", () => {
    let text = "";
    const p = sampleProgress({ isTTY: true, write: (s: string) => (text += s) }, 3, 2000);
    p.start();
    p.sample(0);
    p.interrupt(); // e.g. a debug line is about to print
    p.interrupt(); // nothing open: nothing written
    p.sample(1);
    p.sample(2);
    expect(text).toBe(
      "kafka-ops: sampling 3 snapshots 2 s apart: about 4 s\n" +
        "\r\u001b[2Kkafka-ops: sample 1/3 read; next in 2 s\n" +
        "\r\u001b[2Kkafka-ops: sample 2/3 read; next in 2 s" +
        "\r\u001b[2Kkafka-ops: sample 3/3 read\n",
    );
  });
});

describe("the Kafka client's log lines", () => {
  test("dropped by default", () => {
    let text = "";
    const sink = clientLogSink((s) => (text += s), {});
    sink("kafkajs Connection: Connection error: connect ECONNREFUSED 127.0.0.1:1");
    expect(text).toBe("");
  });
  test("with KAFKA_OPS_DEBUG=1: each distinct line once, in our format, made safe", () => {
    let text = "";
    const sink = clientLogSink((s) => (text += s), { KAFKA_OPS_DEBUG: "1" });
    sink("kafkajs Connection: Connection error: connect ECONNREFUSED 127.0.0.1:1");
    sink("kafkajs Connection: Connection error: connect ECONNREFUSED 127.0.0.1:1");
    sink("kafkajs BrokerPool: client \u001b[31mid\nforged");
    expect(text).toBe(
      "kafka-ops: debug: kafkajs Connection: Connection error: connect ECONNREFUSED 127.0.0.1:1\n" + "kafka-ops: debug: kafkajs BrokerPool: client \\x1b[31mid forged\n",
    );
  });
});
