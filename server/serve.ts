/**
 * Starts the HTTP API from validated settings: the state store, the live cluster when one is
 * configured, the investigation service, the Fastify app, listening; and the shutdown that
 * lets running investigations finish. `kafka-ops serve`, the tests and bench/serve.ts start it
 * here, so all three run the same server.
 */
import type { AddressInfo } from "node:net";
import type { Settings } from "../config/settings.ts";
import { secretsOf } from "../config/settings.ts";
import { loadedSecrets, redactor } from "../config/secret.ts";
import { SERVER_DEFAULTS } from "../config/server-settings.ts";
import { BadInputError, KafkaOpsError } from "../errors.ts";
import { buildApp } from "./app.ts";
import { tokenCheck } from "./auth.ts";
import { hostGuard, isLoopback } from "./loopback.ts";

export { isLoopback } from "./loopback.ts";
import { HttpError } from "./http-errors.ts";
import { InvestigationService } from "./investigations.ts";
import { liveCluster, type LiveCluster } from "./live-cluster.ts";
import { serverMetrics } from "./metrics.ts";

export interface StartOptions {
  settings: Settings;
  env: Record<string, string | undefined>;
  /** The settings file the settings came from (stored with live investigations at the gate). */
  configFile?: string | undefined;
  host: string;
  /** 0: any free port (the answer's `url` says which). */
  port: number;
  /** Listen on a non-loopback host without tokens. */
  insecure?: boolean;
  /** Lines about failures (stderr for `serve`). */
  log?: (line: string) => void;
  /** Replaces the live cluster of the settings (tests: replayed ports); null: none. */
  live?: LiveCluster | null;
  version?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  service: InvestigationService;
  /** Stops accepting work, lets running investigations finish within the deadline, closes everything. True when they all finished. */
  shutdown(deadlineMs?: number): Promise<boolean>;
}


/** How long a readiness answer about the live cluster is reused: a probe per scrape would load the brokers. */
const PROBE_TTL_MS = 5_000;

export async function startServer(o: StartOptions): Promise<RunningServer> {
  const { settings, env } = o;
  const server = settings.server;
  const tokens = tokenCheck(server?.tokens ?? []);
  if (!tokens.enabled && !isLoopback(o.host) && !o.insecure) {
    throw new BadInputError("serve", "--host", `${o.host} is not a loopback address and no server.tokens are configured: anyone who reaches it could start investigations and approve actions (configure server.tokens, or pass --insecure)`);
  }
  const log = o.log ?? (() => {});
  const secrets = [...new Set([...secretsOf(settings), ...loadedSecrets()])];
  const redact = redactor(secrets);
  const [{ openState }, { resolvePolicy }, { thresholdsFrom }] = await Promise.all([
    import("../state/open.ts"),
    import("../remediation/policy.ts"),
    import("../config/thresholds/overrides.ts"),
  ]);
  const policy = resolvePolicy({ settings: settings.policy, env });
  const state = await openState(settings.state);
  const live = o.live === undefined ? liveCluster(settings, o.configFile, env) : (o.live ?? undefined);
  const metrics = serverMetrics();
  const service = new InvestigationService({
    settings,
    env,
    configFile: o.configFile,
    state,
    live,
    metrics,
    secrets,
    policy,
    thresholds: thresholdsFrom(settings.thresholds),
    log,
  });

  let probed: { at: number; result: Promise<string> } | undefined;
  const probeLive = (cluster: LiveCluster) => {
    if (!probed || performance.now() - probed.at > PROBE_TTL_MS) {
      const result = cluster.probe().then(
        () => "ok",
        (error: unknown) => `not answering: ${error instanceof Error ? error.message : String(error)}`,
      );
      probed = { at: performance.now(), result };
    }
    return probed.result;
  };
  const ready = async () => {
    if (service.closing) throw new HttpError(503, "not ready: shutting down");
    const checks: Record<string, string> = {};
    try {
      await state.investigations.get("readyz");
      checks.state = "ok";
    } catch (error) {
      checks.state = `not answering: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (live) checks.kafka = await probeLive(live);
    const failing = Object.entries(checks).filter(([, v]) => v !== "ok");
    if (failing.length) throw new HttpError(503, `not ready: ${failing.map(([k, v]) => `${k} ${v}`).join("; ")}`);
    return checks;
  };

  const bodyLimit = server?.bodyLimit ?? SERVER_DEFAULTS.bodyLimit;
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp({
      service,
      tokens,
      acceptsHost: hostGuard(o.host),
      bodyLimit,
      redact,
      metrics,
      ready,
      defaultMode: server?.mode ?? "propose",
      cluster: server?.cluster,
      version: o.version ?? "0.0.0",
      log: (line) => log(redact(line)),
    });
    await app.fastify.listen({ host: o.host, port: o.port });
  } catch (error) {
    await Promise.allSettled([state.close(), live?.close()]);
    const code = (error as { code?: string }).code;
    if (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL" || code === "ENOTFOUND") {
      throw new KafkaOpsError("BAD_INPUT", `serve: cannot listen on ${o.host}:${o.port}: ${(error as Error).message}`, { cause: error });
    }
    throw error;
  }
  const port = (app.fastify.server.address() as AddressInfo).port;
  const host = o.host.includes(":") && !o.host.startsWith("[") ? `[${o.host}]` : o.host;
  let closing: Promise<boolean> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    service,
    shutdown(deadlineMs = server?.shutdownDeadline ?? SERVER_DEFAULTS.shutdownDeadline) {
      closing ??= (async () => {
        const finished = await service.shutdown(deadlineMs);
        app.streams.closeAll();
        await app.fastify.close();
        await Promise.allSettled([live?.close(), state.close()]);
        return finished;
      })();
      return closing;
    },
  };
}
