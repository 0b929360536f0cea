// Live scenarios: a REAL workload (kafkajs producers and consumers) puts the test broker into an
// incident pattern, the live adapter samples it, and the investigation's verdict is asserted.
// Run: node_modules/.bin/vitest run -c devtools/vitest.int.config.ts test/live
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Admin, Kafka } from "kafkajs";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { startKafka, type RunningKafka } from "../../devtools/cluster/kafka.ts";
import { cacheRoot } from "../../devtools/cluster/util.ts";
import { parseIncidentText } from "../../contract/parse.ts";
import { investigate } from "../../investigate.ts";
import { openLive } from "../../ports/live/live-ports.ts";
import { recordIncident } from "../../ports/live/record-incident.ts";
import { Cleanup, committedOffsets, createTopic, endOffsets, liveSettings, uid, waitFor, workloadKafka } from "./helpers.ts";
import { explain, investigateLive, investigateSession } from "./live-investigate.ts";
import * as workload from "./workloads.ts";

const bootstrap = inject("bootstrap");
const registryUrl = inject("schemaRegistryUrl");

let kafka: Kafka;
let admin: Admin;
let cleanup: Cleanup;

beforeAll(async () => {
  kafka = workloadKafka(bootstrap, "it-live-workload");
  admin = kafka.admin();
  await admin.connect();
});
afterEach(async () => {
  const failures = await cleanup.run();
  if (failures.length) console.warn(`cleanup problems: ${failures.join("; ")}`);
});
afterAll(async () => {
  await admin?.disconnect();
});

function ctx(): workload.Ctx {
  cleanup = new Cleanup();
  return { kafka, admin, cleanup, id: uid() };
}

describe("live scenarios (real workloads)", () => {
  it("a slow consumer group: lag.slow_consumer, scale_consumers for that group", async () => {
    const w = await workload.slowConsumer(ctx());
    const run = await investigateLive(liveSettings({ bootstrap, registryUrl }));
    const { report } = run;

    expect(report.primary, explain(run)).toBe("lag.slow_consumer");
    expect(report.decision, explain(run)).toBe("remediate");
    const primary = report.diagnoses[0]!;
    expect(primary.entities).toMatchObject({ group: w.group, topic: w.topic, members: 2, partitions: 12 });
    expect(report.actions.map((a) => a.kind)).toEqual(["scale_consumers"]);
    expect(report.actions[0]!.params).toMatchObject({ group: w.group, from: 2 });
    expect(Number(report.actions[0]!.params.to)).toBeGreaterThan(2);
    // The writer really outpaced the group during the window.
    const last = run.window.snapshots.at(-1)!;
    const lag = last.topics.find((t) => t.name === w.topic)!.partitions.map((p) => Number(p.endOffset) - Number(last.groups.find((g) => g.groupId === w.group)!.offsets[w.topic]![String(p.partition)]));
    expect(Math.min(...lag)).toBeGreaterThan(0);
  });

  it("a poison message: lag.poison_message naming the partition and offset, skip_poison_message", async () => {
    const w = await workload.poisonMessage(ctx());
    const run = await investigateLive(liveSettings({ bootstrap, registryUrl }));
    const { report } = run;

    expect(report.primary, explain(run)).toBe("lag.poison_message");
    expect(report.decision, explain(run)).toBe("remediate");
    expect(report.diagnoses[0]!.entities).toMatchObject({ group: w.group, topic: w.topic, partition: w.stuckPartition, offset: w.poisonOffset });
    expect(report.actions.map((a) => a.kind)).toEqual(["skip_poison_message"]);
    expect(report.actions[0]!.params).toEqual({ group: w.group, topic: w.topic, partition: w.stuckPartition, offset: w.poisonOffset });
    // The consumer was still failing on that record while the window was read.
    expect(w.failures()).toBeGreaterThanOrEqual(3);
  });

  // The one scenario whose pattern depends on the coordinator's timing (evictions locked to the
  // 6 s session minimum): one retry on a fresh workload, so a window that fell between two
  // storms does not fail the build. A second miss is a real failure.
  it("a rebalance storm (handlers outlast the session): rebalance.storm, tune_consumer_config", { timeout: 90_000, retry: 1 }, async () => {
    const w = await workload.rebalanceStorm(ctx());
    // Sampled fast enough to see the churn: the group cycles about every 6 s (the session).
    const run = await investigateLive(liveSettings({ bootstrap, registryUrl, sampling: { samples: 8, interval: "1500ms" } }));
    const { report } = run;

    expect(report.primary, explain(run)).toBe("rebalance.storm");
    expect(report.decision, explain(run)).toBe("remediate");
    expect(report.diagnoses[0]!.entities).toMatchObject({ group: w.group });
    expect(report.actions.map((a) => a.kind)).toEqual(["tune_consumer_config"]);
    expect(report.actions[0]!.params).toMatchObject({ group: w.group });
    // The window saw the churn the workload causes: several member ids and rebalancing states.
    const history = run.window.snapshots.map((s) => s.groups.find((g) => g.groupId === w.group));
    const seen = new Set(history.flatMap((g) => g?.members.map((m) => m.memberId) ?? []));
    expect(seen.size).toBeGreaterThan(history.at(-1)?.members.length ?? 0);
    expect(history.filter((g) => g?.state === "PreparingRebalance" || g?.state === "CompletingRebalance").length).toBeGreaterThanOrEqual(2);
  });

  it("a consumer group that is down while writes continue: lag.consumer_down, escalate", async () => {
    const w = await workload.consumerDown(ctx());
    const run = await investigateLive(liveSettings({ bootstrap, registryUrl }));
    const { report } = run;

    expect(report.primary, explain(run)).toBe("lag.consumer_down");
    expect(report.decision, explain(run)).toBe("escalate");
    expect(report.diagnoses[0]!.entities).toMatchObject({ group: w.group, topic: w.topic });
    expect(report.escalation?.owner).toContain(w.group);
    expect(report.actions).toEqual([]);
  });

  it("a member that stopped consuming but stays in the group: lag.consumer_down naming it, never skip_poison_message", async () => {
    const w = await workload.hungMember(ctx());
    const run = await investigateLive(liveSettings({ bootstrap, registryUrl }));
    const { report } = run;

    expect(report.primary, explain(run)).toBe("lag.consumer_down");
    expect(report.decision, explain(run)).toBe("escalate");
    expect(report.diagnoses[0]!.entities).toMatchObject({ group: w.group, topic: w.topic, member: w.hungMember, partitions: w.owned.length });
    expect(report.actions.map((a) => a.kind)).not.toContain("skip_poison_message");
    const lag = report.lag?.find((g) => g.group === w.group);
    expect(lag?.partitions.filter((p) => p.status === "stalled").map((p) => p.partition)).toEqual(w.owned);
  });

  it("a DLQ of transient failures (Kafka Connect headers): dlq.transient, replay_dlq", async () => {
    const w = await workload.transientDlq(ctx());
    const run = await investigateLive(liveSettings({ bootstrap, registryUrl, sampling: { samples: 2, interval: "1s" } }));
    const { report } = run;

    expect(report.primary, explain(run)).toBe("dlq.transient");
    expect(report.decision, explain(run)).toBe("remediate");
    const dlq = report.diagnoses.find((d) => d.code === "dlq.transient")!;
    expect(dlq.entities).toMatchObject({ dlqTopic: w.dlq, topic: w.source });
    expect(dlq.summary).toContain("20 of 20");
    expect(report.actions.map((a) => a.kind)).toEqual(["replay_dlq"]);
    expect(report.actions[0]!.params).toMatchObject({ dlqTopic: w.dlq, targetTopic: w.source });
  });

  it("a registered schema version that breaks BACKWARD: schema.incompatible_change naming the field", async () => {
    const c = ctx();
    const w = await workload.incompatibleSchema(registryUrl, c.cleanup, c.id);
    const run = await investigateLive(liveSettings({ bootstrap, registryUrl, sampling: { samples: 2, interval: "1s" } }));
    const { report } = run;

    expect(report.primary, explain(run)).toBe("schema.incompatible_change");
    expect(report.decision, explain(run)).toBe("escalate");
    const f = report.diagnoses[0]!;
    expect(f.entities).toMatchObject({ subject: w.subject, version: 2 });
    expect(f.summary).toContain(w.field);
    expect(report.escalation?.owner).toContain(w.subject);
  });

  it("an idle topic with a caught-up group raises no alarm", async () => {
    const w = await workload.idleTopic(ctx());
    const run = await investigateLive(liveSettings({ bootstrap, registryUrl }));
    const { report } = run;

    // The window really saw the group caught up on a topic with data, and no writes.
    const snaps = run.window.snapshots;
    expect(snaps).toHaveLength(4);
    for (const s of snaps) {
      const t = s.topics.find((x) => x.name === w.topic)!;
      expect(t.partitions.map((p) => p.endOffset)).toEqual(["10", "10", "10"]);
      expect(s.groups.find((g) => g.groupId === w.group)?.offsets[w.topic]).toEqual({ "0": "10", "1": "10", "2": "10" });
    }
    const about = report.diagnoses.filter((d) => d.entities.group === w.group || d.entities.topic === w.topic);
    expect(about, explain(run)).toEqual([]);
    expect(report.decision, explain(run)).toBe("none");
    expect(report.primary, explain(run)).toBe("healthy");
  });

  it("records a live poison-message incident that replays to the same verdict", async () => {
    const w = await workload.poisonMessage(ctx());
    const settings = liveSettings({ bootstrap, registryUrl });
    const session = openLive(settings);
    let live, incident;
    try {
      live = await investigateSession(session);
      incident = await recordIncident(session, settings, { id: `it-recorded-${uid()}`, title: "poison message, recorded live" });
    } finally {
      await session.close();
    }
    expect(live.report.primary, explain(live)).toBe("lag.poison_message");

    const dir = mkdtempSync(join(tmpdir(), "kafka-ops-record-"));
    cleanup.add("remove recording", async () => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, "incident.json");
    writeFileSync(file, JSON.stringify(incident, null, 2));
    const parsed = parseIncidentText(readFileSync(file, "utf8"), file);
    expect(parsed.snapshots).toHaveLength(settings.sampling.samples);
    expect(parsed.snapshots.at(-1)!.groups.find((g) => g.groupId === w.group)?.offsets[w.topic]?.[String(w.stuckPartition)]).toBe(w.poisonOffset);

    const replayed = await investigate(parsed);
    expect(replayed.primary, explain(replayed)).toBe(live.report.primary);
    expect(replayed.decision).toBe(live.report.decision);
    expect(replayed.actions.map((a) => a.kind)).toEqual(live.report.actions.map((a) => a.kind));
    expect(replayed.actions[0]!.params).toEqual(live.report.actions[0]!.params);
    expect(replayed.actions[0]!.params).toMatchObject({ partition: w.stuckPartition, offset: w.poisonOffset });
  });
});

describe("live faults", () => {
  /** A local HTTP server standing in for a broken schema registry. */
  async function fakeRegistry(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server; hits: () => number }> {
    let hits = 0;
    const server = createServer((req, res) => {
      hits++;
      handler!(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanup.add("close fake registry", async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    });
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/apis/ccompat/v7`, server, hits: () => hits };
  }

  it("a registry answering 503: finishes and escalates, naming the registry", async () => {
    ctx();
    const fake = await fakeRegistry((_req, res) => {
      res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ error_code: 50301, message: "registry unavailable" }));
    });
    const run = await investigateLive(liveSettings({ bootstrap, registryUrl: fake.url, sampling: { samples: 2, interval: "1s" } }));
    const { report } = run;

    expect(fake.hits()).toBeGreaterThan(0);
    expect(report.decision, explain(run)).toBe("escalate");
    const said = [report.escalation?.reason ?? "", ...(report.missingEvidence ?? [])].join("\n");
    expect(said).toMatch(/registry/i);
    expect(said).toMatch(/503/);
    // The cluster itself was read: its reads are not among the faults.
    expect(run.window.snapshots).toHaveLength(2);
    expect(run.window.faults).toEqual([]);
  });

  it("a registry that never answers: finishes within its deadlines and escalates", async () => {
    ctx();
    const fake = await fakeRegistry(() => {
      /* never answers */
    });
    const started = performance.now();
    const run = await investigateLive(liveSettings({ bootstrap, registryUrl: fake.url, sampling: { samples: 2, interval: "1s" }, calls: { deadline: "1500ms" } }));
    const ms = performance.now() - started;
    const { report } = run;

    expect(fake.hits()).toBeGreaterThan(0);
    expect(ms).toBeLessThan(15_000);
    expect(report.decision, explain(run)).toBe("escalate");
    const said = [report.escalation?.reason ?? "", ...(report.missingEvidence ?? [])].join("\n");
    expect(said).toMatch(/registry/i);
    expect(said).toMatch(/1500 ms/);
  });

  it("the broker goes away mid-investigation: finishes and escalates, naming what could not be read", { timeout: 150_000 }, async () => {
    const c = ctx();
    // A private single-node broker this test may stop; the shared one stays up for the others.
    const port = 30_000 + Math.floor(Math.random() * 9000) * 2;
    let broker: RunningKafka | undefined;
    cleanup.add("remove private broker run dir", async () => rmSync(join(cacheRoot(), "run", `kafka-${port}`), { recursive: true, force: true }));
    cleanup.add("stop private broker", async () => broker?.stop());
    broker = await startKafka({ port, controllerPort: port + 1, heap: "384m" });

    const privateKafka = workloadKafka(broker.bootstrap, "it-live-private");
    const privateAdmin = privateKafka.admin();
    await privateAdmin.connect();
    cleanup.add("disconnect private admin", () => privateAdmin.disconnect());
    const topic = `it-gone-${c.id}`;
    const group = `it-gone-g-${c.id}`;
    await createTopic(privateAdmin, topic, 2);
    const producer = privateKafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 20 }, (_, i) => ({ partition: i % 2, value: `v${i}` })) });
    await producer.disconnect();
    await privateAdmin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: "5" }, { partition: 1, offset: "5" }] });
    await waitFor("the group's committed offsets", () => committedOffsets(privateAdmin, group, topic), (o) => o.get(0) === 5 && o.get(1) === 5);
    expect(await endOffsets(privateAdmin, topic)).toEqual(new Map([[0, 10], [1, 10]]));
    await privateAdmin.disconnect();

    let stopping: Promise<void> | undefined;
    const settings = liveSettings({ bootstrap: broker.bootstrap, sampling: { samples: 4, interval: "1500ms" }, calls: { deadline: "3s" } });
    const started = performance.now();
    const run = await investigateLive(settings, {
      onSample: (index) => {
        if (index === 0) stopping = broker!.stop(); // the broker goes away after the first sample
      },
    });
    const ms = performance.now() - started;
    await stopping;
    const { report } = run;

    expect(stopping, "the first sample was taken").toBeDefined();
    expect(run.window.snapshots.length).toBeGreaterThanOrEqual(1);
    expect(run.window.snapshots.length).toBeLessThan(4);
    expect(ms).toBeLessThan(30_000);
    expect(report.decision, explain(run)).toBe("escalate");
    expect(report.escalation?.reason, explain(run)).toMatch(/could not read/);
    // What could not be read is named: the samples after the first, and reads made after the stop.
    const said = [report.escalation?.reason ?? "", ...(report.missingEvidence ?? [])].join("\n");
    expect(said).toMatch(/sample [2-4]: (describeCluster|connect to Kafka)/);
  });
});
