/**
 * `kafka-ops lag` against the REAL local broker: offsets and lag per group-partition as set,
 * members shown for a live group, LAG-TIME from two samples, the same numbers as the
 * consumer_group_lag tool through the live ports, a bounded failure when Kafka is unreachable,
 * and one snapshot's request count linear in topics + groups.
 */
import { execFile } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Producer } from "kafkajs";
import { BIN, ROOT } from "../cli/testing.ts";
import type { LagReport } from "../cli/render/lag-table.ts";
import { redactor } from "../config/secret.ts";
import { callPolicy } from "../ports/live/call.ts";
import { takeSnapshot } from "../ports/live/cluster-sampler.ts";
import { createKafka } from "../ports/live/connection.ts";
import { openLive } from "../ports/live/live-ports.ts";
import { TOOLS } from "../tools/registry.ts";
import { Cleanup, createTopic, idempotentProducer, liveSettings, steadyWriter, uid, waitFor, workloadKafka } from "./live/helpers.ts";

const bootstrap = inject("bootstrap");
const id = uid();
const TOPICS = 5;
const PARTITIONS = 4;
const GROUPS = 10;
const topicName = (t: number) => `lag-it-${id}-t${t}`;
const groupName = (g: number) => `lag-it-${id}-g${String(g).padStart(2, "0")}`;
const liveGroup = `lag-it-${id}-live`;
/** Commits offset AHEAD on topic 0, partition 0: beyond its log end (policy: lag 0, flagged). */
const aheadGroup = `lag-it-${id}-ahead`;
const AHEAD = 1000;
/** Records written to topic t, partition p. */
const records = (t: number, p: number) => 10 + 3 * t + p;
/** Group g commits on topics g % 5 and (g + 1) % 5, partitions 0..2 (3 stays uncommitted). */
const topicsOf = (g: number) => [g % TOPICS, (g + 1) % TOPICS];
const committedOf = (g: number, t: number, p: number) => Math.min(records(t, p), g + p);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function cli(args: string[], timeoutMs = 60_000): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(BIN, args, { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

describe("kafka-ops lag (real broker)", () => {
  const kafka = workloadKafka(bootstrap, `lag-it-${id}`);
  const admin = kafka.admin();
  const cleanup = new Cleanup();
  let producer: Producer;

  beforeAll(async () => {
    await admin.connect();
    cleanup.add("disconnect admin", () => admin.disconnect());
    cleanup.add("delete topics", () => admin.deleteTopics({ topics: Array.from({ length: TOPICS }, (_, t) => topicName(t)) }));
    for (let t = 0; t < TOPICS; t++) await createTopic(admin, topicName(t), PARTITIONS);
    producer = await idempotentProducer(kafka);
    cleanup.add("disconnect producer", () => producer.disconnect());
    await producer.sendBatch({
      topicMessages: Array.from({ length: TOPICS }, (_, t) => ({
        topic: topicName(t),
        messages: Array.from({ length: PARTITIONS }, (_, p) => Array.from({ length: records(t, p) }, (_, i) => ({ partition: p, value: `r${i}` }))).flat(),
      })),
    });
    cleanup.add("delete groups", () => admin.deleteGroups([...Array.from({ length: GROUPS }, (_, g) => groupName(g)), liveGroup, aheadGroup]));
    // kafkajs's setOffsets joins the group with a paused consumer (~5 s each): groups in parallel.
    await Promise.all([
      ...Array.from({ length: GROUPS }, async (_, g) => {
        for (const t of topicsOf(g)) {
          const partitions = [0, 1, 2].map((p) => ({ partition: p, offset: String(committedOf(g, t, p)) }));
          await admin.setOffsets({ groupId: groupName(g), topic: topicName(t), partitions });
        }
      }),
      admin.setOffsets({ groupId: aheadGroup, topic: topicName(0), partitions: [{ partition: 0, offset: String(AHEAD) }] }),
    ]);
    // One live member that holds every partition of topic 0 and commits nothing.
    const consumer = kafka.consumer({ groupId: liveGroup, sessionTimeout: 10_000, heartbeatInterval: 500 });
    cleanup.add("disconnect live consumer", () => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topics: [topicName(0)], fromBeginning: true });
    await consumer.run({ autoCommit: false, eachMessage: async () => {} });
    await waitFor(
      "the live group to be Stable with its member",
      async () => (await admin.describeGroups([liveGroup])).groups[0],
      (g) => g?.state === "Stable" && g.members.length === 1,
    );
  }, 120_000);

  afterAll(async () => {
    const failures = await cleanup.run();
    if (failures.length) console.warn(`cleanup: ${failures.join("; ")}`);
  });

  it("--json: every group-partition's offsets and lag as set; groups sorted; the live member named", async () => {
    const r = await cli(["lag", "--bootstrap", bootstrap, "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as LagReport;
    const ours = report.groups.filter((g) => g.group.startsWith(`lag-it-${id}-g`));
    // A commit ahead of the log end: lag 0, never negative.
    expect(report.groups.find((g) => g.group === aheadGroup)!.partitions.map((p) => [p.partition, p.currentOffset, p.logEndOffset, p.lag])).toEqual([
      [0, String(AHEAD), String(records(0, 0)), 0],
    ]);
    expect(ours.map((g) => g.group)).toEqual(Array.from({ length: GROUPS }, (_, g) => groupName(g)));
    for (const [g, group] of ours.entries()) {
      expect(group.state).toBe("Empty");
      const expected = topicsOf(g)
        .sort((a, b) => (topicName(a) < topicName(b) ? -1 : 1))
        .flatMap((t) =>
          [0, 1, 2].map((p) => ({
            topic: topicName(t),
            partition: p,
            currentOffset: String(committedOf(g, t, p)),
            logEndOffset: String(records(t, p)),
            lag: records(t, p) - committedOf(g, t, p),
            lagSeconds: null,
            consumerId: null,
            host: null,
            clientId: null,
          })),
        );
      expect(group.partitions).toEqual(expected);
    }
    const live = report.groups.find((g) => g.group === liveGroup)!;
    expect(live.state).toBe("Stable");
    expect(live.partitions.map((p) => [p.topic, p.partition, p.currentOffset, p.logEndOffset, p.lag])).toEqual(
      [0, 1, 2, 3].map((p) => [topicName(0), p, null, String(records(0, p)), null]),
    );
    for (const p of live.partitions) {
      expect(p.consumerId).toMatch(/^lag-it-/);
      expect(p.clientId).toBe(`lag-it-${id}`);
      expect(p.host).toMatch(/127\.0\.0\.1/);
    }
  });

  it("table for one --group: the official columns plus LAG-TIME, - where unknown", async () => {
    const r = await cli(["lag", "--bootstrap", bootstrap, "--group", groupName(3)]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n").map((l) => l.split(/\s+/));
    expect(lines[0]).toEqual(["GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "LAG-TIME", "CONSUMER-ID", "HOST", "CLIENT-ID"]);
    expect(lines.slice(1)).toEqual(
      [3, 4].flatMap((t) =>
        [0, 1, 2].map((p) => [groupName(3), topicName(t), String(p), String(committedOf(3, t, p)), String(records(t, p)), String(records(t, p) - committedOf(3, t, p)), "-", "-", "-", "-"]),
      ),
    );
    const missing = await cli(["lag", "--bootstrap", bootstrap, "--group", `lag-it-${id}-nope`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`kafka-ops: consumer group "lag-it-${id}-nope" does not exist\n`);
  });

  it("--samples 2: LAG-TIME = lag / produce rate while records keep arriving", async () => {
    // Topic 4 gets ~200 records/s over its 4 partitions (~50/s each) while the CLI samples.
    const writer = steadyWriter(producer, topicName(4), { ratePerSec: 200, partitions: [0, 1, 2, 3], maxDurationMs: 20_000 });
    try {
      await waitFor("the writer to start", () => writer.produced, (n) => n > 0);
      const r = await cli(["lag", "--bootstrap", bootstrap, "--json", "--samples", "2", "--interval", "2s", "--group", groupName(4)]);
      expect(r.code).toBe(0);
      const [group] = (JSON.parse(r.stdout) as LagReport).groups;
      for (const p of group!.partitions) {
        if (p.topic === topicName(4)) {
          expect(p.lag!).toBeGreaterThan(0);
          // ~50/s: tens of records behind -> roughly lag / 50 seconds (wide bounds: a busy machine).
          expect(p.lagSeconds).not.toBeNull();
          expect(p.lagSeconds!).toBeGreaterThan(p.lag! / 500);
          expect(p.lagSeconds!).toBeLessThan(p.lag! / 5);
        } else {
          // Topic 0 gets no records: no rate, so no estimate (unless caught up).
          expect(p.lagSeconds).toBe(p.lag === 0 ? 0 : null);
        }
      }
    } finally {
      await writer.stop();
    }
  });

  it("kafka-ops lag --json and the consumer_group_lag tool (live ports) agree on every partition", async () => {
    // Groups not on topic 4, which the --samples 2 test keeps writing to: their lag is as set.
    const groups = [groupName(0), groupName(1), groupName(6), liveGroup, aheadGroup];
    const r = await cli(["lag", "--bootstrap", bootstrap, "--json"]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as LagReport;
    const session = openLive(liveSettings({ bootstrap, sampling: { samples: 1, interval: "1s" } }));
    try {
      let compared = 0;
      let behind = 0;
      for (const group of groups) {
        const tool = await TOOLS.consumer_group_lag.run(session.ports, { group });
        if (tool.kind !== "ok") throw new Error(`consumer_group_lag ${group}: ${tool.kind}`);
        const cliRows = report.groups.find((g) => g.group === group)!.partitions;
        const toolRows = tool.value.partitions;
        expect(cliRows.map((p) => [p.topic, p.partition, p.currentOffset, p.logEndOffset, p.lag, p.consumerId])).toEqual(
          toolRows.map((p) => [p.topic, p.partition, p.committed.at(-1), p.end.at(-1), p.lag.at(-1), p.owners.at(-1)]),
        );
        compared += cliRows.length;
        behind += cliRows.reduce((a, p) => a + (p.lag ?? 0), 0);
        if (group === aheadGroup) expect(toolRows.map((p) => [p.lagLatest, p.committedAheadOfLogEnd])).toEqual([[0, true]]);
        if (group === liveGroup) expect(toolRows.map((p) => p.lagLatest)).toEqual([null, null, null, null]);
      }
      // 3 bench groups x 2 topics x 3 partitions, the live group's 4, the ahead group's 1.
      expect(compared).toBe(3 * 2 * 3 + 4 + 1);
      // Lag as set: sum over the three bench groups of records - committed.
      const expected = [0, 1, 6].reduce((a, g) => a + topicsOf(g).reduce((b, t) => b + [0, 1, 2].reduce((c, p) => c + records(t, p) - committedOf(g, t, p), 0), 0), 0);
      expect(behind).toBe(expected);
    } finally {
      await session.close();
    }
  });

  it("one snapshot costs requests linear in topics + groups, not groups x topics", async () => {
    const settings = liveSettings({ bootstrap });
    const redact = redactor([]);
    const counted = createKafka(settings.kafka!, settings, redact).admin();
    await counted.connect();
    try {
      const byApi = new Map<string, number>();
      const stop = counted.on(counted.events.REQUEST, (e) => byApi.set(e.payload.apiName, (byApi.get(e.payload.apiName) ?? 0) + 1));
      const { snapshot, faults } = await takeSnapshot(counted, callPolicy(settings, redact));
      stop();
      expect(faults).toEqual([]);
      const topics = snapshot!.topics.length;
      const groups = snapshot!.groups.length;
      const consumerGroups = snapshot!.groups.filter((g) => g.protocolType === "consumer").length;
      const total = [...byApi.values()].reduce((a, b) => a + b, 0);
      const groupPartitions = snapshot!.groups.reduce((a, g) => a + Object.values(g.offsets).reduce((b, ps) => b + Object.keys(ps).length, 0), 0);
      console.info(`snapshot of ${topics} topics, ${groups} groups, ${groupPartitions} committed group-partitions: ${total} requests ${JSON.stringify(Object.fromEntries(byApi))}`);
      // End and start offsets of every topic: one latest + one earliest read per leader broker.
      expect(byApi.get("ListOffsets")).toBe(2);
      // Committed offsets: one OffsetFetch per group, whatever it reads.
      expect(byApi.get("OffsetFetch")).toBe(consumerGroups);
      expect(byApi.get("DescribeGroups")).toBe(Math.ceil(groups / 50));
      // One coordinator lookup per group, shared by its description and its offsets.
      expect(byApi.get("GroupCoordinator")).toBe(groups);
      // Metadata does not grow with the topics (they are added to the client at once).
      expect(byApi.get("Metadata")).toBeLessThanOrEqual(8);
      expect(total).toBeLessThanOrEqual(12 + 2 * groups + Math.ceil(groups / 50));
    } finally {
      await counted.disconnect();
    }
  });

  describe("when Kafka cannot be reached", () => {
    let silent: Server;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      // Accepts connections and never answers: the case a deadline is for.
      silent = createServer((socket) => {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it("refused: one line, exit 1, at once", async () => {
      const r = await cli(["lag", "--bootstrap", "127.0.0.1:1", "--deadline", "3s"]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^kafka-ops: cannot reach Kafka at 127\.0\.0\.1:1: .*ECONNREFUSED.*\n$/);
      expect(r.ms).toBeLessThan(3_000 + 4_000);
    });

    it("no answer: one line, exit 1, within the deadline (no hang)", async () => {
      const { port } = silent.address() as { port: number };
      const r = await cli(["lag", "--bootstrap", `127.0.0.1:${port}`, "--deadline", "2s"]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`kafka-ops: cannot reach Kafka at 127.0.0.1:${port}: connect: no answer within 2000 ms\n`);
      // Node start-up (~0.5 s) + the 2 s deadline + closing the abandoned connection.
      expect(r.ms).toBeLessThan(2_000 + 4_000);
    });
  });
});
