// Shared helpers for the dev/test cluster tooling: cache paths, a lock-safe
// "download once" helper, and child-process management that leaves no orphans.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, renameSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (devtools/cluster/../..). */
export const repoRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Cache root, outside git (`.cache/` is git-ignored). Override with DEVTOOLS_CACHE_DIR. */
export function cacheRoot(): string {
  return process.env['DEVTOOLS_CACHE_DIR'] ? resolve(process.env['DEVTOOLS_CACHE_DIR']) : join(repoRoot, '.cache');
}

export function log(msg: string): void {
  if (process.env['DEVTOOLS_QUIET'] === '1') return;
  process.stderr.write(`[devtools] ${msg}\n`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Cross-process lock using an O_EXCL lock file holding the owner's pid.
 * A lock whose owner is dead is considered stale and taken over.
 */
export async function withLock<T>(lockFile: string, fn: () => Promise<T>, timeoutMs = 20 * 60_000): Promise<T> {
  mkdirSync(dirname(lockFile), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(readFileSync(lockFile, 'utf8').trim());
      } catch {
        /* vanished between open and read */
      }
      const ageMs = (() => {
        try {
          return Date.now() - statSync(lockFile).mtimeMs;
        } catch {
          return 0;
        }
      })();
      // Stale: owner gone, or unreadable pid for more than 10s (writer died mid-write).
      if ((Number.isFinite(owner) && owner > 0 && !pidAlive(owner)) || (!Number.isFinite(owner) && ageMs > 10_000)) {
        rmSync(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lockFile} (held by pid ${owner})`);
      if (!announced) {
        log(`waiting for lock ${lockFile} (held by pid ${owner})`);
        announced = true;
      }
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockFile, { force: true });
  }
}

/**
 * Idempotent, lock-safe install: if `<dir>/.complete` exists return at once; otherwise
 * build into `<dir>.tmp-<pid>` and rename into place, so a crash never leaves a half dir.
 */
export async function ensureDir(dir: string, build: (tmpDir: string) => Promise<void>): Promise<{ dir: string; downloaded: boolean }> {
  const marker = join(dir, '.complete');
  if (existsSync(marker)) return { dir, downloaded: false };
  return withLock(`${dir}.lock`, async () => {
    if (existsSync(marker)) return { dir, downloaded: false };
    rmSync(dir, { recursive: true, force: true });
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    try {
      await build(tmp);
      writeFileSync(join(tmp, '.complete'), new Date().toISOString() + '\n');
      renameSync(tmp, dir);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    return { dir, downloaded: true };
  });
}

/** Run a command to completion; throw with its output on failure. */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`${cmd} failed to start: ${r.error.message}`);
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-60).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}:\n${out}`);
  }
  return r.stdout ?? '';
}

export function requireJava(): void {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error('`java` (17+) is required on PATH to run the dev cluster');
}

export function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return `(no ${file})`;
  }
}

/** The first few ERROR/FATAL lines of a log (the cause is usually there, not in the shutdown noise at the end). */
export function firstErrors(file: string, max = 5): string {
  let lines: string[];
  try {
    lines = readFileSync(file, 'utf8').split('\n');
  } catch {
    return '';
  }
  const hits = lines.filter((l) => /\b(ERROR|FATAL)\b|Exception: /.test(l)).slice(0, max);
  return hits.length ? `--- first errors in ${file} ---\n${hits.join('\n')}\n` : '';
}

/** True when something accepts TCP connections on host:port. */
export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((res) => {
    const s = createConnection({ port, host });
    const done = (v: boolean): void => {
      s.destroy();
      res(v);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export interface Service {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Resolves when the process (group leader) has exited. */
  exited: Promise<number | null>;
  hasExited(): boolean;
  stop(): Promise<void>;
}

// Every started service, so a last-resort 'exit' hook can kill them synchronously.
const live = new Set<Service>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const s of live) {
      try {
        process.kill(-s.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

/**
 * Start a long-running command in its own process group, stdout+stderr appended to `outFile`.
 * The command runs under a small sh watchdog that kills it when this Node process dies, even
 * by SIGKILL, so services never outlive their owner. A pid file lets `cli stop` clean up too.
 */
export function startService(name: string, cmd: string, args: string[], opts: { cwd: string; outFile: string; pidFile: string; env?: NodeJS.ProcessEnv }): Service {
  installExitHook();
  mkdirSync(dirname(opts.outFile), { recursive: true });
  const out = openSync(opts.outFile, 'a');
  const watchdog = [
    '"$@" &',
    'J=$!',
    `trap 'kill -TERM $J 2>/dev/null; wait $J; exit $?' TERM INT HUP`,
    'while kill -0 $J 2>/dev/null; do',
    '  if ! kill -0 $DEVTOOLS_OWNER_PID 2>/dev/null; then',
    '    kill -TERM $J 2>/dev/null; i=0',
    '    while kill -0 $J 2>/dev/null && [ $i -lt 40 ]; do sleep 0.5; i=$((i+1)); done',
    '    kill -KILL $J 2>/dev/null; exit 1',
    '  fi',
    '  sleep 1 & wait $!',
    'done',
    'wait $J',
  ].join('\n');
  const child = spawn('sh', ['-c', watchdog, name, cmd, ...args], {
    cwd: opts.cwd,
    env: { ...(opts.env ?? process.env), DEVTOOLS_OWNER_PID: String(process.pid) },
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`failed to spawn ${name}`);
  const pid = child.pid;
  writeFileSync(opts.pidFile, `${pid}\n`);
  let done = false;
  const exited = new Promise<number | null>((res) => {
    child.once('exit', (code, signal) => {
      done = true;
      res(code ?? (signal ? 128 : null));
    });
  });
  let stopping: Promise<void> | undefined;
  const svc: Service = {
    name,
    pid,
    child,
    exited,
    hasExited: () => done,
    stop: () => {
      stopping ??= (async () => {
        if (!done) {
          try {
            process.kill(-pid, 'SIGTERM');
          } catch {
            /* gone */
          }
          const t = setTimeout(() => {
            try {
              process.kill(-pid, 'SIGKILL');
            } catch {
              /* gone */
            }
          }, 20_000);
          await exited;
          clearTimeout(t);
        }
        // The group may still hold stragglers if the leader died first.
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* none */
        }
        rmSync(opts.pidFile, { force: true });
        live.delete(svc);
      })();
      return stopping;
    },
  };
  live.add(svc);
  void exited.then(() => live.delete(svc));
  return svc;
}

/**
 * Kill a service left behind by an earlier run (pid file present, process group still alive,
 * and its command line mentions `marker`). Returns true when something was killed.
 */
export async function killStale(pidFile: string, marker: string): Promise<boolean> {
  if (!existsSync(pidFile)) return false;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1 || !pidAlive(pid)) return false;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return false;
  }
  if (!cmdline.includes(marker)) return false;
  log(`stopping stale process group ${pid} (${marker})`);
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return false;
  }
  const deadline = Date.now() + 20_000;
  while (pidAlive(pid) && Date.now() < deadline) await sleep(200);
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  return true;
}

/** Poll `probe` until it returns true; fail early if `svc` exits, or at the deadline. */
export async function waitUntilReady(opts: {
  what: string;
  svc: Service;
  probe: () => Promise<boolean>;
  timeoutMs: number;
  logFiles: string[];
}): Promise<number> {
  const start = Date.now();
  const deadline = start + opts.timeoutMs;
  const diag = (): string => opts.logFiles.map((f) => `${firstErrors(f)}--- last 40 lines of ${f} ---\n${tail(f, 40)}`).join('\n');
  while (Date.now() < deadline) {
    if (opts.svc.hasExited()) {
      throw new Error(`${opts.what} exited during startup (code ${await opts.svc.exited}).\n${diag()}`);
    }
    let ok = false;
    try {
      ok = await opts.probe();
    } catch {
      ok = false;
    }
    if (ok) return Date.now() - start;
    await Promise.race([sleep(500), opts.svc.exited]);
  }
  await opts.svc.stop();
  throw new Error(`${opts.what} not ready after ${opts.timeoutMs / 1000}s.\n${diag()}`);
}
