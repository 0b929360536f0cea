/**
 * Helpers for the live scenarios: real kafkajs workloads against the shared test broker,
 * waits on real state (never fixed sleeps), and cleanup that always runs.
 */
import { randomBytes } from "node:crypto";
import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type ConsumerConfig, type EachMessagePayload, type Producer } from "kafkajs";
import { Settings, type SettingsInput } from "../../config/settings.ts";

export const uid = () => `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;

/** A kafkajs client for workloads (quiet: the workloads' own retries are expected noise). */
export function workloadKafka(bootstrap: string, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, connectionTimeout: 3000, requestTimeout: 10_000 });
}

export function liveSettings(input: { bootstrap: string; registryUrl?: string } & Partial<Pick<SettingsInput, "sampling" | "calls" | "clientConfigs">>): Settings {
  return Settings.parse({
    kafka: { bootstrap: [input.bootstrap] },
    ...(input.registryUrl && { schemaRegistry: { url: input.registryUrl } }),
    sampling: input.sampling ?? { samples: 4, interval: "2s" },
    calls: input.calls ?? { deadline: "5s" },
    ...(input.clientConfigs && { clientConfigs: input.clientConfigs }),
  });
}

/**
 * Re-checks real state until `predicate` holds; throws with the last observed value after
 * `timeoutMs`. The interval only spaces the checks, it never stands in for an event.
 */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T> | T,
  predicate: (value: T) => boolean,
  { timeoutMs = 20_000, intervalMs = 200 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (predicate(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}; last value ${JSON.stringify(last)}${lastError ? `; last error ${String(lastError)}` : ""}`,
  );
}

/** Committed offsets of a group on one topic, partition -> offset (-1 when none). */
export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Map<number, number>> {
  const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((t?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
}

export async function endOffsets(admin: Admin, topic: string): Promise<Map<number, number>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
}

export async function createTopic(admin: Admin, topic: string, numPartitions: number): Promise<void> {
  const created = await admin.createTopics({ topics: [{ topic, numPartitions, replicationFactor: 1 }], waitForLeaders: true });
  if (!created) throw new Error(`topic ${topic} already existed`);
  await waitFor(
    `leaders for all ${numPartitions} partitions of ${topic}`,
    () => admin.fetchTopicMetadata({ topics: [topic] }),
    (m) => m.topics[0]?.partitions.length === numPartitions && m.topics[0].partitions.every((p) => p.leader >= 0),
  );
}

export async function idempotentProducer(kafka: Kafka): Promise<Producer> {
  // Idempotent: kafkajs retries whole multi-partition batches on NOT_LEADER right after creation.
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  return producer;
}

export interface SteadyWriter {
  /** Records acknowledged so far. */
  readonly produced: number;
  /** Resolves when the loop ends (stop() or maxDurationMs), rejects on a send error. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Writes `ratePerSec` records per second, spread evenly over `partitions` (explicit partitions,
 * so no key skew), in ticks of 100 ms, until stopped or after `maxDurationMs` (bounded loop).
 */
export function steadyWriter(
  producer: Producer,
  topic: string,
  { ratePerSec, partitions, maxDurationMs = 60_000, value = (i: number) => JSON.stringify({ i, at: Date.now(), pad: "x".repeat(40) }) }:
    { ratePerSec: number; partitions: number[]; maxDurationMs?: number; value?: (i: number, partition: number) => string },
): SteadyWriter {
  const tickMs = 100;
  const perTick = Math.max(1, Math.round((ratePerSec * tickMs) / 1000));
  let running = true;
  let produced = 0;
  let next = 0;
  const started = Date.now();
  const done = (async () => {
    let tick = 0;
    while (running && Date.now() - started < maxDurationMs) {
      const messages = Array.from({ length: perTick }, () => {
        const i = next++;
        const partition = partitions[i % partitions.length]!;
        return { partition, key: `k${i}`, value: value(i, partition) };
      });
      await producer.send({ topic, messages });
      produced += messages.length;
      tick++;
      // Pace against the wall clock so a slow send does not lower the rate for good.
      const due = started + tick * tickMs;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  done.catch(() => {});
  return {
    get produced() {
      return produced;
    },
    done,
    async stop() {
      running = false;
      await done.catch(() => {});
    },
  };
}

/** Resolves once `n` GROUP_JOIN events were seen on these consumers (any member). */
export function joinedAll(consumers: Consumer[], timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const joined = new Set<Consumer>();
    const timer = setTimeout(() => reject(new Error(`only ${joined.size} of ${consumers.length} consumers joined within ${timeoutMs} ms`)), timeoutMs);
    for (const c of consumers) {
      c.on(c.events.GROUP_JOIN, () => {
        joined.add(c);
        if (joined.size === consumers.length) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
}

export interface RunningConsumer {
  consumer: Consumer;
  /** Member id from the latest GROUP_JOIN. */
  memberId: () => string | undefined;
  /** Number of GROUP_JOIN events seen. */
  joins: () => number;
}

/** Starts one group member running `eachMessage` on `topic` from the beginning. */
export async function startConsumer(
  kafka: Kafka,
  topic: string,
  config: ConsumerConfig,
  eachMessage: (payload: EachMessagePayload) => Promise<void>,
  run: { partitionsConsumedConcurrently?: number } = {},
): Promise<RunningConsumer> {
  const consumer = kafka.consumer(config);
  let memberId: string | undefined;
  let joins = 0;
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    memberId = e.payload.memberId;
    joins++;
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ eachMessage, ...run });
  return { consumer, memberId: () => memberId, joins: () => joins };
}

/** LIFO cleanup that runs every step and never throws (failures are reported). */
export class Cleanup {
  private readonly steps: { what: string; fn: () => Promise<unknown> }[] = [];
  add(what: string, fn: () => Promise<unknown>): void {
    this.steps.push({ what, fn });
  }
  async run(): Promise<string[]> {
    const failures: string[] = [];
    while (this.steps.length) {
      const { what, fn } = this.steps.pop()!;
      try {
        await withTimeout(fn(), 20_000, what);
      } catch (error) {
        failures.push(`${what}: ${String(error)}`);
      }
    }
    return failures;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)))]).finally(() => clearTimeout(timer));
}
