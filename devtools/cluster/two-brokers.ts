// A throwaway two-broker KRaft cluster for tests that need replicas on more than one broker
// (leadership that moved away from the preferred replica after a broker restart). Node 1 is
// broker and controller, node 2 a broker only, so node 2 can be stopped and started while the
// cluster stays up. Its own ports and data dirs (never the shared dev broker's); automatic
// leader rebalancing is off, so a leadership drift stays until someone elects.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ensureKafka, kafkaVersion, log4j2Config, quietKafka, serverProperties } from './kafka.ts';
import { cacheRoot, killStale, log, portOpen, requireJava, run, startService, waitUntilReady, type Service } from './util.ts';

export interface TwoBrokers {
  /** Both brokers, for clients. */
  bootstrap: string;
  /** Stops broker 2 (node 2) and resolves once its process has exited. */
  stopBroker2(): Promise<void>;
  /** Starts broker 2 again on its kept data dir and resolves once the cluster lists it. */
  startBroker2(): Promise<void>;
  stop(): Promise<void>;
}

interface Node {
  id: number;
  port: number;
  props: string;
  dir: string;
  logCfg: string;
  svc?: Service;
}

export async function startTwoBrokers(opts: { basePort: number }): Promise<TwoBrokers> {
  requireJava();
  const version = kafkaVersion();
  if (Number(version.split('.')[0]) < 4) throw new Error('two-brokers needs Kafka 4 (dynamic quorum)');
  const { libs } = await ensureKafka(version);
  const cport = opts.basePort + 1;
  const ports = [opts.basePort, opts.basePort + 2];
  for (const p of [...ports, cport]) {
    if (await portOpen(p)) throw new Error(`cannot start the two-broker cluster: port ${p} on 127.0.0.1 is already in use`);
  }
  const root = join(cacheRoot(), 'run', `two-brokers-${opts.basePort}`);
  rmSync(root, { recursive: true, force: true });
  const clusterId = randomBytes(16).toString('base64url');
  const nodes: Node[] = ports.map((port, i) => {
    const id = i + 1;
    const dir = join(root, `node-${id}`);
    mkdirSync(join(dir, 'data'), { recursive: true });
    const props = join(dir, 'server.properties');
    writeFileSync(props, serverProperties({ version, dataDir: join(dir, 'data'), port, cport, nodeId: id, by: 'devtools/cluster/two-brokers.ts', extra: ['auto.leader.rebalance.enable=false', 'auto.create.topics.enable=false'] }));
    const logCfg = join(dir, 'log4j2.properties');
    writeFileSync(logCfg, log4j2Config(join(dir, 'server.log')));
    return { id, port, props, dir, logCfg };
  });
  const logProps = (n: Node) => [`-Dlog4j2.configurationFile=${n.logCfg}`];
  for (const n of nodes) {
    const fmt = ['format', '-t', clusterId, '-c', n.props, ...(n.id === 1 ? ['--standalone'] : [])];
    run('java', ['-Xmx256m', ...logProps(n), '-cp', `${libs}/*`, 'kafka.tools.StorageTool', ...fmt], { cwd: n.dir });
  }
  const bootstrap = ports.map((p) => `127.0.0.1:${p}`).join(',');

  const brokersListed = async (want: number): Promise<boolean> => {
    const admin = quietKafka(`127.0.0.1:${ports[0]}`).admin();
    try {
      await admin.connect();
      return (await admin.describeCluster()).brokers.length === want;
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => {});
    }
  };
  const start = async (n: Node, want: number): Promise<void> => {
    const pidFile = join(root, `node-${n.id}.pid`);
    await killStale(pidFile, n.dir);
    const jvm = ['-Xmx384m', '-Xms128m', '-XX:+UseG1GC', '-Djava.awt.headless=true', `-Dkafka.logs.dir=${n.dir}`, ...logProps(n)];
    n.svc = startService(`two-brokers-node-${n.id}`, 'java', [...jvm, '-cp', `${libs}/*`, 'kafka.Kafka', n.props], { cwd: n.dir, outFile: join(n.dir, 'stdout.log'), pidFile });
    const ms = await waitUntilReady({ what: `node ${n.id}`, svc: n.svc, probe: () => brokersListed(want), timeoutMs: 90_000, logFiles: [join(n.dir, 'server.log'), join(n.dir, 'stdout.log')] });
    log(`two-brokers: node ${n.id} up on 127.0.0.1:${n.port} in ${(ms / 1000).toFixed(1)}s`);
  };
  const [one, two] = nodes as [Node, Node];
  try {
    await start(one, 1);
    await start(two, 2);
  } catch (error) {
    await Promise.allSettled(nodes.map((n) => n.svc?.stop()));
    throw error;
  }
  return {
    bootstrap,
    stopBroker2: async () => {
      await two.svc?.stop();
    },
    startBroker2: () => start(two, 2),
    stop: async () => {
      // Broker first, then the controller it reports to (a controller gone first leaves the broker waiting).
      await two.svc?.stop();
      await one.svc?.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
