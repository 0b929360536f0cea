/**
 * The live cluster the server investigates (settings `kafka`), when one is configured: a probe
 * for GET /readyz (the remediation target's metadata read, as `approvals approve` probes before
 * it claims) and a live session per investigation (its own sampling window, closed after).
 * A request may name other bootstrap servers only among kafka.bootstrap and
 * server.allowedBootstraps: the server never connects, with its credentials, where its operator
 * did not say.
 */
import type { Settings } from "../config/settings.ts";
import type { Ports } from "../ports/ports.ts";
import type { TargetDescriptor } from "../remediation/approvals/target.ts";
import { HttpError } from "./http-errors.ts";

export interface LiveRun {
  ports: Ports;
  /** Where the gate's actions go, for a resume in any process (no secret in it). */
  descriptor: TargetDescriptor;
  bootstrap: string[];
  close(): Promise<void>;
}

export interface LiveCluster {
  bootstrap: readonly string[];
  /** Resolves when the cluster's metadata answers; throws with why otherwise. */
  probe(): Promise<void>;
  /** A live session for one investigation; `signal` stops its sampling window early (shutdown). */
  open(bootstrap: readonly string[] | undefined, signal: AbortSignal): Promise<LiveRun>;
  close(): Promise<void>;
}

/** Checks a requested bootstrap list against what the operator allowed; undefined: the configured cluster. */
export function allowedBootstrap(settings: Settings, requested: readonly string[] | undefined): string[] {
  const configured = settings.kafka?.bootstrap ?? [];
  if (!requested) return [...configured];
  const allowed = new Set([...configured, ...(settings.server?.allowedBootstraps ?? [])]);
  const refused = requested.filter((h) => !allowed.has(h));
  if (refused.length) throw new HttpError(400, `live.bootstrap: ${refused.join(",")} not allowed by this server (kafka.bootstrap and server.allowedBootstraps list what it may connect to)`);
  return [...requested];
}

export function liveCluster(settings: Settings, configFile: string | undefined, env: Record<string, string | undefined>): LiveCluster | undefined {
  const kafka = settings.kafka;
  if (!kafka) return undefined;
  let target: Promise<import("../remediation/approvals/target.ts").OpenTarget> | undefined;
  const probeTarget = async () => {
    const { openTarget, liveDescriptor } = await import("../remediation/approvals/target.ts");
    return openTarget(liveDescriptor(settings, configFile), env);
  };
  return {
    bootstrap: kafka.bootstrap,
    async probe() {
      target ??= probeTarget();
      await (await target).probe();
    },
    async open(requested, signal) {
      const bootstrap = allowedBootstrap(settings, requested);
      const used: Settings = { ...settings, kafka: { ...kafka, bootstrap } };
      const [{ openLive }, { liveDescriptor }] = await Promise.all([import("../ports/live/live-ports.ts"), import("../remediation/approvals/target.ts")]);
      // The client's own log lines are dropped: a server has no terminal to print them on, and
      // what failed reaches the report as missing evidence.
      const session = openLive(used, { signal, log: () => {} });
      return { ports: session.ports, descriptor: liveDescriptor(used, configFile), bootstrap, close: () => session.close() };
    },
    async close() {
      if (target) await (await target.catch(() => undefined))?.close();
    },
  };
}
