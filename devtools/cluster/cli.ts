// Dev cluster CLI: real Kafka (KRaft) + Confluent-compatible schema registry on 127.0.0.1.
//   node devtools/cluster/cli.ts start      start both in the foreground; Ctrl-C / SIGTERM stops both
//   node devtools/cluster/cli.ts download   only download (Kafka jars + Apicurio) into .cache/
//   node devtools/cluster/cli.ts status     what is downloaded, what answers on the ports
//   node devtools/cluster/cli.ts stop       stop services left behind by an earlier start (pid files)
//   node devtools/cluster/cli.ts start --brokers 4 [--racks a,a,b,b] [--base-port 29090]
//       a multi-broker KRaft cluster instead (multi.ts; no registry): a dedicated controller on the
//       base port, broker i on base port + i. While it runs, stdin takes: stop <id>, start <id>,
//       add [rack], brokers.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_KAFKA_PORT, ensureKafka, kafkaAnswers, kafkaHome, kafkaVersion, startKafka, type RunningKafka } from './kafka.ts';
import { DEFAULT_REGISTRY_PORT, apicurioHome, apicurioVersion, ensureRegistry, registryAnswers, registryUrl, startRegistry, type RunningRegistry } from './registry.ts';
import { createInterface } from 'node:readline';
import { startCluster, stopLeftovers, validateClusterOptions, type ClusterOptions, type MultiCluster } from './multi.ts';
import { cacheRoot, killStale } from './util.ts';

const USAGE = 'usage: node devtools/cluster/cli.ts <start [--brokers N [--racks a,b,...] [--base-port P]]|download|status|stop>';
/** Outside Linux's ephemeral port range (32768-60999), so no outgoing connection can take a broker's port. */
const DEFAULT_MULTI_BASE_PORT = 29090;

/** start's options: undefined for the single dev broker + registry. Exits 2 on bad input. */
function multiOptions(args: string[]): ClusterOptions | undefined {
  const bad = (msg: string): never => {
    process.stderr.write(`[devtools] ${msg}\n${USAGE}\n`);
    process.exit(2);
  };
  const opts: { brokers?: number; racks?: string[]; basePort: number } = { basePort: DEFAULT_MULTI_BASE_PORT };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const value = args[i + 1];
    if (!['--brokers', '--racks', '--base-port'].includes(flag)) bad(`unknown option ${JSON.stringify(flag)}`);
    if (value === undefined || value.startsWith('--')) bad(`${flag} needs a value`);
    i++;
    if (flag === '--brokers') opts.brokers = /^\d+$/.test(value!) ? Number(value) : bad(`--brokers must be a whole number, got ${JSON.stringify(value)}`);
    if (flag === '--base-port') opts.basePort = /^\d+$/.test(value!) ? Number(value) : bad(`--base-port must be a port number, got ${JSON.stringify(value)}`);
    if (flag === '--racks') opts.racks = value!.split(',');
  }
  if (opts.brokers === undefined) return opts.racks || args.includes('--base-port') ? bad('--racks and --base-port need --brokers') : undefined;
  const o: ClusterOptions = { basePort: opts.basePort, brokers: opts.brokers, ...(opts.racks && { racks: opts.racks }) };
  try {
    validateClusterOptions(o);
  } catch (e) {
    bad((e as Error).message);
  }
  return o;
}

async function startMulti(opts: ClusterOptions): Promise<void> {
  let cluster: MultiCluster | undefined;
  let stopping: Promise<never> | undefined;
  const shutdown = (why: string, code: number): Promise<never> =>
    (stopping ??= (async () => {
      process.stderr.write(`\n[devtools] ${why}: stopping ...\n`);
      await cluster?.stop();
      process.stderr.write('[devtools] stopped\n');
      process.exit(code);
    })());
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void shutdown(sig, 0));
  try {
    cluster = await startCluster(opts);
  } catch (e) {
    process.stderr.write(`[devtools] start failed: ${(e as Error).message}\n`);
    return shutdown('error', 1);
  }
  const brokers = () => cluster!.brokers().map((b) => `broker ${b.id} ${b.address}${b.rack ? ` rack ${b.rack}` : ''} ${b.running ? 'running' : 'stopped'}`).join('\n');
  process.stdout.write(`bootstrap=${cluster.bootstrap}\n${brokers()}\n`);
  process.stderr.write('[devtools] running; commands: stop <id>, start <id>, add [rack], brokers; Ctrl-C to stop\n');
  setInterval(() => {}, 1 << 30);
  // One command at a time: a start that is still waiting finishes before the next is read.
  const rl = createInterface({ input: process.stdin });
  let queue = Promise.resolve();
  rl.on('line', (line) => {
    const [cmd, arg] = line.trim().split(/\s+/);
    queue = queue.then(async () => {
      try {
        if (cmd === 'stop' || cmd === 'start') {
          const id = Number(arg);
          if (!Number.isInteger(id)) throw new Error(`${cmd} needs a broker id`);
          await (cmd === 'stop' ? cluster!.stopBroker(id) : cluster!.startBroker(id));
          process.stdout.write(`broker ${id} ${cmd === 'stop' ? 'stopped' : 'started'}\n`);
        } else if (cmd === 'add') {
          const b = await cluster!.addBroker(arg ? { rack: arg } : {});
          process.stdout.write(`broker ${b.id} added on ${b.address}${b.rack ? ` rack ${b.rack}` : ''} (empty: nothing is reassigned onto it)\n`);
        } else if (cmd === 'brokers') {
          process.stdout.write(`${brokers()}\n`);
        } else if (cmd) {
          throw new Error(`unknown command ${JSON.stringify(cmd)} (stop <id>, start <id>, add [rack], brokers)`);
        }
      } catch (e) {
        process.stderr.write(`[devtools] ${(e as Error).message}\n`);
      }
    });
  });
}

async function start(): Promise<void> {
  let kafka: RunningKafka | undefined;
  let registry: RunningRegistry | undefined;
  let stopping: Promise<never> | undefined;
  const shutdown = (why: string, code: number): Promise<never> =>
    (stopping ??= (async () => {
      process.stderr.write(`\n[devtools] ${why}: stopping ...\n`);
      await Promise.allSettled([registry?.stop(), kafka?.stop()]);
      process.stderr.write('[devtools] stopped\n');
      process.exit(code);
    })());
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => void shutdown(sig, 0));
  }
  try {
    // Download both first (in parallel), then start both in parallel.
    await Promise.all([ensureKafka(), ensureRegistry()]);
    const [k, r] = await Promise.allSettled([startKafka(), startRegistry()]);
    if (k.status === 'fulfilled') kafka = k.value;
    if (r.status === 'fulfilled') registry = r.value;
    if (k.status === 'rejected') throw k.reason;
    if (r.status === 'rejected') throw r.reason;
  } catch (e) {
    process.stderr.write(`[devtools] start failed: ${(e as Error).message}\n`);
    return shutdown('error', 1);
  }
  if (stopping || !kafka || !registry) return;
  process.stdout.write(`bootstrap=${kafka.bootstrap}\nschemaRegistry=${registry.url}\n`);
  process.stderr.write(`[devtools] kafka log: ${kafka.logFile}\n[devtools] registry log: ${registry.logFile}\n[devtools] running; Ctrl-C to stop\n`);
  // Keep the event loop alive until a signal arrives; if either service dies, stop the other too.
  setInterval(() => {}, 1 << 30);
  void kafka.exited.then((c) => shutdown(`Kafka exited unexpectedly (code ${c}), see ${kafka?.logFile}`, 1));
  void registry.exited.then((c) => shutdown(`registry exited unexpectedly (code ${c}), see ${registry?.logFile}`, 1));
}

async function download(): Promise<void> {
  const t0 = Date.now();
  const [k, r] = await Promise.all([ensureKafka(), ensureRegistry()]);
  process.stdout.write(`kafka=${k.home} (${k.downloaded ? 'downloaded' : 'cached'})\nregistry=${r.home} (${r.downloaded ? 'downloaded' : 'cached'})\n`);
  process.stdout.write(`took ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
}

async function status(): Promise<void> {
  const kv = kafkaVersion();
  const av = apicurioVersion();
  const bootstrap = `127.0.0.1:${DEFAULT_KAFKA_PORT}`;
  const url = registryUrl(DEFAULT_REGISTRY_PORT);
  const [ka, ra] = await Promise.all([kafkaAnswers(bootstrap), registryAnswers(url)]);
  const lines = [
    `cache=${cacheRoot()}`,
    `kafka.version=${kv} downloaded=${existsSync(join(kafkaHome(kv), '.complete'))}`,
    `registry.version=apicurio-${av} downloaded=${existsSync(join(apicurioHome(av), '.complete'))}`,
    `bootstrap=${bootstrap} ${ka ? 'UP' : 'down'}`,
    `schemaRegistry=${url} ${ra ? 'UP' : 'down'}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

async function stop(): Promise<void> {
  const run = join(cacheRoot(), 'run');
  const k = await killStale(join(run, `kafka-${DEFAULT_KAFKA_PORT}.pid`), join(run, `kafka-${DEFAULT_KAFKA_PORT}`));
  const r = await killStale(join(run, `registry-${DEFAULT_REGISTRY_PORT}.pid`), join(run, `registry-${DEFAULT_REGISTRY_PORT}`));
  const m = await stopLeftovers(DEFAULT_MULTI_BASE_PORT);
  process.stdout.write(`kafka ${k ? 'stopped' : 'not running (from pid file)'}\nregistry ${r ? 'stopped' : 'not running (from pid file)'}\nmulti-broker cluster on ${DEFAULT_MULTI_BASE_PORT}: ${m} nodes stopped\n`);
}

const cmd = process.argv[2];
switch (cmd) {
  case 'start': {
    const multi = multiOptions(process.argv.slice(3));
    await (multi ? startMulti(multi) : start());
    break;
  }
  case 'download':
    await download();
    break;
  case 'status':
    await status();
    break;
  case 'stop':
    await stop();
    break;
  default:
    process.stderr.write(USAGE + '\n');
    process.exit(2);
}
