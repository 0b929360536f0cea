/**
 * The sampling window of a live investigation: several snapshots at an interval, so the
 * windowed rules (stalled offsets, growing lag, churn) have something to judge. A broker that
 * vanishes mid-window ends the window early; what was read is kept.
 */
import type { Kafka } from "kafkajs";
import type { Broker, Snapshot } from "../../contract/incident.ts";
import { liveCall, type CallPolicy } from "./call.ts";
import { takeSnapshot, type OffsetMemory } from "./cluster-sampler.ts";

export interface SampleWindow {
  snapshots: Snapshot[];
  /** Every broker seen in any sample (a broker that went away stays listed). */
  brokers: Broker[];
  clusterId: string | undefined;
  faults: string[];
}

export interface SamplingOptions {
  samples: number;
  intervalMs: number;
  /** Called after each snapshot (progress output, tests waiting for a sample). */
  onSample?: (index: number, snapshot: Snapshot) => void;
  signal?: AbortSignal;
}

/**
 * Each snapshot uses a fresh admin client: kafkajs keeps asking for every topic an admin has
 * seen, so one topic deleted mid-window would otherwise fail every later metadata request.
 */
export async function sampleWindow(kafka: Kafka, policy: CallPolicy, options: SamplingOptions): Promise<SampleWindow> {
  const memory: OffsetMemory = new Map();
  const window: SampleWindow = { snapshots: [], brokers: [], clusterId: undefined, faults: [] };
  const seen = new Map<number, Broker>();
  for (let i = 0; i < options.samples; i++) {
    if (i > 0) {
      const stopped = await pause(options.intervalMs, options.signal);
      if (stopped) break;
    }
    const admin = kafka.admin();
    const connected = await liveCall("connect to Kafka", policy, () => admin.connect());
    if (connected.kind !== "ok") {
      window.faults.push(`sample ${i + 1}: ${connected.what}: ${connected.kind === "unavailable" ? connected.reason : "unavailable"}`);
      break; // the cluster stopped answering: keep the window read so far
    }
    const result = await takeSnapshot(admin, policy, memory).finally(() => admin.disconnect().catch(() => {}));
    window.faults.push(...result.faults.map((f) => `sample ${i + 1}: ${f}`));
    if (!result.snapshot) break;
    if (!result.complete) continue; // counted as a fault above; a partial sample would mislead the windowed rules
    for (const b of result.brokers) seen.set(b.id, b);
    window.clusterId ??= result.clusterId;
    window.snapshots.push(result.snapshot);
    options.onSample?.(i, result.snapshot);
  }
  window.brokers = [...seen.values()].sort((a, b) => a.id - b.id);
  return window;
}

/** Waits for the sampling interval; resolves true when aborted instead. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve(true)), { once: true });
  });
}
