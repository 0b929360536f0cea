/**
 * The investigations the server runs and tracks: started from a request (a recorded incident,
 * a live target) or an Alertmanager alert, queued with bounded concurrency, run through the
 * library's investigate() with an event listener, kept in memory with their events (the newest
 * `server.retain` once finished), and decided at the approval gate through the same session
 * as `kafka-ops approvals` (remediation/approvals/session.ts): claimed exactly once in the state
 * store, resumed, recorded.
 */
import type { Alert, Incident } from "../contract/incident.ts";
import type { Report } from "../contract/report.ts";
import type { Settings } from "../config/settings.ts";
import { redactor, type Redact, type Secret } from "../config/secret.ts";
import type { Thresholds } from "../config/thresholds/index.ts";
import type { RemediationMode } from "../graph/remediation.ts";
import type { InvestigationEvent } from "../graph/events.ts";
import { investigate, investigatePorts, newInvestigationId, type InvestigateOptions, type RemediationOptions } from "../investigate.ts";
import type { Policy } from "../remediation/policy.ts";
import type { TargetDescriptor } from "../remediation/approvals/target.ts";
import type { DurableState } from "../state/open.ts";
import type { InvestigationRecord } from "../state/investigations.ts";
import { oneLine } from "../cli/render/text.ts";
import { EventLog } from "./event-log.ts";
import { HttpError, MAX_ERROR_LENGTH } from "./http-errors.ts";
import { allowedBootstrap, type LiveCluster } from "./live-cluster.ts";
import type { ServerMetrics } from "./metrics.ts";
import type { ApprovalRequest, InvestigationStatus, InvestigationView, Source, StreamEvent } from "./schemas.ts";
import { workQueue, type WorkQueue } from "./work-queue.ts";

export type Job =
  | { kind: "recorded"; incident: Incident }
  | { kind: "live"; bootstrap?: string[] | undefined; alert?: Alert | undefined; question?: string | undefined; title?: string };

export interface Investigation {
  id: string;
  status: InvestigationStatus;
  source: Source;
  mode: RemediationMode;
  title: string;
  incidentId?: string;
  fingerprint?: string;
  createdAt: string;
  updatedAt: string;
  report?: Report;
  error?: string;
  events: EventLog;
  /** An approval is being applied: a second one is refused at once. */
  deciding?: boolean;
  /** Only the state store knows it (another process runs it): its stream ends after the history. */
  replayOnly?: boolean;
}

export interface ServiceOptions {
  settings: Settings;
  env: Record<string, string | undefined>;
  /** The settings file, by path: stored with a live investigation at the gate, so a resume reads it again. */
  configFile?: string | undefined;
  state: DurableState;
  live: LiveCluster | undefined;
  metrics: ServerMetrics;
  secrets: readonly Secret[];
  policy: Policy;
  thresholds: Thresholds;
  now?: () => Date;
  log?: (line: string) => void;
}

const OPEN: ReadonlySet<InvestigationStatus> = new Set(["queued", "running", "awaiting_approval"]);
const RESTING: ReadonlySet<InvestigationStatus> = new Set(["awaiting_approval", "done", "failed"]);

export const isResting = (i: Pick<Investigation, "status" | "deciding">) => RESTING.has(i.status) && !i.deciding;

export class InvestigationService {
  readonly #o: ServiceOptions;
  readonly #entries = new Map<string, Investigation>();
  /** Ids of resting investigations, oldest first: the ones retention drops. */
  readonly #resting: string[] = [];
  /** Alertmanager fingerprint -> the id of its open investigation. */
  readonly #byFingerprint = new Map<string, string>();
  readonly #queue: WorkQueue;
  readonly #redact: Redact;
  readonly #abort = new AbortController();
  #closing = false;
  /** Moving average of a run's wall time, for Retry-After. */
  #avgRunMs = 1000;

  constructor(options: ServiceOptions) {
    this.#o = options;
    this.#redact = redactor(options.secrets);
    const server = options.settings.server;
    this.#queue = workQueue({
      concurrency: server?.concurrency ?? 2,
      depth: server?.queueDepth ?? 100,
      onChange: () => options.metrics.queue(this.#queue?.waiting ?? 0, this.#queue?.running ?? 0),
    });
  }

  get closing(): boolean {
    return this.#closing;
  }

  get queue(): { waiting: number; running: number } {
    return { waiting: this.#queue.waiting, running: this.#queue.running };
  }

  #now(): string {
    return (this.#o.now ?? (() => new Date()))().toISOString();
  }

  /** Queues an investigation; throws HttpError 429 (queue full, with Retry-After) or 503 (shutting down). */
  start(job: Job, mode: RemediationMode, source: Source, fingerprint?: string): Investigation {
    if (this.#closing) {
      this.#o.metrics.refused("shutting_down");
      throw new HttpError(503, "the server is shutting down: not starting investigations");
    }
    if (job.kind === "live" && !this.#o.live) throw new HttpError(400, "this server has no live cluster configured (kafka.bootstrap in its --config)");
    // A bootstrap the operator did not allow is the request's fault: 400 now, not a failed run later.
    if (job.kind === "live" && job.bootstrap) allowedBootstrap(this.#o.settings, job.bootstrap);
    const now = this.#now();
    const id = newInvestigationId();
    const entry: Investigation = {
      id,
      status: "queued",
      source,
      mode,
      title: job.kind === "recorded" ? job.incident.title : (job.title ?? liveTitle(job, this.#o.live!)),
      ...(job.kind === "recorded" && { incidentId: job.incident.id }),
      ...(fingerprint && { fingerprint }),
      createdAt: now,
      updatedAt: now,
      events: new EventLog(),
    };
    // Recorded before it is offered: a free run slot starts the job at once, within offer().
    this.#status(entry, "queued");
    this.#entries.set(id, entry);
    if (!this.#queue.offer(() => this.#run(entry, job))) {
      this.#entries.delete(id);
      this.#o.metrics.refused("queue_full");
      throw new HttpError(429, `too many investigations waiting (${this.#queue.waiting}, server.queueDepth); retry later`, { "retry-after": String(this.retryAfterSeconds()) });
    }
    if (fingerprint) this.#byFingerprint.set(fingerprint, id);
    return entry;
  }

  /** When the queue is likely to have room: the waiting work spread over the run slots, at least 1 s. */
  retryAfterSeconds(): number {
    const concurrency = this.#o.settings.server?.concurrency ?? 2;
    return Math.max(1, Math.ceil((this.#avgRunMs * (this.#queue.waiting + 1)) / concurrency / 1000));
  }

  get(id: string): Investigation | undefined {
    return this.#entries.get(id);
  }

  /** The open investigation an Alertmanager fingerprint already has, if any. */
  openFor(fingerprint: string): Investigation | undefined {
    const id = this.#byFingerprint.get(fingerprint);
    const entry = id ? this.#entries.get(id) : undefined;
    return entry && OPEN.has(entry.status) ? entry : undefined;
  }

  /** What GET /investigations/:id answers: the tracked investigation, else what the state store has (the gate). */
  async view(id: string): Promise<InvestigationView | undefined> {
    const entry = this.#entries.get(id);
    if (entry) return viewOf(entry);
    const record = await this.#o.state.investigations.get(id);
    return record ? storedView(record) : undefined;
  }

  async #run(entry: Investigation, job: Job): Promise<void> {
    if (this.#closing) {
      entry.error = "the server shut down before this investigation started";
      this.#status(entry, "failed");
      return this.#rest(entry);
    }
    const started = performance.now();
    this.#status(entry, "running");
    const onEvent = (event: InvestigationEvent) => {
      this.#o.metrics.event(event);
      entry.events.push(event);
    };
    let live: import("./live-cluster.ts").LiveRun | undefined;
    let gate: { remediation: RemediationOptions; close(): Promise<void> } | undefined;
    let begun = false;
    try {
      if (job.kind === "live") live = await this.#o.live!.open(job.bootstrap, this.#abort.signal);
      const descriptor: TargetDescriptor = job.kind === "recorded" ? { kind: "replay", incident: job.incident } : live!.descriptor;
      if (entry.mode !== "propose") {
        gate = await this.#openGate(entry, descriptor);
        begun = entry.mode === "approve" || entry.mode === "auto";
      }
      const common: InvestigateOptions = {
        secrets: this.#o.secrets,
        thresholds: this.#o.thresholds,
        onEvent,
        ...(this.#o.settings.server?.llm && this.#o.settings.llm && { llm: { settings: this.#o.settings.llm } }),
        ...(gate && { remediation: gate.remediation }),
      };
      const report =
        job.kind === "recorded"
          ? await investigate(job.incident, common)
          : await investigatePorts(live!.ports, { ...common, policy: this.#o.settings.policy, ...(job.alert && { alert: job.alert }), ...(job.question && { question: job.question }) });
      if (begun) await (await import("../remediation/approvals/session.ts")).endGated(this.#o.state, report, new Date());
      entry.incidentId = report.incidentId;
      this.#o.metrics.finished(report, entry.source, (performance.now() - started) / 1000);
      this.#reported(entry, report);
    } catch (error) {
      entry.error = oneLine(this.#redact(error instanceof Error ? error.message : String(error)), MAX_ERROR_LENGTH);
      this.#o.log?.(`investigation ${entry.id} failed: ${entry.error}`);
      this.#o.metrics.failed(entry.source);
      if (begun) await this.#o.state.investigations.finish(entry.id, `failed: ${entry.error}`, this.#now()).catch(() => {});
      this.#status(entry, "failed");
    } finally {
      await gate?.close().catch(() => {});
      await live?.close().catch(() => {});
      const ms = performance.now() - started;
      this.#avgRunMs = this.#avgRunMs * 0.8 + ms * 0.2;
    }
    this.#rest(entry);
  }

  /**
   * What the CLI's gated runs open (cli/gate.ts openGatedRun), over the server's one state store:
   * the write side of the target (a simulation for a recorded incident), the runner's
   * dependencies, and the store record made before the graph runs.
   */
  async #openGate(entry: Investigation, descriptor: TargetDescriptor): Promise<{ remediation: RemediationOptions; close(): Promise<void> }> {
    const [{ openTarget }, { remediationDeps, beginGated }] = await Promise.all([import("../remediation/approvals/target.ts"), import("../remediation/approvals/session.ts")]);
    const target = await openTarget(descriptor, this.#o.env);
    const deps = remediationDeps(target.write, this.#o.policy, { env: this.#o.env, settings: this.#o.settings, secrets: this.#o.secrets }, target);
    const gated = entry.mode === "approve" || entry.mode === "auto";
    try {
      if (gated) {
        const policy = this.#o.policy.source !== "default" ? this.#o.policy.source : undefined;
        await beginGated(this.#o.state, { id: entry.id, title: entry.title, mode: entry.mode as "approve" | "auto", target: descriptor, ...(policy && { policy }) }, new Date());
      }
    } catch (error) {
      await target.close();
      throw error;
    }
    return {
      remediation: { mode: entry.mode, deps, ...(gated && { checkpointer: this.#o.state.checkpointer, investigationId: entry.id }) },
      close: () => target.close(),
    };
  }

  /**
   * Approves or rejects what the gate holds, through decideAt (the claim makes it exactly once,
   * across processes sharing the store). Throws HttpError 404 (unknown), 409 (not at the gate,
   * already decided, being decided, an index the gate does not hold).
   */
  async decide(id: string, request: ApprovalRequest): Promise<InvestigationView> {
    const entry = this.#entries.get(id);
    const record = await this.#o.state.investigations.get(id);
    if (!record) {
      if (!entry) throw new HttpError(404, `no investigation ${JSON.stringify(id)}`);
      throw new HttpError(409, `investigation ${id} does not stop at the approval gate (mode ${entry.mode}; start it with ?mode=approve)`);
    }
    if (entry?.deciding) throw new HttpError(409, `investigation ${id}: a decision is being applied`);
    const [{ decideAt, ApprovalRefused }, { resolvePolicy }] = await Promise.all([import("../remediation/approvals/session.ts"), import("../remediation/policy.ts")]);
    const { settings, env } = this.#o;
    // Shown as running only while a claim can succeed; decideAt refuses the others, naming why.
    const before = entry?.status;
    const claimable = record.status === "awaiting" || record.status === "running";
    if (entry && claimable) {
      entry.deciding = true;
      this.#status(entry, "running");
    }
    try {
      const { report } = await decideAt(
        this.#o.state,
        id,
        { decision: request.decision === "approve" ? "approved" : "rejected", by: request.by, ...(request.only && { only: request.only }), ...(request.reason && { reason: request.reason }) },
        { env, settings, secrets: this.#o.secrets, policyFor: (r) => resolvePolicy({ file: r.policy, settings: settings.policy, env }) },
      );
      if (!entry) return { ...storedView({ ...record, status: "done", updatedAt: this.#now() }), report };
      entry.deciding = false;
      this.#reported(entry, report);
      this.#rest(entry);
      return viewOf(entry);
    } catch (error) {
      if (entry && claimable) {
        entry.deciding = false;
        // Refused: nothing was claimed, nothing ran; it is where it was.
        if (error instanceof ApprovalRefused) this.#status(entry, before!);
        else {
          entry.error = oneLine(this.#redact(error instanceof Error ? error.message : String(error)), MAX_ERROR_LENGTH);
          this.#status(entry, "failed");
        }
        this.#rest(entry);
      }
      if (error instanceof ApprovalRefused) throw new HttpError(409, this.#redact(error.message));
      throw error;
    }
  }

  #reported(entry: Investigation, report: Report): void {
    entry.report = report;
    entry.events.push({ type: "report", id: entry.id, report });
    this.#status(entry, report.remediation?.awaitingApproval?.length ? "awaiting_approval" : "done");
  }

  #status(entry: Investigation, status: InvestigationStatus): void {
    entry.status = status;
    entry.updatedAt = this.#now();
    const event: StreamEvent = { type: "investigation", id: entry.id, status, at: entry.updatedAt, ...(status === "failed" && entry.error && { error: entry.error }) };
    entry.events.push(event);
  }

  /** Come to rest (done, failed, at the gate): subscribers are told `end`; the oldest resting beyond `retain` are dropped. */
  #rest(entry: Investigation): void {
    entry.events.push({ type: "end", id: entry.id, status: entry.status });
    if (!OPEN.has(entry.status) && entry.fingerprint && this.#byFingerprint.get(entry.fingerprint) === entry.id) this.#byFingerprint.delete(entry.fingerprint);
    this.#resting.push(entry.id);
    const retain = this.#o.settings.server?.retain ?? 500;
    while (this.#resting.length > retain) {
      const oldest = this.#resting.shift()!;
      const e = this.#entries.get(oldest);
      // Listed again when it rested again (after an approval): only its last place counts.
      if (e && isResting(e) && !this.#resting.includes(oldest)) {
        this.#entries.delete(oldest);
        if (e.fingerprint && this.#byFingerprint.get(e.fingerprint) === oldest) this.#byFingerprint.delete(e.fingerprint);
      }
    }
  }

  /**
   * Shutdown: nothing new starts (queued ones fail at once, saying why), running ones may finish
   * until the deadline; live sampling windows are cut short. Investigations at the gate are
   * checkpointed already. Resolves true when everything running finished in time.
   */
  async shutdown(deadlineMs: number): Promise<boolean> {
    this.#closing = true;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), deadlineMs);
    });
    // A live window still sampling gives its report from what it has sampled so far.
    this.#abort.abort();
    try {
      return await Promise.race([this.#queue.drain().then(() => true as const), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function liveTitle(job: Extract<Job, { kind: "live" }>, live: LiveCluster): string {
  const labels = job.alert?.labels ?? {};
  const about = labels.group && labels.topic ? `group ${labels.group} on topic ${labels.topic}` : labels.group ? `group ${labels.group}` : labels.topic ? `topic ${labels.topic}` : "the cluster";
  return `live investigation of ${about} on ${(job.bootstrap ?? live.bootstrap).join(",")}`;
}

export function linksOf(id: string, status: InvestigationStatus): InvestigationView["links"] {
  const self = `/investigations/${encodeURIComponent(id)}`;
  return { self, events: `${self}/events`, ...(status === "awaiting_approval" && { approvals: `${self}/approvals` }) };
}

export function viewOf(e: Investigation): InvestigationView {
  const awaiting = e.status === "awaiting_approval" ? e.report?.remediation?.awaitingApproval : undefined;
  return {
    id: e.id,
    status: e.status,
    source: e.source,
    mode: e.mode,
    title: e.title,
    ...(e.incidentId && { incidentId: e.incidentId }),
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    ...(e.fingerprint && { fingerprint: e.fingerprint }),
    ...(awaiting?.length && { awaitingApproval: awaiting }),
    ...(e.error && { error: e.error }),
    ...(e.report && { report: e.report }),
    links: linksOf(e.id, e.status),
  };
}

const STORED_STATUS: Record<InvestigationRecord["status"], InvestigationStatus> = { running: "running", awaiting: "awaiting_approval", claimed: "running", done: "done" };

/** An investigation only the state store knows (started by another process, or before a restart). */
export function storedView(r: InvestigationRecord): InvestigationView {
  const status = STORED_STATUS[r.status];
  const target = r.target as { kind?: string } | undefined;
  return {
    id: r.id,
    status,
    source: target?.kind === "replay" ? "recorded" : "live",
    mode: r.mode,
    title: r.title,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    ...(status === "awaiting_approval" && r.awaiting.length && { awaitingApproval: r.awaiting }),
    links: linksOf(r.id, status),
  };
}
