// Consumer groups on the new consumer protocol (KIP-848) on the REAL shared broker: Kafka's own
// Java consumer (kafka-clients from the jars devtools downloads) with group.protocol=consumer and
// a slow processing loop, two members. The group must be listed, described Stable with both
// members and their assignments, lagged, diagnosed as the slow consumer it is (never "dead, no
// consumer running"), found by `kafka-ops lag --group`, recorded with its protocol and replayed
// to the same verdict; the live group port must see its members and refuse to move its offsets.
// Run: npm run test:integration -- test/live/kip848.int.test.ts
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { Admin, Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ensureKafka } from "../../devtools/cluster/kafka.ts";
import { parseIncident } from "../../contract/parse.ts";
import type { Group } from "../../contract/incident.ts";
import { investigate } from "../../investigate.ts";
import { lagReport } from "../../cli/commands/lag.ts";
import type { GroupProtocolReader } from "../../ports/live/consumer-group-model.ts";
import { platformaticGroupReader } from "../../ports/live/consumer-groups.ts";
import { openLive } from "../../ports/live/live-ports.ts";
import { recordIncident } from "../../ports/live/record-incident.ts";
import { liveGroups } from "../../ports/write/live/groups.ts";
import { liveWritePorts } from "../../ports/write/live/index.ts";
import { GroupNotDescribableError } from "../../ports/write/group-admin.ts";
import type { Action } from "../../contract/report.ts";
import { skipPoisonMessage } from "../../remediation/executors/skip-poison-message.ts";
import { callPolicy } from "../../ports/live/call.ts";
import { Cleanup, createTopic, idempotentProducer, liveSettings, steadyWriter, uid, waitFor, workloadKafka } from "./helpers.ts";
import { explain, investigateSession } from "./live-investigate.ts";

const exec = promisify(execFile);
const BIN = fileURLToPath(new URL("../../bin/kafka-ops", import.meta.url));
const JAVA_SOURCE = fileURLToPath(new URL("./java/GroupMember.java", import.meta.url));
const bootstrap = inject("bootstrap");
const registryUrl = inject("schemaRegistryUrl");
const PARTITIONS = 6;

let kafka: Kafka;
let admin: Admin;
let reader: GroupProtocolReader;
let classpath: string;
const classes = mkdtempSync(join(tmpdir(), "kafka-ops-kip848-"));
const cleanup = new Cleanup();

beforeAll(async () => {
  const { libs } = await ensureKafka();
  // Compiled once; each member then starts in about a second.
  await exec("javac", ["-d", classes, "-cp", `${libs}/*`, JAVA_SOURCE]);
  classpath = `${classes}:${libs}/*`;
  kafka = workloadKafka(bootstrap, "it-kip848-workload");
  admin = kafka.admin();
  await admin.connect();
  reader = platformaticGroupReader(liveSettings({ bootstrap }));
}, 120_000);

afterAll(async () => {
  const failures = await cleanup.run();
  if (failures.length) console.warn(`cleanup problems: ${failures.join("; ")}`);
  await reader?.close();
  await admin?.disconnect();
  rmSync(classes, { recursive: true, force: true });
});

interface Member {
  process: ChildProcess;
  /** Lines it printed ("assigned [...]", "polled N"). */
  lines: string[];
}

/** One Java group member (test/live/java/GroupMember.java); stopped by SIGTERM at cleanup, awaited. */
function startMember(mode: "consumer" | "share", group: string, topic: string, clientId: string, sleepMs: number): Member {
  const child = spawn("java", ["-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", classpath, "GroupMember", mode, bootstrap, group, topic, clientId, String(sleepMs)], { stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stdout! }).on("line", (l) => lines.push(l));
  createInterface({ input: child.stderr! }).on("line", (l) => stderr.push(l));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  cleanup.add(`stop Java member ${clientId}`, async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  });
  child.once("exit", (code, signal) => {
    if (code !== 0 && signal !== "SIGTERM" && code !== 143) console.warn(`Java member ${clientId} exited ${code ?? signal}: ${stderr.slice(-5).join(" | ")}`);
  });
  return { process: child, lines };
}

const groupIn = (groups: readonly Group[], id: string) => groups.find((g) => g.groupId === id);

describe("a consumer-protocol (KIP-848) group of two slow Java members", () => {
  const id = uid();
  const topic = `it-848-${id}`;
  const group = `it-848-g-${id}`;

  it("is listed as a consumer group, described Stable with both members and their assignments, lagged and diagnosed as slow, never dead", { timeout: 240_000 }, async () => {
    await createTopic(admin, topic, PARTITIONS);
    cleanup.add(`delete topic ${topic}`, () => admin.deleteTopics({ topics: [topic] }));
    const producer = await idempotentProducer(kafka);
    // 200/s against two members sleeping 25 ms a record (at most 80/s): lag grows on every partition.
    const writer = steadyWriter(producer, topic, { ratePerSec: 200, partitions: [...Array(PARTITIONS).keys()], maxDurationMs: 150_000 });
    cleanup.add("stop the writer", async () => (await writer.stop(), await producer.disconnect()));
    // Registered before the members: cleanup runs last-in first-out, so the group goes once they left.
    cleanup.add(`delete group ${group}`, () => admin.deleteGroups([group]));
    const members = [startMember("consumer", group, topic, `${group}-a`, 25), startMember("consumer", group, topic, `${group}-b`, 25)];

    // Listed with its type, then Stable with both members owning every partition.
    const listed = await waitFor("the group listed as a consumer group", () => reader.list(), (gs) => gs.some((g) => g.groupId === group && g.type === "consumer"), { timeoutMs: 60_000, intervalMs: 300 });
    expect(listed.find((g) => g.groupId === group)).toMatchObject({ type: "consumer", protocolType: "consumer" });
    const described = await waitFor(
      "Stable with 2 members owning all partitions",
      async () => (await reader.describeConsumerGroups([group])).groups[0],
      (g) => g?.groupState === "Stable" && g.members.length === 2 && g.members.reduce((n, m) => n + m.assignment.topicPartitions.reduce((k, t) => k + t.partitions.length, 0), 0) === PARTITIONS,
      { timeoutMs: 60_000, intervalMs: 300 },
    );
    // The clients hear of their assignment on their next heartbeat, after the coordinator says Stable.
    await waitFor("both Java members report an assignment", () => members.map((m) => m.lines.some((l) => l.startsWith("assigned "))), (seen) => seen.every(Boolean), { timeoutMs: 30_000 });
    expect(described!.members.map((m) => m.clientId).sort()).toEqual([`${group}-a`, `${group}-b`]);
    // Committed offsets of a consumer-protocol group through kafkajs' OffsetFetch (the path every group's offsets take).
    await waitFor("commits on every partition", () => admin.fetchOffsets({ groupId: group, topics: [topic] }), (r) => (r[0]?.partitions ?? []).filter((p) => Number(p.offset) > 0).length === PARTITIONS, { timeoutMs: 60_000, intervalMs: 500 });

    const settings = liveSettings({ bootstrap, registryUrl, sampling: { samples: 4, interval: "2s" } });
    const session = openLive(settings);
    try {
      const run = await investigateSession(session, "it-kip848");
      const snapshots = run.window.snapshots;
      const last = groupIn(snapshots.at(-1)!.groups, group);
      expect(last, JSON.stringify(run.window.faults)).toBeDefined();
      expect([last!.type, last!.groupState, last!.state, last!.protocolType, last!.members.length]).toEqual(["consumer", "Stable", "Stable", "consumer", 2]);
      const owned = last!.members.flatMap((m) => m.assignment[topic] ?? []).sort((a, b) => a - b);
      expect(owned).toEqual([0, 1, 2, 3, 4, 5]);
      for (const m of last!.members) {
        expect(m.targetAssignment).toEqual(m.assignment); // Stable: every member owns its target
        expect(m.memberEpoch).toBe(last!.assignmentEpoch);
        expect(m.clientId.startsWith(`${group}-`)).toBe(true);
      }
      expect(last!.groupEpoch).toBeGreaterThanOrEqual(2); // one bump per member joining

      // Lag and rate read like a classic group's, by the same computation `kafka-ops lag` uses.
      const rows = lagReport(run.window, group).groups;
      expect(rows.map((g) => [g.group, g.state, g.partitions.length])).toEqual([[group, "Stable", PARTITIONS]]);
      expect(rows[0]!.partitions.every((p) => p.lag !== null && p.lag > 0 && p.consumerId !== null)).toBe(true);

      const { report } = run;
      expect(report.diagnoses.filter((d) => d.code === "lag.consumer_down"), explain(run)).toEqual([]);
      expect(JSON.stringify(report)).not.toMatch(/no consumer is running|restart/i);
      expect([report.primary, report.decision], explain(run)).toEqual(["lag.slow_consumer", "remediate"]);
      expect(report.diagnoses[0]!.entities).toMatchObject({ group, topic, members: 2, partitions: PARTITIONS });
      expect(report.actions.map((a) => [a.kind, a.params.group, a.params.from])).toEqual([["scale_consumers", group, 2]]);

      // The recording marks the group's protocol, and a replay of it gives the same verdict.
      const recorded = await recordIncident(session, settings, { id: "it-kip848-recorded" });
      const again = parseIncident(JSON.parse(JSON.stringify(recorded)), "recording");
      expect(groupIn(again.snapshots.at(-1)!.groups, group)).toMatchObject({ type: "consumer", groupState: "Stable" });
      const replayed = await investigate(again);
      expect([replayed.primary, replayed.decision, replayed.actions.map((a) => [a.kind, a.params])]).toEqual([report.primary, report.decision, report.actions.map((a) => [a.kind, a.params])]);
    } finally {
      await session.close();
    }

    // `kafka-ops lag` lists it, and --group finds it.
    const all = await exec(BIN, ["lag", "--bootstrap", bootstrap, "--json"], { maxBuffer: 64 << 20 });
    expect((JSON.parse(all.stdout) as { groups: { group: string }[] }).groups.map((g) => g.group)).toContain(group);
    const one = await exec(BIN, ["lag", "--bootstrap", bootstrap, "--group", group, "--json"]);
    const lag = JSON.parse(one.stdout) as { groups: { group: string; state: string; partitions: { consumerId: string | null; clientId: string | null }[] }[] };
    expect(lag.groups.map((g) => [g.group, g.state, g.partitions.length])).toEqual([[group, "Stable", PARTITIONS]]);
    expect(new Set(lag.groups[0]!.partitions.map((p) => p.clientId))).toEqual(new Set([`${group}-a`, `${group}-b`]));

    // The write port sees its members, and will not move its offsets under them.
    const ctx = { settings: liveSettings({ bootstrap }), redact: (s: string) => s, policy: callPolicy(liveSettings({ bootstrap }), (s) => s) };
    const groups = liveGroups(ctx);
    try {
      const view = await groups.describeGroup(group);
      expect([view.state, view.members.length, view.members.flatMap((m) => m.assignment.flatMap((a) => a.partitions)).sort()]).toEqual(["Stable", 2, [0, 1, 2, 3, 4, 5]]);
      expect(await groups.groupsReading(topic)).toEqual([group]);
      await expect(groups.setOffsets(group, topic, [{ partition: 0, offset: "0" }])).rejects.toThrow(new RegExp(`^group ${group} \\(consumer group protocol, KIP-848\\) is Stable with 2 active member\\(s\\)`));
    } finally {
      await groups.close();
    }

    // skip_poison_message's dry run sees the two members like a classic group's, and refuses without a deployment to stop them.
    const write = liveWritePorts(liveSettings({ bootstrap }));
    try {
      const [end] = (await admin.fetchTopicOffsets(topic)).filter((o) => o.partition === 0);
      const action: Action = { kind: "skip_poison_message", risk: "medium", requiresApproval: true, status: "approved", rationale: "it", params: { group, topic, partition: 0, offset: String(Number(end!.high) - 1) } };
      const refused = await skipPoisonMessage.dryRun(action, { write, now: () => new Date(), settle: async () => {}, redact: (t) => t });
      expect(refused.output.refusal).toMatch(new RegExp(`^group ${group} has 2 active member\\(s\\) \\(.*${group}-a.*\\); the broker moves a group's offset only while it is empty, and no deployment target runs ${group}`));
    } finally {
      await write.close?.();
    }
  });
});

/**
 * The broker's share.version feature level: share groups (KIP-932) are a preview in Kafka 4.1,
 * off until the feature is upgraded. Returns the finalized level, 0 when off.
 */
async function shareVersion(): Promise<number> {
  const { libs } = await ensureKafka();
  const { stdout } = await exec("java", ["-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", `${libs}/*`, "org.apache.kafka.tools.FeatureCommand", "--bootstrap-server", bootstrap, "describe"]);
  const line = stdout.split("\n").find((l) => /Feature:\s*share\.version\b/.test(l));
  return Number(/FinalizedVersionLevel:\s*(\d+)/.exec(line ?? "")?.[1] ?? 0);
}

async function setShareVersion(level: number): Promise<void> {
  const { libs } = await ensureKafka();
  const args = level > 0 ? ["upgrade", "--feature", `share.version=${level}`] : ["disable", "--feature", "share.version"];
  await exec("java", ["-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", `${libs}/*`, "org.apache.kafka.tools.FeatureCommand", "--bootstrap-server", bootstrap, ...args]);
}

describe("a share group (KIP-932) of a real Java share consumer", () => {
  const id = uid();
  const topic = `it-share-${id}`;
  const group = `it-share-g-${id}`;

  it("is listed as a share group and named as not analysed: no finding, no action, no members claimed", { timeout: 180_000 }, async () => {
    const before = await shareVersion();
    if (before === 0) {
      await setShareVersion(1);
      // Left as found: another suite on a reused broker must not inherit a preview feature.
      cleanup.add("share.version back to 0", () => setShareVersion(0));
    }
    await createTopic(admin, topic, 2);
    cleanup.add(`delete topic ${topic}`, () => admin.deleteTopics({ topics: [topic] }));
    const producer = await idempotentProducer(kafka);
    const writer = steadyWriter(producer, topic, { ratePerSec: 50, partitions: [0, 1], maxDurationMs: 120_000 });
    cleanup.add("stop the share writer", async () => (await writer.stop(), await producer.disconnect()));
    cleanup.add(`delete group ${group}`, () => admin.deleteGroups([group]));
    const member = startMember("share", group, topic, `${group}-a`, 1);
    await waitFor("the share consumer polling records", () => member.lines.some((l) => l.startsWith("polled ")), Boolean, { timeoutMs: 60_000 });
    const listed = await waitFor("the group listed as a share group", () => reader.list(), (gs) => gs.some((g) => g.groupId === group), { timeoutMs: 30_000 });
    expect(listed.find((g) => g.groupId === group)).toMatchObject({ type: "share", state: "Stable" });

    const session = openLive(liveSettings({ bootstrap, registryUrl, sampling: { samples: 2, interval: "1s" } }));
    try {
      const run = await investigateSession(session, "it-share");
      expect(groupIn(run.window.snapshots.at(-1)!.groups, group)).toEqual({ groupId: group, state: "Stable", protocolType: "share", protocol: "", members: [], offsets: {}, type: "share", groupState: "Stable" });
      expect(run.report.missingEvidence).toContain(`not recorded: analysis of group ${group} (a share group: not analysed)`);
      expect(run.report.diagnoses.filter((d) => d.entities.group === group)).toEqual([]);
      expect(run.report.actions.filter((a) => a.params.group === group)).toEqual([]);
    } finally {
      await session.close();
    }

    const lag = await exec(BIN, ["lag", "--bootstrap", bootstrap, "--group", group, "--json"]);
    expect(JSON.parse(lag.stdout)).toMatchObject({ groups: [] });
    expect(lag.stderr).toBe(`kafka-ops: group ${group} is a share group: not analysed (lag reads classic and consumer-protocol groups)\n`);

    const groups = liveGroups({ settings: liveSettings({ bootstrap }), redact: (s: string) => s, policy: callPolicy(liveSettings({ bootstrap }), (s) => s) });
    try {
      await expect(groups.describeGroup(group)).rejects.toBeInstanceOf(GroupNotDescribableError);
    } finally {
      await groups.close();
    }
  });
});
