// Dev cluster CLI: real Kafka (KRaft) + Confluent-compatible schema registry on 127.0.0.1.
//   node devtools/cluster/cli.ts start      start both in the foreground; Ctrl-C / SIGTERM stops both
//   node devtools/cluster/cli.ts download   only download (Kafka jars + Apicurio) into .cache/
//   node devtools/cluster/cli.ts status     what is downloaded, what answers on the ports
//   node devtools/cluster/cli.ts stop       stop services left behind by an earlier start (pid files)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_KAFKA_PORT, ensureKafka, kafkaAnswers, kafkaHome, kafkaVersion, startKafka, type RunningKafka } from './kafka.ts';
import { DEFAULT_REGISTRY_PORT, apicurioHome, apicurioVersion, ensureRegistry, registryAnswers, registryUrl, startRegistry, type RunningRegistry } from './registry.ts';
import { cacheRoot, killStale } from './util.ts';

const USAGE = 'usage: node devtools/cluster/cli.ts <start|download|status|stop>';

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
  process.stdout.write(`kafka ${k ? 'stopped' : 'not running (from pid file)'}\nregistry ${r ? 'stopped' : 'not running (from pid file)'}\n`);
}

const cmd = process.argv[2];
switch (cmd) {
  case 'start':
    await start();
    break;
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
