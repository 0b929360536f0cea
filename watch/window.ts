/**
 * The watch's rolling window: the last `size` complete samples of the whole cluster, oldest
 * first, with the brokers seen in them. It is what the detectors and the investigations read
 * (through the replay adapter: a window is a recording that keeps moving), and what the state
 * store keeps so that a restart picks up where the last process was instead of going blind for
 * a window's length.
 */
import type { ClusterFlavor } from "../contract/vocabulary.ts";
import type { Broker, Incident, Snapshot } from "../contract/incident.ts";

export interface WindowState {
  clusterId: string | undefined;
  /** Oldest first. */
  snapshots: Snapshot[];
  /** The brokers seen in the samples held, with the time each was last seen. */
  brokers: { broker: Broker; lastSeen: string }[];
}

export interface Sample {
  snapshot: Snapshot;
  brokers: readonly Broker[];
  clusterId: string | undefined;
}

export class RollingWindow {
  private state: WindowState = { clusterId: undefined, snapshots: [], brokers: [] };

  readonly size: number;

  constructor(size: number) {
    this.size = size;
    if (!Number.isInteger(size) || size < 1) throw new Error(`window size must be a whole number of samples, got ${size}`);
  }

  get snapshots(): readonly Snapshot[] {
    return this.state.snapshots;
  }

  get clusterId(): string | undefined {
    return this.state.clusterId;
  }

  get brokers(): Broker[] {
    return this.state.brokers.map((b) => b.broker).sort((a, b) => a.id - b.id);
  }

  /**
   * Adds a sample, dropping the oldest beyond the size. A sample from another cluster (its id
   * differs: the address now points elsewhere) starts the window afresh: the two histories are
   * not one series.
   */
  push(sample: Sample): void {
    const { clusterId } = this.state;
    if (clusterId !== undefined && sample.clusterId !== undefined && clusterId !== sample.clusterId) this.clear();
    this.state.clusterId = sample.clusterId ?? this.state.clusterId;
    const last = this.state.snapshots.at(-1);
    // Snapshots stay in time order (the contract's rule): a clock that stepped back replaces the tail.
    if (last && Date.parse(sample.snapshot.at) <= Date.parse(last.at)) this.state.snapshots.pop();
    this.state.snapshots.push(sample.snapshot);
    while (this.state.snapshots.length > this.size) this.state.snapshots.shift();
    const seen = new Map(this.state.brokers.map((b) => [b.broker.id, b]));
    for (const broker of sample.brokers) seen.set(broker.id, { broker, lastSeen: sample.snapshot.at });
    // A broker is listed while a sample held saw it: one decommissioned leaves with its samples.
    const oldest = Date.parse(this.state.snapshots[0]!.at);
    this.state.brokers = [...seen.values()].filter((b) => Date.parse(b.lastSeen) >= oldest);
  }

  clear(): void {
    this.state = { clusterId: undefined, snapshots: [], brokers: [] };
  }

  /** What the state store keeps (the snapshots are never changed once in the window: shared, not copied). */
  save(): WindowState {
    return { clusterId: this.state.clusterId, snapshots: [...this.state.snapshots], brokers: [...this.state.brokers] };
  }

  /**
   * Takes back a saved window, without the samples older than `maxAgeMs` before `now`: after a
   * long outage they would stretch every rate and every stall over the time nobody watched.
   */
  restore(saved: WindowState, now: number, maxAgeMs: number): void {
    const fresh = saved.snapshots.filter((s) => now - Date.parse(s.at) <= maxAgeMs).slice(-this.size);
    this.state = { clusterId: saved.clusterId, snapshots: fresh, brokers: fresh.length ? saved.brokers.filter((b) => Date.parse(b.lastSeen) >= Date.parse(fresh[0]!.at)) : [] };
  }

  /**
   * The window as a recorded incident, for the replay adapter: the detectors and the
   * investigations read it through the same ports and tools as any recording.
   */
  incident(clientConfigs: Record<string, Record<string, string>> = {}, flavor: ClusterFlavor = "unknown"): Incident {
    if (!this.state.snapshots.length) throw new Error("the window holds no sample yet");
    return {
      format: "kafka-incident/v1",
      id: "watch-window",
      title: `watch window of ${this.state.clusterId ?? "the cluster"}`,
      cluster: { id: this.state.clusterId ?? "unknown", flavor },
      brokers: this.brokers,
      snapshots: [...this.state.snapshots],
      ...(Object.keys(clientConfigs).length && { clientConfigs }),
    };
  }
}
