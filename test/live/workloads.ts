/**
 * Real workloads that put a Kafka cluster into each incident pattern. Each returns once the
 * pattern is established (observed through the admin API or client events), and registers
 * everything it started with `cleanup`.
 */
import { AssignerProtocol, type Admin, type Kafka } from "kafkajs";
import {
  type Cleanup,
  committedOffsets,
  createTopic,
  endOffsets,
  idempotentProducer,
  type RunningConsumer,
  startConsumer,
  steadyWriter,
  type SteadyWriter,
  waitFor,
} from "./helpers.ts";

const delay = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

function registerTopic(admin: Admin, cleanup: Cleanup, topic: string) {
  cleanup.add(`delete topic ${topic}`, () => admin.deleteTopics({ topics: [topic], timeout: 10_000 }));
}

function registerGroup(admin: Admin, cleanup: Cleanup, group: string) {
  // Runs after the consumers disconnected (cleanup is LIFO): an Empty group can be deleted.
  cleanup.add(`delete group ${group}`, () => admin.deleteGroups([group]));
}

function registerConsumer(cleanup: Cleanup, c: RunningConsumer) {
  cleanup.add("disconnect consumer", () => c.consumer.disconnect());
}

function registerWriter(cleanup: Cleanup, w: SteadyWriter, producer: { disconnect(): Promise<void> }) {
  cleanup.add("disconnect producer", () => producer.disconnect());
  cleanup.add("stop writer", () => w.stop());
}

async function describeGroup(admin: Admin, group: string) {
  const { groups } = await admin.describeGroups([group]);
  return groups[0]!;
}

export interface Ctx {
  kafka: Kafka;
  admin: Admin;
  cleanup: Cleanup;
  id: string;
}

/** 12 partitions written at ~200/s; 2 members that each process ~40/s (25 ms per record). */
export async function slowConsumer({ kafka, admin, cleanup, id }: Ctx) {
  const topic = `it-slow-${id}`;
  const group = `it-slow-g-${id}`;
  const partitions = Array.from({ length: 12 }, (_, i) => i);
  registerGroup(admin, cleanup, group);
  registerTopic(admin, cleanup, topic);
  await createTopic(admin, topic, 12);

  const producer = await idempotentProducer(kafka);
  const writer = steadyWriter(producer, topic, { ratePerSec: 200, partitions, maxDurationMs: 45_000 });
  registerWriter(cleanup, writer, producer);

  const members: RunningConsumer[] = [];
  for (let m = 0; m < 2; m++) {
    const c = await startConsumer(
      kafka,
      topic,
      // Small fetches per partition so every partition moves a little each round.
      { groupId: group, sessionTimeout: 10_000, heartbeatInterval: 500, maxBytesPerPartition: 1024, retry: { retries: 20 } },
      async () => {
        await delay(25); // the workload: processing slower than the producer writes
      },
    );
    registerConsumer(cleanup, c);
    members.push(c);
  }
  // Both members in a Stable group, and a commit on every partition.
  await waitFor("a Stable group with 2 members", () => describeGroup(admin, group), (g) => g.state === "Stable" && g.members.length === 2, { timeoutMs: 30_000 });
  await waitFor(
    "committed offsets on all 12 partitions",
    () => committedOffsets(admin, group, topic),
    (c) => partitions.every((p) => (c.get(p) ?? -1) > 0),
    { timeoutMs: 30_000 },
  );
  return { topic, group, writer, members };
}

/** 4 partitions written steadily; the one member fails on the record "POISON" in partition 2, forever. */
export async function poisonMessage({ kafka, admin, cleanup, id }: Ctx) {
  const topic = `it-poison-${id}`;
  const group = `it-poison-g-${id}`;
  const stuckPartition = 2;
  registerGroup(admin, cleanup, group);
  registerTopic(admin, cleanup, topic);
  await createTopic(admin, topic, 4);

  const producer = await idempotentProducer(kafka);
  cleanup.add("disconnect producer", () => producer.disconnect());
  await producer.send({ topic, messages: [0, 1, 2, 3].flatMap((partition) => Array.from({ length: 10 }, (_, i) => ({ partition, value: `ok-${partition}-${i}` }))) });
  const [meta] = await producer.send({ topic, messages: [{ partition: stuckPartition, key: "bad", value: "POISON" }] });
  const poisonOffset = meta!.baseOffset!;
  const writer = steadyWriter(producer, topic, { ratePerSec: 40, partitions: [0, 1, 2, 3], maxDurationMs: 45_000 });
  cleanup.add("stop writer", () => writer.stop());

  let failures = 0;
  const member = await startConsumer(
    kafka,
    topic,
    // The failing batch is retried in place (kafkajs refetches from the last resolved offset);
    // enough retries that the member never crashes out of the group during the test.
    { groupId: group, sessionTimeout: 10_000, heartbeatInterval: 500, retry: { retries: 1000, initialRetryTime: 200, maxRetryTime: 1000 } },
    async ({ message }) => {
      if (message.value?.toString() === "POISON") {
        failures++;
        throw new Error(`cannot process record ${message.offset}: POISON`);
      }
    },
  );
  registerConsumer(cleanup, member);

  await waitFor("a Stable group with 1 member", () => describeGroup(admin, group), (g) => g.state === "Stable" && g.members.length === 1, { timeoutMs: 30_000 });
  await waitFor(
    `partition ${stuckPartition} committed at the poison offset ${poisonOffset}, its siblings past their first records, the record failed twice`,
    () => committedOffsets(admin, group, topic),
    (c) => c.get(stuckPartition) === Number(poisonOffset) && [0, 1, 3].every((p) => (c.get(p) ?? -1) >= 10) && failures >= 2,
    { timeoutMs: 30_000 },
  );
  return { topic, group, stuckPartition, poisonOffset, writer, member, failures: () => failures };
}

/**
 * A group whose members are evicted again and again: four members block in the handler (no
 * heartbeat) longer than their 6 s session, one healthy member keeps the group from going Empty.
 */
export async function rebalanceStorm({ kafka, admin, cleanup, id }: Ctx) {
  const topic = `it-storm-${id}`;
  const group = `it-storm-g-${id}`;
  const partitions = [0, 1, 2, 3, 4, 5];
  registerGroup(admin, cleanup, group);
  registerTopic(admin, cleanup, topic);
  await createTopic(admin, topic, partitions.length);

  const producer = await idempotentProducer(kafka);
  const writer = steadyWriter(producer, topic, { ratePerSec: 60, partitions, maxDurationMs: 75_000 });
  registerWriter(cleanup, writer, producer);

  const config = { groupId: group, sessionTimeout: 6000, heartbeatInterval: 1000, rebalanceTimeout: 10_000, retry: { retries: 1000, initialRetryTime: 200, maxRetryTime: 1000 } };
  const healthy = await startConsumer(kafka, topic, config, async () => {});
  registerConsumer(cleanup, healthy);
  // Cleanup releases the blocked handlers first, so the members can leave without waiting them out.
  const release = new AbortController();
  // Started together, so they join in one rebalance instead of one (blocked) rebalance each.
  const slow = await Promise.all(
    [0, 1, 2, 3].map(async (m) => {
      const c = await startConsumer(
        kafka,
        topic,
        config,
        async () => {
          // The workload: one record outlasts the 6 s session, with no heartbeat in between. Staggered
          // so the evicted members rejoin at different points of the ~6 s rebalance cycle.
          await delay(6300 + 1500 * m, release.signal);
        },
        // Every assigned partition blocks at once, so a member finishes (and rejoins) in one handler time.
        { partitionsConsumedConcurrently: partitions.length },
      );
      registerConsumer(cleanup, c);
      return c;
    }),
  );
  cleanup.add("release blocked handlers", async () => release.abort());
  // The storm is on once a slow member was evicted and joined again (a second GROUP_JOIN).
  await waitFor("a slow member rejoining after eviction", () => Math.max(...slow.map((c) => c.joins())), (n) => n >= 2, { timeoutMs: 45_000, intervalMs: 250 });
  return { topic, group, writer, healthy, slow };
}

/** A group that read everything, committed, and left; the producer keeps writing. */
export async function consumerDown({ kafka, admin, cleanup, id }: Ctx) {
  const topic = `it-down-${id}`;
  const group = `it-down-g-${id}`;
  registerGroup(admin, cleanup, group);
  registerTopic(admin, cleanup, topic);
  await createTopic(admin, topic, 3);

  const producer = await idempotentProducer(kafka);
  cleanup.add("disconnect producer", () => producer.disconnect());
  await producer.send({ topic, messages: Array.from({ length: 30 }, (_, i) => ({ partition: i % 3, value: `v${i}` })) });

  const member = await startConsumer(kafka, topic, { groupId: group, heartbeatInterval: 500 }, async () => {});
  await waitFor("the group committed every record", () => committedOffsets(admin, group, topic), (c) => [0, 1, 2].every((p) => c.get(p) === 10), { timeoutMs: 30_000 });
  await member.consumer.disconnect();
  await waitFor("the group Empty after its only member left", () => describeGroup(admin, group), (g) => g.state === "Empty", { timeoutMs: 15_000 });

  const writer = steadyWriter(producer, topic, { ratePerSec: 30, partitions: [0, 1, 2], maxDurationMs: 45_000 });
  cleanup.add("stop writer", () => writer.stop());
  await waitFor("writes after the group left", () => endOffsets(admin, topic), (e) => [0, 1, 2].every((p) => (e.get(p) ?? 0) > 10));
  return { topic, group, writer };
}

/**
 * A hung member: two members on 4 partitions written steadily; one of them pauses every
 * partition it owns (it stays in the group and keeps heartbeating, like a consumer whose
 * processing thread is blocked) while the other keeps consuming. No failure anywhere.
 */
export async function hungMember({ kafka, admin, cleanup, id }: Ctx) {
  const topic = `it-hung-${id}`;
  const group = `it-hung-g-${id}`;
  const partitions = [0, 1, 2, 3];
  registerGroup(admin, cleanup, group);
  registerTopic(admin, cleanup, topic);
  await createTopic(admin, topic, partitions.length);

  const producer = await idempotentProducer(kafka);
  const writer = steadyWriter(producer, topic, { ratePerSec: 40, partitions, maxDurationMs: 60_000 });
  registerWriter(cleanup, writer, producer);
  const config = { groupId: group, heartbeatInterval: 500, sessionTimeout: 10_000 };
  const healthy = await startConsumer(kafka, topic, config, async () => {});
  registerConsumer(cleanup, healthy);
  const hung = await startConsumer(kafka, topic, config, async () => {});
  registerConsumer(cleanup, hung);
  const stable = await waitFor("a Stable group with 2 members, each owning partitions", () => describeGroup(admin, group), (g) => g.state === "Stable" && g.members.length === 2 && g.members.every((m) => m.memberAssignment.length > 0), { timeoutMs: 30_000 });
  await waitFor("every partition committed", () => committedOffsets(admin, group, topic), (c) => partitions.every((p) => (c.get(p) ?? -1) > 0), { timeoutMs: 30_000 });

  hung.consumer.pause([{ topic }]);
  const hungId = hung.memberId()!;
  const owned = assignmentOf(stable.members.find((m) => m.memberId === hungId)!.memberAssignment, topic);
  const frozenAt = await committedOffsets(admin, group, topic);
  // Paused: its committed offsets stay put while records pile up behind them (past the noise floor).
  await waitFor(
    "records waiting behind the paused member's partitions",
    () => endOffsets(admin, topic),
    (e) => owned.every((p) => (e.get(p) ?? 0) - (frozenAt.get(p) ?? 0) > 40),
    { timeoutMs: 30_000 },
  );
  return { topic, group, hungMember: hungId, owned, writer };
}

function assignmentOf(buffer: Buffer, topic: string): number[] {
  const decoded = AssignerProtocol.MemberAssignment.decode(buffer);
  return [...(decoded?.assignment[topic] ?? [])].sort((a, b) => a - b);
}

/** A topic with data and a caught-up Stable group; nobody writes during the window. */
export async function idleTopic({ kafka, admin, cleanup, id }: Ctx) {
  const topic = `it-idle-${id}`;
  const group = `it-idle-g-${id}`;
  registerGroup(admin, cleanup, group);
  registerTopic(admin, cleanup, topic);
  await createTopic(admin, topic, 3);
  const producer = await idempotentProducer(kafka);
  await producer.send({ topic, messages: Array.from({ length: 30 }, (_, i) => ({ partition: i % 3, value: `v${i}` })) });
  await producer.disconnect();

  const member = await startConsumer(kafka, topic, { groupId: group, heartbeatInterval: 500 }, async () => {});
  registerConsumer(cleanup, member);
  await waitFor("a Stable group with 1 member", () => describeGroup(admin, group), (g) => g.state === "Stable" && g.members.length === 1, { timeoutMs: 30_000 });
  await waitFor("committed == end on every partition", () => committedOffsets(admin, group, topic), (c) => [0, 1, 2].every((p) => c.get(p) === 10), { timeoutMs: 30_000 });
  return { topic, group };
}

/** 20 Kafka Connect dead letters for socket timeouts, each from a distinct source offset. */
export async function transientDlq({ kafka, admin, cleanup, id }: Ctx) {
  const source = `it-${id}`;
  const dlq = `it-${id}.DLQ`;
  registerTopic(admin, cleanup, dlq);
  registerTopic(admin, cleanup, source);
  await createTopic(admin, source, 1);
  await createTopic(admin, dlq, 1);
  const producer = await idempotentProducer(kafka);
  await producer.send({
    topic: dlq,
    messages: Array.from({ length: 20 }, (_, i) => ({
      key: `order-${i}`,
      value: JSON.stringify({ id: `order-${i}`, amount: 10 + i }),
      headers: {
        "__connect.errors.topic": source,
        "__connect.errors.partition": "0",
        "__connect.errors.offset": String(1000 + i),
        "__connect.errors.connector.name": "es-sink",
        "__connect.errors.task.id": "0",
        "__connect.errors.stage": "TASK_PUT",
        "__connect.errors.class.name": "org.apache.kafka.connect.sink.SinkTask",
        "__connect.errors.exception.class.name": "java.net.SocketTimeoutException",
        "__connect.errors.exception.message": "Read timed out",
        "__connect.errors.exception.stacktrace": "java.net.SocketTimeoutException: Read timed out\n\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)",
      },
    })),
  });
  await producer.disconnect();
  await waitFor("20 records in the DLQ", () => endOffsets(admin, dlq), (e) => e.get(0) === 20);
  return { source, dlq };
}

/** Subject with a v2 that breaks BACKWARD (a new field without default), compatibility BACKWARD. */
export async function incompatibleSchema(registryUrl: string, cleanup: Cleanup, id: string) {
  const subject = `it-${id}-value`;
  const headers = { "Content-Type": "application/vnd.schemaregistry.v1+json" };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${registryUrl}${path}`, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  };
  const field = `loyalty_tier_${id.replace(/[^a-z0-9]/g, "")}`;
  const v1 = { type: "record", name: "Order", namespace: "it", fields: [{ name: "id", type: "string" }, { name: "amount", type: "double" }] };
  const v2 = { ...v1, fields: [...v1.fields, { name: field, type: "string" }] };
  cleanup.add(`delete subject ${subject}`, async () => {
    await call("DELETE", `/subjects/${encodeURIComponent(subject)}`).catch(() => {});
    await call("DELETE", `/subjects/${encodeURIComponent(subject)}?permanent=true`);
  });
  await call("POST", `/subjects/${encodeURIComponent(subject)}/versions`, { schema: JSON.stringify(v1) });
  await call("PUT", `/config/${encodeURIComponent(subject)}`, { compatibility: "NONE" });
  await call("POST", `/subjects/${encodeURIComponent(subject)}/versions`, { schema: JSON.stringify(v2) });
  await call("PUT", `/config/${encodeURIComponent(subject)}`, { compatibility: "BACKWARD" });
  const versions = (await call("GET", `/subjects/${encodeURIComponent(subject)}/versions`)) as number[];
  if (versions.length !== 2) throw new Error(`expected 2 versions of ${subject}, got ${JSON.stringify(versions)}`);
  return { subject, field };
}
