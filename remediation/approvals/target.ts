/**
 * Where an investigation's actions go, as stored with it at the gate: a descriptor without any
 * secret (a recorded incident, or the live connection's flags and the settings file's path), from
 * which any process rebuilds the write ports, taking the secrets from its own environment at
 * resume time.
 */
import { isAbsolute, resolve } from "node:path";
import type { Incident } from "../../contract/incident.ts";
import type { Settings } from "../../config/settings.ts";
import type { Ports } from "../../ports/ports.ts";
import type { WritePorts } from "../../ports/write/ports.ts";
import { replayPorts } from "../../ports/replay/replay-ports.ts";
import { simulationPorts } from "./simulation.ts";
import { ClusterUnreachableError } from "../../errors.ts";

export type TargetDescriptor =
  /** A replay: actions act on an in-memory cluster seeded from the incident (a simulation). */
  | { kind: "replay"; incident: Incident }
  /**
   * A live cluster: the flags as given (they win over the environment and the file at resume
   * too), the settings file by absolute path. Never a password, token or key: those come from the
   * resuming process's environment or file.
   */
  | { kind: "live"; bootstrap: string[]; schemaRegistry?: string; config?: string };

/** The descriptor of a live investigation, from the settings it ran with and the file it read. */
export function liveDescriptor(settings: Settings, configFile: string | undefined): TargetDescriptor {
  if (!settings.kafka) throw new Error("a live target needs kafka.bootstrap");
  const registry = settings.schemaRegistry?.url;
  return {
    kind: "live",
    bootstrap: [...settings.kafka.bootstrap],
    ...(registry && { schemaRegistry: withoutUserInfo(registry) }),
    ...(configFile && { config: isAbsolute(configFile) ? configFile : resolve(configFile) }),
  };
}

/** A URL's user:password part is dropped: at resume, the credentials come from the environment. */
function withoutUserInfo(url: string): string {
  const u = new URL(url);
  u.username = "";
  u.password = "";
  return u.toString().replace(/\/$/, url.endsWith("/") ? "/" : "");
}

export interface OpenTarget {
  write: WritePorts;
  /** Read ports for the rebuilt graph (the nodes before the gate never run again). */
  ports: Ports;
  /** The settings a live target was opened with (secrets included: never print them). */
  settings?: Settings;
  /** "live cluster ..." or "simulation on recorded incident ...". */
  describe: string;
  /** True for a replay's in-memory cluster: its changes are visible at once, so nothing waits to settle. */
  simulation: boolean;
  /** Resolves once the target answers a read (a live cluster's metadata); throws ClusterUnreachableError otherwise. */
  probe(): Promise<void>;
  close(): Promise<void>;
}

export async function openTarget(target: TargetDescriptor, env: Record<string, string | undefined>): Promise<OpenTarget> {
  if (target.kind === "replay") {
    const write = simulationPorts(target.incident);
    return { write, ports: replayPorts(target.incident), describe: write.describe(), simulation: true, probe: async () => {}, close: async () => {} };
  }
  const [{ loadSettings }, { liveWritePorts }] = await Promise.all([import("../../config/load.ts"), import("../../ports/write/live/index.ts")]);
  const settings = loadSettings(
    { bootstrap: target.bootstrap.join(","), ...(target.schemaRegistry && { schemaRegistry: target.schemaRegistry }), ...(target.config && { config: target.config }) },
    env,
  );
  const write = liveWritePorts(settings);
  const probe = async () => {
    try {
      await write.topics.describeTopic("__consumer_offsets");
    } catch (error) {
      const reason = write.describe() + ": " + (error instanceof Error ? error.message : String(error));
      throw new ClusterUnreachableError(target.bootstrap.join(","), reason, { cause: error });
    }
  };
  return { write, ports: notReadAfterTheGate(), settings, describe: write.describe(), simulation: false, probe, close: async () => write.close?.() };
}

/** Read ports that fail if read: a resumed graph continues after the gate and reads nothing. */
function notReadAfterTheGate(): Ports {
  return new Proxy({} as Ports, {
    get(_target, key) {
      if (key === "then" || typeof key === "symbol") return undefined;
      // `faults` is optional on Ports: absent, as a port without faults of its own.
      if (key === "faults") return undefined;
      return new Proxy(
        {},
        {
          get(_t, method) {
            if (method === "then" || typeof method === "symbol") return undefined;
            return async () => {
              throw new Error(`a resumed investigation read ${String(key)}.${String(method)}: the nodes before the gate must not run again`);
            };
          },
        },
      );
    },
  });
}
