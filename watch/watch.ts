/**
 * `kafka-ops watch`'s loop: sample the cluster at an interval into a rolling window, run the
 * detectors over it, step each entity's state machine, open an investigation for an entity that
 * turned unhealthy (or whose diagnosis changed), note the ones that cleared, and keep the window
 * and the states in the durable store so a restart carries on where the last run stopped.
 *
 * Everything it touches is injected (sampler, clock, store, sinks, investigator, observer), so a
 * unit test drives ticks by hand through a simulated cluster and ten minutes of simulated time.
 */
import type { ClusterFlavor } from "../contract/vocabulary.ts";
import { randomBytes } from "node:crypto";
import type { Finding } from "../agents/finding.ts";
import type { Thresholds } from "../config/thresholds/index.ts";
import type { DiagnosisCode } from "../contract/vocabulary.ts";
import type { MetricsPort, Ports } from "../ports/ports.ts";
import { replayPorts } from "../ports/replay/replay-ports.ts";
import type { Clock } from "./clock.ts";
import { step, type EntityState, type Transition } from "./debounce.ts";
import { detect, type Detection, type Entity } from "./detect.ts";
import { alertFor, investigationId, type Investigator } from "./investigation.ts";
import type { SampleOutcome, Sampler } from "./sampler.ts";
import type { FanOut } from "./sinks/sink.ts";
import { SAVED_FORMAT, type SavedEntity, type WatchStateStore } from "./state-store.ts";
import { RollingWindow } from "./window.ts";

/** What the loop tells as it goes (the metrics exporter listens); every method optional. */
export interface WatchObserver {
  sampled(outcome: SampleOutcome["kind"], seconds: number): void;
  judged(window: RollingWindow, detection: Detection): void;
  opened(entity: Entity, code: DiagnosisCode, reason: "raised" | "changed" | "restarted"): void;
  cleared(entity: Entity, code: DiagnosisCode): void;
  investigationFailed(entity: Entity): void;
  sinkFailed(sink: string): void;
  /** The entities with an open investigation, after every sample. */
  open(entities: readonly { entity: Entity; code: DiagnosisCode }[]): void;
}

export interface WatchOptions {
  sampler: Sampler;
  clock: Clock;
  intervalMs: number;
  /** Samples the rolling window holds. */
  windowSize: number;
  thresholds: Thresholds;
  store: WatchStateStore;
  sinks: FanOut;
  investigate: Investigator;
  /** Broker metrics read live at every sample (Prometheus): the detectors' saturation rule. */
  brokerMetrics?: MetricsPort["brokerMetrics"];
  /** Consumer settings known per group (settings `clientConfigs`): the detectors' rebalance rule reads them. */
  clientConfigs?: Record<string, Record<string, string>>;
  /** The platform (config/flavors.ts): what the investigations' plans may propose there. */
  flavor?: ClusterFlavor;
  observer?: Partial<WatchObserver>;
  /** One line per event (stderr in the CLI). */
  log?: (line: string) => void;
  /** The report page of an investigation id, when a server URL is configured. */
  reportLink?: (id: string) => string | undefined;
  /** Entities the watch pages for (default all). The metrics cover every group whatever this says. */
  include?: (entity: Entity) => boolean;
  /** Investigations that run at once (default 2); the others wait their turn. */
  concurrency?: number;
  /** The random tail of investigation ids (tests pin it). */
  random?: () => string;
}

type Tracked = SavedEntity;

export type TickResult =
  | { kind: "ok"; transitions: { entity: Entity; transition: Transition; investigationId?: string }[] }
  | { kind: "incomplete" | "failed" };

export class Watch {
  readonly window: RollingWindow;
  private readonly entities = new Map<string, Tracked>();
  private readonly queue: (() => Promise<void>)[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private running = 0;
  private latestFaults: string[] = [];
  private loggedFaults = "";
  private failing: string | undefined;
  private saving: Promise<void> = Promise.resolve();
  /** Investigations the last process opened and never delivered: run again after the first sample. */
  private rerunAfterRestart = new Set<string>();

  private readonly o: WatchOptions;

  constructor(options: WatchOptions) {
    this.o = options;
    this.window = new RollingWindow(options.windowSize);
  }

  /**
   * Takes back the window and the entity states a previous run saved. Samples older than the
   * window's span are dropped; an entity whose investigation never reached the sinks (the
   * process died during it) is investigated again after the next sample.
   */
  async restore(): Promise<{ samples: number; entities: number }> {
    const saved = await this.o.store.load();
    if (!saved) return { samples: 0, entities: 0 };
    this.window.restore(saved.window, this.o.clock.now(), this.o.windowSize * this.o.intervalMs);
    for (const e of saved.entities) this.entities.set(e.entity.key, e);
    this.rerunAfterRestart = new Set(saved.entities.flatMap((e) => (e.state.phase === "open" && !e.state.reported ? [e.state.investigationId] : [])));
    return { samples: this.window.snapshots.length, entities: saved.entities.length };
  }

  /** One sample, judged. Investigations it opens run on; `settled()` waits for them. */
  async tick(): Promise<TickResult> {
    const started = performance.now();
    const outcome = await this.o.sampler.sample();
    this.o.observer?.sampled?.(outcome.kind, (performance.now() - started) / 1000);
    if (outcome.kind === "failed") {
      // Said when it starts failing or fails another way, not at every sample of an outage.
      if (outcome.reason !== this.failing) this.log(`sample failed: ${outcome.reason}`);
      this.failing = outcome.reason;
      return { kind: "failed" };
    }
    if (this.failing !== undefined) this.log("the cluster answers again");
    this.failing = undefined;
    this.logFaults(outcome.faults);
    if (outcome.kind === "incomplete") return { kind: "incomplete" };
    this.window.push(outcome.sample);
    this.latestFaults = outcome.faults;
    const detection = await detect(this.detectionPorts(), this.o.thresholds);
    this.o.observer?.judged?.(this.window, detection);
    const transitions = this.advance(detection);
    if (this.rerunAfterRestart.size) this.rerunUnreported();
    this.o.observer?.open?.(this.openEntities());
    await this.persist();
    return { kind: "ok", transitions };
  }

  /** Samples every interval until `signal` aborts, then waits for the investigations in flight. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const started = this.o.clock.now();
      try {
        await this.tick();
      } catch (error) {
        // A bug in a detector must not end the watch: said, and the next sample tried.
        this.log(`sample could not be judged: ${(error as Error).message}`);
      }
      await this.o.clock.sleep(Math.max(0, this.o.intervalMs - (this.o.clock.now() - started)), signal);
    }
    await this.settled();
    await this.persist();
  }

  /** Resolves once every investigation started or queued so far has been delivered. */
  async settled(): Promise<void> {
    while (this.inFlight.size || this.queue.length) await Promise.allSettled([...this.inFlight]);
  }

  /** Entities with an open investigation, by key. */
  openEntities(): { entity: Entity; code: DiagnosisCode; investigationId: string }[] {
    return [...this.entities.values()].flatMap((e) => (e.state.phase === "open" ? [{ entity: e.entity, code: e.state.code, investigationId: e.state.investigationId }] : []));
  }

  private detectionPorts(): Ports {
    const ports = replayPorts(this.window.incident(this.o.clientConfigs, this.o.flavor));
    return this.o.brokerMetrics ? { ...ports, metrics: { ...ports.metrics, brokerMetrics: this.o.brokerMetrics } } : ports;
  }

  private advance(detection: Detection) {
    const out: { entity: Entity; transition: Transition; investigationId?: string }[] = [];
    const keys = new Set([...[...detection.unhealthy.values()].filter((r) => this.o.include?.(r) ?? true).map((r) => r.key), ...this.entities.keys()]);
    for (const key of [...keys].sort()) {
      const reading = detection.unhealthy.get(key);
      const tracked = this.entities.get(key);
      const entity = reading ?? tracked!.entity;
      const th = this.o.thresholds.for(entity.scope);
      const next = step(tracked?.state, reading?.finding.code ?? null, th);
      if (!next.state) this.entities.delete(key);
      else this.entities.set(key, { entity: { key: entity.key, kind: entity.kind, name: entity.name, scope: entity.scope }, state: next.state, finding: reading?.finding ?? tracked!.finding });
      const t = next.transition;
      if (!t) continue;
      if (t.kind === "open") {
        const id = this.open(key, reading!.finding, t.reason);
        out.push({ entity, transition: t, investigationId: id });
      } else {
        this.o.observer?.cleared?.(entity, t.code);
        this.log(`${describe(entity)} cleared (was ${t.code}, ${t.investigationId})`);
        this.track(this.o.sinks.deliver({ kind: "cleared", key: t.investigationId, at: this.iso(), entity: { kind: entity.kind, name: entity.name }, code: t.code, investigationId: t.investigationId, summary: tracked!.finding.summary }).then((failed) => this.sinkFailures(failed)));
        out.push({ entity, transition: t });
      }
    }
    return out;
  }

  /** Records the open state's id and queues its investigation over the window as it is now. */
  private open(key: string, finding: Finding, reason: "raised" | "changed" | "restarted"): string {
    const tracked = this.entities.get(key)!;
    const now = this.o.clock.now();
    const state = tracked.state as Extract<EntityState, { phase: "open" }>;
    // A re-run keeps its id: whoever keys on it (the reports topic) sees one investigation.
    const id = reason === "restarted" && state.investigationId ? state.investigationId : investigationId(tracked.entity, now, this.o.random?.() ?? randomBytes(3).toString("hex"));
    Object.assign(state, { investigationId: id, openedAt: state.openedAt || new Date(now).toISOString(), reported: false });
    const { entity } = tracked;
    this.o.observer?.opened?.(entity, finding.code, reason);
    this.log(`${describe(entity)} ${reason === "changed" ? "changed to" : "is"} ${finding.code}: opening ${id}`);
    const request = { id, entity, finding, alert: alertFor(entity, finding, new Date(now).toISOString()), window: this.window.incident(this.o.clientConfigs, this.o.flavor), faults: [...this.latestFaults] };
    this.enqueue(async () => {
      try {
        const report = await this.o.investigate(request);
        const link = this.o.reportLink?.(id);
        const failed = await this.o.sinks.deliver({ kind: "report", key: id, at: this.iso(), report, entity: { kind: entity.kind, name: entity.name }, reason, ...(link && { link }) });
        this.sinkFailures(failed);
        this.log(`${id}: ${report.decision}, primary ${report.primary}`);
        const current = this.entities.get(key)?.state;
        if (current?.phase === "open" && current.investigationId === id) current.reported = true;
        await this.persist();
      } catch (error) {
        this.o.observer?.investigationFailed?.(entity);
        this.log(`${id} failed: ${(error as Error).message}`);
      }
    });
    return id;
  }

  /** Only those still open under the same id: one that cleared or changed on that sample has moved on. */
  private rerunUnreported(): void {
    const ids = this.rerunAfterRestart;
    this.rerunAfterRestart = new Set();
    for (const [key, t] of this.entities) {
      if (t.state.phase === "open" && !t.state.reported && ids.has(t.state.investigationId)) this.open(key, t.finding, "restarted");
    }
  }

  private enqueue(job: () => Promise<void>): void {
    this.queue.push(job);
    this.pump();
  }

  private pump(): void {
    const limit = Math.max(1, this.o.concurrency ?? 2);
    while (this.running < limit && this.queue.length) {
      const job = this.queue.shift()!;
      this.running++;
      this.track(job().finally(() => (this.running--, this.pump())));
    }
  }

  private track(p: Promise<unknown>): void {
    const tracked = p.then(() => {}, () => {});
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }

  private sinkFailures(failed: readonly string[]): void {
    for (const sink of failed) this.o.observer?.sinkFailed?.(sink);
  }

  /**
   * Saves one at a time, each what is current when its turn comes: a sample's save and an
   * investigation's could otherwise finish out of order (a pool of connections) and leave the
   * older state in the store.
   */
  private persist(): Promise<void> {
    this.saving = this.saving.then(async () => {
      try {
        await this.o.store.save({ format: SAVED_FORMAT, savedAt: this.iso(), window: this.window.save(), entities: [...this.entities.values()].map((e) => ({ ...e, state: { ...e.state } })) });
      } catch (error) {
        this.log(`state not saved (${this.o.store.describe}): ${(error as Error).message}`);
      }
    });
    return this.saving;
  }

  /** A sampling fault is said when the set of faults changes, not at every sample. */
  private logFaults(faults: readonly string[]): void {
    const key = faults.join("\n");
    if (key === this.loggedFaults) return;
    this.loggedFaults = key;
    for (const f of faults) this.log(`warning: ${f}`);
  }

  private log(line: string): void {
    this.o.log?.(line);
  }

  private iso(): string {
    return new Date(this.o.clock.now()).toISOString();
  }
}

const describe = (e: Entity) => (e.kind === "cluster" ? "the cluster" : `${e.kind} ${e.name}`);
