/**
 * What every MCP tool, resource and prompt of one server shares: the validated settings, the
 * redactor of their secrets, the recorded incidents it serves, the reports of the
 * investigations it ran, and where a tool's reads come from (a recorded incident, or the
 * configured cluster). Loaded once at start-up; nothing deeper reads process.env.
 */
import { fileURLToPath } from "node:url";
import { isAbsolute, resolve } from "node:path";
import type { Incident } from "../contract/incident.ts";
import type { Report } from "../contract/report.ts";
import { secretsOf, type Settings } from "../config/settings.ts";
import { redactor, type Redact, type Secret } from "../config/secret.ts";
import type { Ports } from "../ports/ports.ts";
import { replayPorts } from "../ports/replay/replay-ports.ts";
import { incidentCatalog, type IncidentCatalog } from "./incidents.ts";
import { reportStore, type ReportStore } from "./reports.ts";
import { ToolFailure } from "./results.ts";

export const DEFAULT_INCIDENTS_DIR = fileURLToPath(new URL("../fixtures/incidents", import.meta.url));

export interface McpContextOptions {
  settings: Settings;
  env: Record<string, string | undefined>;
  /** The --config file the settings came from (a live approval's target names it, never a secret). */
  configFile?: string;
  /** Overrides settings `mcp.incidents` and the default fixtures folder. */
  incidentsDir?: string;
  /** Where a live tool's reads come from; absent: ports/live over the settings (tests pass a fake). */
  openLive?: (settings: Settings) => { ports: Ports; close(): Promise<void> };
}

export interface McpContext {
  settings: Settings;
  env: Record<string, string | undefined>;
  configFile: string | undefined;
  secrets: readonly Secret[];
  redact: Redact;
  incidents: IncidentCatalog;
  reports: ReportStore;
  /** Mutating (action) tools are listed and callable: settings `mcp.mutatingTools`. */
  mutating: boolean;
  /** True when a Kafka cluster is configured (kafka.bootstrap). */
  live: boolean;
  /** Runs `read` over a recorded incident's replay, or over a live session on the configured cluster. */
  withPorts<T>(incident: string | undefined, read: (ports: Ports, source: Source) => Promise<T>): Promise<T>;
}

export type Source = { kind: "replay"; incident: Incident } | { kind: "live"; bootstrap: string[] };

export function mcpContext(options: McpContextOptions): McpContext {
  const { settings, env } = options;
  const secrets = secretsOf(settings);
  const redact = redactor(secrets);
  const configured = options.incidentsDir ?? settings.mcp?.incidents;
  const dir = configured ? (isAbsolute(configured) ? configured : resolve(configured)) : DEFAULT_INCIDENTS_DIR;
  const incidents = incidentCatalog(dir, { optional: !configured });
  return {
    settings,
    env,
    configFile: options.configFile,
    secrets,
    redact,
    incidents,
    reports: reportStore(),
    mutating: settings.mcp?.mutatingTools === true,
    live: settings.kafka !== undefined,
    async withPorts(id, read) {
      if (id !== undefined) {
        const incident = incidents.get(id);
        return read(replayPorts(incident), { kind: "replay", incident });
      }
      if (!settings.kafka) throw new ToolFailure(NO_CLUSTER);
      const open = options.openLive ?? (await liveOpener(env));
      const session = open(settings);
      try {
        return await read(session.ports, { kind: "live", bootstrap: [...settings.kafka.bootstrap] });
      } finally {
        await session.close();
      }
    },
  };
}

export const NO_CLUSTER =
  "no Kafka cluster is configured (kafka-ops mcp --bootstrap HOSTS, KAFKA_BOOTSTRAP_SERVERS or kafka.bootstrap in --config): pass `incident` (a recorded incident id, listed as the resources kafka-ops://incidents/{id}) to read a recording instead";

/** ports/live loads kafkajs: only when a live read is asked for. */
async function liveOpener(env: Record<string, string | undefined>): Promise<(settings: Settings) => { ports: Ports; close(): Promise<void> }> {
  const [{ openLive }, { clientLogSink }] = await Promise.all([import("../ports/live/live-ports.ts"), import("../cli/client-log.ts")]);
  // The Kafka client's own lines, as the CLI treats them: on stderr (stdout may be the stdio transport), only with KAFKA_OPS_DEBUG=1.
  const log = clientLogSink((text) => void process.stderr.write(text), env);
  return (settings) => openLive(settings, { log });
}

export type { Report };
