// A throwaway N-broker KRaft cluster on 127.0.0.1, for tests that need replication and
// leadership for real (replicas on several brokers, racks, a broker going away and coming back,
// an empty broker joining) and for trying those by hand (`npm run dev:cluster -- --brokers 4`).
//
// Layout: one dedicated controller (node 100, the whole quorum, on `basePort`) and brokers
// 1..N (broker i on `basePort + i`), so ANY broker can be stopped while the cluster stays up.
// Brokers added later take the next id and port. Everything lives under
// .cache/run/cluster-<basePort>/ and is deleted by stop(). Never the shared dev broker's ports.
//
// Deliberate settings: automatic leader rebalancing is off (a leadership drift after a restart
// stays until someone elects, which is what the tests look at), topics are never auto-created,
// internal topics and the default replication factor are min(3, N).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { ensureKafka, kafkaVersion, log4j2Config, quietKafka, newClusterId, serverProperties } from './kafka.ts';
import { holdPort, portState } from './local-ports.ts';
import { cacheRoot, killStale, log, portOpen, requireJava, sleep, startService, waitUntilReady, type Service } from './util.ts';

/** The controller's node id: outside the broker ids, which count from 1. */
export const CONTROLLER_NODE_ID = 100;
/** Broker ids stay below this, so every port stays within basePort..basePort+99. */
const MAX_BROKER_ID = 99;
const RACK = /^[A-Za-z0-9._-]{1,64}$/;

export interface ClusterOptions {
  /** The controller listens here; broker i on basePort + i. */
  basePort: number;
  /** Brokers started now (ids 1..brokers). */
  brokers: number;
  /** broker.rack of each broker, in id order (one per broker), e.g. ["a", "a", "b", "b"]. */
  racks?: readonly string[];
  /** Extra or overriding server.properties lines for every broker. */
  extra?: readonly string[];
  /** Max heap per broker JVM. Default 320m (the controller gets 192m). */
  heap?: string;
  /** ms to wait for each node. Default 120 s (several JVMs start at once on a small machine). */
  readyTimeoutMs?: number;
}

export interface BrokerNode {
  id: number;
  port: number;
  /** host:port for clients. */
  address: string;
  rack?: string;
  running: boolean;
  /** The broker's log4j file. */
  logFile: string;
}

export interface MultiCluster {
  /** Every broker started with the cluster, comma-separated (clients need only one that is up). */
  bootstrap: string;
  /** The first running broker's address (for clients that take one). */
  anyRunning(): string;
  brokers(): BrokerNode[];
  /**
   * Stops one broker (graceful: controlled shutdown) and resolves once the others no longer list
   * it. Until it starts again a placeholder on its port closes every connection (clients see it
   * gone; nothing else can take the port meanwhile).
   */
  stopBroker(id: number): Promise<void>;
  /** Starts a stopped broker again on its kept data dir; resolves once it serves metadata listing itself. */
  startBroker(id: number): Promise<void>;
  /** Formats and starts a new, empty broker with the next id; resolves once it serves metadata. */
  addBroker(opts?: { rack?: string }): Promise<BrokerNode>;
  /** Brokers, then the controller; deletes the run dir. */
  stop(): Promise<void>;
}

interface Node {
  id: number;
  /** Releases the placeholder listener on a stopped broker's port (local-ports.ts holdPort). */
  release?: () => Promise<void>;
  /** Client port (brokers); the controller's is basePort. */
  port: number;
  rack?: string;
  dir: string;
  props: string;
  logCfg: string;
  svc?: Service;
}

export function validateClusterOptions(o: ClusterOptions): void {
  if (!Number.isInteger(o.brokers) || o.brokers < 1 || o.brokers > MAX_BROKER_ID) throw new Error(`brokers must be an integer from 1 to ${MAX_BROKER_ID}, got ${o.brokers}`);
  if (!Number.isInteger(o.basePort) || o.basePort < 1024 || o.basePort + MAX_BROKER_ID > 65535) throw new Error(`basePort must be an integer from 1024 to ${65535 - MAX_BROKER_ID}, got ${o.basePort}`);
  if (o.racks) {
    if (o.racks.length !== o.brokers) throw new Error(`racks lists ${o.racks.length} racks for ${o.brokers} brokers: give one per broker, in broker id order`);
    for (const r of o.racks) if (!RACK.test(r)) throw new Error(`rack ${JSON.stringify(r)} is not a rack name (letters, digits, . _ -, at most 64)`);
  }
}

export async function startCluster(opts: ClusterOptions): Promise<MultiCluster> {
  validateClusterOptions(opts);
  requireJava();
  const version = kafkaVersion();
  if (Number(version.split('.')[0]) < 4) throw new Error(`the multi-broker cluster needs Kafka 4 (dynamic controller quorum), KAFKA_VERSION is ${version}`);
  const { libs } = await ensureKafka(version);
  const cport = opts.basePort;
  const timeoutMs = opts.readyTimeoutMs ?? 120_000;
  const root = join(cacheRoot(), 'run', `cluster-${opts.basePort}`);
  await stopLeftovers(opts.basePort);
  const ids = Array.from({ length: opts.brokers }, (_, i) => i + 1);
  for (const p of [cport, ...ids.map((id) => opts.basePort + id)]) await portFree(p, `the ${opts.brokers}-broker cluster`);
  rmSync(root, { recursive: true, force: true });
  const clusterId = newClusterId();
  const rf = Math.min(3, opts.brokers);
  const brokerExtra = [
    'auto.leader.rebalance.enable=false',
    'auto.create.topics.enable=false',
    `default.replication.factor=${rf}`,
    `offsets.topic.replication.factor=${rf}`,
    `transaction.state.log.replication.factor=${rf}`,
    `share.coordinator.state.topic.replication.factor=${rf}`,
    'min.insync.replicas=1',
    // Fewer threads than the defaults (3 network, 8 io): many JVMs share a small machine.
    'num.network.threads=2',
    'num.io.threads=2',
    // A restarted broker cannot register again until its old session expires (9 s by default;
    // the controller's is 6 s here: with 2.5 s a broker once went missing on a loaded machine).
    'broker.heartbeat.interval.ms=500',
    ...(opts.extra ?? []),
  ];
  const by = 'devtools/cluster/multi.ts';

  const makeNode = async (id: number, rack: string | undefined): Promise<Node> => {
    const isController = id === CONTROLLER_NODE_ID;
    const dir = join(root, isController ? 'controller' : `broker-${id}`);
    mkdirSync(join(dir, 'data'), { recursive: true });
    const port = isController ? cport : opts.basePort + id;
    const props = join(dir, 'server.properties');
    const extra = isController ? [`default.replication.factor=${rf}`, 'broker.session.timeout.ms=6000'] : [...brokerExtra, ...(rack ? [`broker.rack=${rack}`] : [])];
    writeFileSync(props, serverProperties({ version, dataDir: join(dir, 'data'), port, cport, nodeId: id, controller: isController ? 'only' : false, by, extra }));
    const logCfg = join(dir, 'log4j2.properties');
    writeFileSync(logCfg, log4j2Config(join(dir, 'server.log')));
    // The controller alone is the quorum (--standalone); brokers only need the cluster id.
    const fmt = ['format', '-t', clusterId, '-c', props, ...(isController ? ['--standalone'] : [])];
    await execJava(['-Xmx192m', '-XX:TieredStopAtLevel=1', `-Dlog4j2.configurationFile=${logCfg}`, '-cp', `${libs}/*`, 'kafka.tools.StorageTool', ...fmt], dir);
    return { id, port, ...(rack && { rack }), dir, props, logCfg };
  };

  const brokerLists = async (via: number, id: number): Promise<boolean> => {
    const admin = quietKafka(`127.0.0.1:${via}`).admin();
    try {
      await admin.connect();
      return (await admin.describeCluster()).brokers.some((b) => b.nodeId === id);
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => {});
    }
  };
  const launch = (n: Node): Service => {
    const heap = n.id === CONTROLLER_NODE_ID ? '192m' : (opts.heap ?? '320m');
    // C1 only and the serial collector: these JVMs start and idle, they never run hot for long,
    // and several share two cores.
    const jvm = [`-Xmx${heap}`, '-Xms64m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true', `-Dkafka.logs.dir=${n.dir}`, `-Dlog4j2.configurationFile=${n.logCfg}`];
    const label = n.id === CONTROLLER_NODE_ID ? 'controller' : `broker-${n.id}`;
    n.svc = startService(`cluster-${opts.basePort}-${label}`, 'java', [...jvm, '-cp', `${libs}/*`, 'kafka.Kafka', n.props], { cwd: n.dir, outFile: join(n.dir, 'stdout.log'), pidFile: join(n.dir, 'pid') });
    return n.svc;
  };
  const logFiles = (n: Node) => [join(n.dir, 'server.log'), join(n.dir, 'stdout.log')];
  let controller: Node | undefined;
  const brokers = new Map<number, Node>();
  // Connect only to a port the kernel lists as listening (see local-ports.ts: a connect to a free
  // port in the ephemeral range can take the port itself).
  const serves = async (n: Node): Promise<boolean> => {
    const state = portState(n.port);
    return (state === 'listening' || state === undefined) && brokerLists(n.port, n.id);
  };
  const startBroker = async (n: Node): Promise<void> => {
    const t0 = Date.now();
    for (let attempt = 1; ; attempt++) {
      const logFile = join(n.dir, 'server.log');
      const logFrom = existsSync(logFile) ? statSync(logFile).size : 0;
      await n.release?.();
      delete n.release;
      const svc = launch(n);
      const bindFailed = () => lostPort(logFile, logFrom, n.port);
      // A broker that failed to bind its port hangs in shutdown for a long while: end it at once.
      const bindWatch = setInterval(() => {
        if (bindFailed()) {
          try {
            process.kill(-svc.pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
      }, 300);
      // A broker waits for a controller that died: fail with the controller's log instead.
      const controllerGone = controller!.svc!.exited.then(async (code) => {
        throw new Error(`the controller exited (code ${code}) while broker ${n.id} was starting.\n${logFiles(controller!).map((f) => `see ${f}`).join('\n')}`);
      });
      controllerGone.catch(() => {});
      try {
        await Promise.race([waitUntilReady({ what: `broker ${n.id}`, svc, probe: () => serves(n), timeoutMs, logFiles: logFiles(n) }), controllerGone]);
        break;
      } catch (error) {
        // An outgoing connection took the port before the broker bound it (the ports lie in the
        // ephemeral range): wait for it to close and start again.
        if (!bindFailed() || attempt === BIND_ATTEMPTS) throw error;
        await svc.stop();
        log(`cluster-${opts.basePort}: broker ${n.id} could not bind 127.0.0.1:${n.port} (held by an outgoing connection); starting it again`);
        await portFree(n.port, `broker ${n.id}`);
      } finally {
        clearInterval(bindWatch);
      }
    }
    log(`cluster-${opts.basePort}: broker ${n.id}${n.rack ? ` (rack ${n.rack})` : ''} up on 127.0.0.1:${n.port} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  };
  const running = () => [...brokers.values()].filter((b) => b.svc && !b.svc.hasExited());
  const stopAll = async (): Promise<void> => {
    // Brokers first, then the controller they report to (a controller gone first leaves them waiting).
    await Promise.allSettled([...brokers.values()].map((b) => b.svc?.stop()));
    await controller?.svc?.stop();
    await Promise.all([...brokers.values()].map((b) => b.release?.()));
  };

  const t0 = Date.now();
  try {
    // Formatting is one short JVM per node: all at once.
    const made = await Promise.all([makeNode(CONTROLLER_NODE_ID, undefined), ...ids.map((id) => makeNode(id, opts.racks?.[id - 1]))]);
    controller = made[0]!;
    for (const n of made.slice(1)) brokers.set(n.id, n);
    // Brokers connect to the controller port at once: launched before it listens, one of their
    // connects can land on the port itself (local-ports.ts) and the controller then cannot bind.
    // Another process's outgoing connection can hold it too: then start it again.
    for (let attempt = 1; ; attempt++) {
      const logFile = join(controller.dir, 'server.log');
      const logFrom = existsSync(logFile) ? statSync(logFile).size : 0;
      const csvc = launch(controller);
      const deadline = Date.now() + timeoutMs;
      while (portState(cport) === 'free' || portState(cport) === 'in-use') {
        if (csvc.hasExited()) break;
        if (Date.now() > deadline) throw new Error(`the controller did not listen on 127.0.0.1:${cport} within ${timeoutMs / 1000} s, see ${logFiles(controller).join(', ')}`);
        await sleep(100);
      }
      if (!csvc.hasExited()) break;
      if (!lostPort(logFile, logFrom, cport) || attempt === BIND_ATTEMPTS) throw new Error(`the controller exited during startup (code ${await csvc.exited}), see ${logFiles(controller).join(', ')}`);
      log(`cluster-${opts.basePort}: the controller could not bind 127.0.0.1:${cport} (held by an outgoing connection); starting it again`);
      await portFree(cport, 'the controller');
    }
    // Then all brokers at once: each registers as soon as the controller answers.
    await Promise.all([...brokers.values()].map((b) => startBroker(b)));
  } catch (error) {
    await stopAll();
    throw error;
  }
  log(`cluster-${opts.basePort}: controller + ${opts.brokers} brokers ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);

  const get = (id: number): Node => {
    const n = brokers.get(id);
    if (!n) throw new Error(`no broker ${id} in cluster-${opts.basePort} (brokers: ${[...brokers.keys()].join(', ')})`);
    return n;
  };
  const view = (n: Node): BrokerNode => ({ id: n.id, port: n.port, address: `127.0.0.1:${n.port}`, ...(n.rack && { rack: n.rack }), running: !!n.svc && !n.svc.hasExited(), logFile: join(n.dir, 'server.log') });

  return {
    bootstrap: ids.map((id) => `127.0.0.1:${opts.basePort + id}`).join(','),
    anyRunning: () => {
      const n = running()[0];
      if (!n) throw new Error(`no broker of cluster-${opts.basePort} is running`);
      return `127.0.0.1:${n.port}`;
    },
    brokers: () => [...brokers.values()].sort((a, b) => a.id - b.id).map(view),
    stopBroker: async (id) => {
      const n = get(id);
      await n.svc?.stop();
      n.release ??= await holdPort(n.port);
      const other = running()[0];
      if (!other) return;
      // Controlled shutdown fences the broker at once; wait until metadata says so.
      const gone = async () => !(await brokerLists(other.port, id));
      const deadline = Date.now() + 30_000;
      while (!(await gone())) {
        if (Date.now() > deadline) throw new Error(`broker ${id} stopped but broker ${other.id} still lists it after 30 s`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    startBroker: async (id) => {
      const n = get(id);
      if (n.svc && !n.svc.hasExited()) throw new Error(`broker ${id} is already running`);
      await startBroker(n);
    },
    addBroker: async (o = {}) => {
      const id = Math.max(...brokers.keys()) + 1;
      if (id > MAX_BROKER_ID) throw new Error(`cluster-${opts.basePort} already has broker ${id - 1}, the highest id its port range allows`);
      if (o.rack !== undefined && !RACK.test(o.rack)) throw new Error(`rack ${JSON.stringify(o.rack)} is not a rack name (letters, digits, . _ -, at most 64)`);
      await portFree(opts.basePort + id, `broker ${id}`);
      const n = await makeNode(id, o.rack);
      brokers.set(id, n);
      await startBroker(n);
      return view(n);
    },
    stop: async () => {
      await stopAll();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Runs a short java command (storage formatting); throws with its output on failure. */
async function execJava(args: string[], cwd: string): Promise<void> {
  try {
    await promisify(execFile)('java', args, { cwd, maxBuffer: 16 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: unknown; message: string };
    const out = `${err.stdout ?? ''}\n${err.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`java ${args.slice(-6).join(' ')} failed (${String(err.code ?? err.message)}):\n${out}`);
  }
}

/** Whether the node whose log is `logFile` failed to bind `port` since `logFrom` (a length of that log). */
function lostPort(logFile: string, logFrom: number, port: number): boolean {
  return existsSync(logFile) && readFileSync(logFile, 'utf8').slice(logFrom).includes(`failed to bind to 127.0.0.1:${port}: Address already in use`);
}

/** Starts of one node when its port was taken at bind time. */
const BIND_ATTEMPTS = 3;

/**
 * Resolves when nothing holds `port`. A listener is someone else's service: fail at once. Any
 * other holder is an outgoing connection that took the port as its source: it goes away.
 */
async function portFree(port: number, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = portState(port) ?? ((await portOpen(port)) ? 'listening' : 'free');
    if (state === 'free') return;
    if (state === 'listening') throw new Error(`cannot start ${what}: port ${port} on 127.0.0.1 is already in use`);
    if (Date.now() > deadline) throw new Error(`cannot start ${what}: port ${port} on 127.0.0.1 is still held by a connection after ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

/** Stops the nodes an earlier start on this base port left running (a crashed run's pid files; `cli.ts stop`). Returns how many. */
export async function stopLeftovers(basePort: number): Promise<number> {
  const root = join(cacheRoot(), 'run', `cluster-${basePort}`);
  let dirs: string[];
  try {
    dirs = readdirSync(root);
  } catch {
    return 0;
  }
  const killed = await Promise.all(dirs.map((d) => killStale(join(root, d, 'pid'), join(root, d))));
  return killed.filter(Boolean).length;
}
