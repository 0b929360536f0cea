/**
 * The one sampling loop of every live command (investigate, record, chat, lag): several
 * snapshots at an interval, so the windowed rules (stalled offsets, growing lag, churn) and lag
 * in time have something to judge. A broker that vanishes mid-window ends the window early;
 * what was read is kept. A cluster that cannot be reached at all is said so within one call
 * deadline (`unreachable`).
 */
import type { Kafka } from "kafkajs";
import type { Broker, Snapshot } from "../../contract/incident.ts";
import { openAdmin } from "./admin-client.ts";
import type { CallPolicy } from "./call.ts";
import type { GroupProtocolReader } from "./consumer-group-model.ts";
import { takeSnapshot, type OffsetMemory, type SnapshotResult } from "./cluster-sampler.ts";

export interface SampleWindow {
  snapshots: Snapshot[];
  /**
   * Per snapshot, the topics whose offsets could not be read: their start/end offsets there
   * are placeholders. Empty sets unless `keepIncomplete` was asked for (absent in a window
   * that read nothing).
   */
  unreadTopics?: ReadonlySet<string>[];
  /** Every broker seen in any sample (a broker that went away stays listed). */
  brokers: Broker[];
  clusterId: string | undefined;
  faults: string[];
  /** Why the first sample could not be read at all: the cluster could not be reached. */
  unreachable?: string;
}

export interface SamplingOptions {
  samples: number;
  intervalMs: number;
  /** Called after each snapshot (progress output, tests waiting for a sample). */
  onSample?: (index: number, snapshot: Snapshot) => void;
  signal?: AbortSignal;
  /**
   * Keep a sample some of whose topics' offsets could not be read, with those topics listed in
   * `unreadTopics` (`kafka-ops lag` shows them as unknown). By default such a sample is dropped:
   * its placeholder offsets would fake a flat log to the windowed rules.
   */
  keepIncomplete?: boolean;
  /**
   * Opens the reader of group types and consumer-protocol (KIP-848) groups, once per window
   * (closed at its end). Without it every group is read as classic, as kafkajs sees it.
   */
  groupReader?: () => GroupProtocolReader;
}

/**
 * Each snapshot uses a fresh admin client: kafkajs keeps asking for every topic an admin has
 * seen, so one topic deleted mid-window would otherwise fail every later metadata request.
 */
export async function sampleWindow(kafka: Kafka, policy: CallPolicy, options: SamplingOptions): Promise<SampleWindow> {
  const memory: OffsetMemory = new Map();
  const window: SampleWindow = { snapshots: [], unreadTopics: [], brokers: [], clusterId: undefined, faults: [] };
  const seen = new Map<number, Broker>();
  const reader = options.groupReader?.();
  try {
    await sampleInto(window, seen, kafka, policy, options, memory, reader);
  } finally {
    await reader?.close();
  }
  window.brokers = [...seen.values()].sort((a, b) => a.id - b.id);
  return window;
}

async function sampleInto(window: SampleWindow, seen: Map<number, Broker>, kafka: Kafka, policy: CallPolicy, options: SamplingOptions, memory: OffsetMemory, reader: GroupProtocolReader | undefined): Promise<void> {
  for (let i = 0; i < options.samples; i++) {
    if (i > 0) {
      const stopped = await pause(options.intervalMs, options.signal);
      if (stopped) break;
    }
    const result = await sampleOnce(kafka, policy, memory, reader);
    window.faults.push(...result.faults.map((f) => `sample ${i + 1}: ${f}`));
    if (result.unreachable !== undefined) {
      if (i === 0) window.unreachable = result.unreachable;
      break; // the cluster stopped answering: keep the window read so far
    }
    // Counted as a fault above; a partial sample would mislead the windowed rules.
    if (!result.complete && !options.keepIncomplete) continue;
    for (const b of result.brokers) seen.set(b.id, b);
    window.clusterId ??= result.clusterId;
    window.snapshots.push(result.snapshot!);
    window.unreadTopics!.push(options.keepIncomplete ? result.unreadTopics : new Set());
    options.onSample?.(i, result.snapshot!);
  }
}

/** One sample: a snapshot, or why the cluster could not be read at all (`unreachable`). */
export type OneSample = SnapshotResult & { unreachable?: string };

/**
 * One snapshot through a fresh admin client (see sampleWindow), keeping `memory` for the next
 * one. A loop that samples for ever (`kafka-ops watch`) calls this at its own cadence. `reader`:
 * as SamplingOptions.groupReader opens it (the caller keeps it open across samples and closes it).
 */
export async function sampleOnce(kafka: Kafka, policy: CallPolicy, memory: OffsetMemory, reader?: GroupProtocolReader): Promise<OneSample> {
  const client = openAdmin(kafka.admin(), policy);
  try {
    const connected = await client.connected;
    if (connected !== true) return { snapshot: undefined, brokers: [], clusterId: undefined, complete: false, unreadTopics: new Set(), faults: [`connect to Kafka: ${connected}`], unreachable: connected };
    const result = await takeSnapshot(client.admin, policy, memory, reader);
    if (!result.snapshot) return { ...result, unreachable: result.faults.join("; ") || "no answer" };
    return result;
  } finally {
    await client.close();
  }
}

/** Waits for the sampling interval; resolves true when aborted instead. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve(true)), { once: true });
  });
}
