// vitest globalSetup for integration tests (devtools/vitest.int.config.ts).
// Reuses Kafka / the registry when something already answers on their ports (e.g. `npm run
// dev:cluster` in another terminal, or KAFKA_BOOTSTRAP / SCHEMA_REGISTRY_URL pointing elsewhere);
// otherwise starts them, and stops only what it started. If a service cannot be started this
// THROWS, so the suite fails: integration tests are never silently skipped.
import type { TestProject } from 'vitest/node';
import { DEFAULT_KAFKA_PORT, kafkaAnswers, startKafka, type RunningKafka } from './kafka.ts';
import { registryAnswers, registryUrl, startRegistry, type RunningRegistry } from './registry.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** host:port of the test Kafka broker */
    bootstrap: string;
    /** Confluent-compatible schema registry base URL, e.g. http://127.0.0.1:18081/apis/ccompat/v7 */
    schemaRegistryUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started: Array<RunningKafka | RunningRegistry> = [];
  const teardown = async (): Promise<void> => {
    await Promise.allSettled(started.map((s) => s.stop()));
  };
  try {
    const wantBootstrap = process.env['KAFKA_BOOTSTRAP'];
    const wantRegistry = process.env['SCHEMA_REGISTRY_URL'];

    const kafkaP = (async (): Promise<string> => {
      const bootstrap = wantBootstrap ?? `127.0.0.1:${DEFAULT_KAFKA_PORT}`;
      if (await kafkaAnswers(bootstrap)) {
        console.log(`[devtools] reusing Kafka at ${bootstrap}`);
        return bootstrap;
      }
      if (wantBootstrap) throw new Error(`KAFKA_BOOTSTRAP=${wantBootstrap} does not answer`);
      const k = await startKafka();
      started.push(k);
      return k.bootstrap;
    })();
    const registryP = (async (): Promise<string> => {
      const url = wantRegistry ?? registryUrl();
      if (await registryAnswers(url)) {
        console.log(`[devtools] reusing schema registry at ${url}`);
        return url;
      }
      if (wantRegistry) throw new Error(`SCHEMA_REGISTRY_URL=${wantRegistry} does not answer`);
      const r = await startRegistry();
      started.push(r);
      return r.url;
    })();
    const [k, r] = await Promise.allSettled([kafkaP, registryP]);
    if (k.status === 'rejected') throw k.reason;
    if (r.status === 'rejected') throw r.reason;

    project.provide('bootstrap', k.value);
    project.provide('schemaRegistryUrl', r.value);
    // Also as env vars, for code that reads its config from the environment.
    process.env['KAFKA_BOOTSTRAP'] = k.value;
    process.env['SCHEMA_REGISTRY_URL'] = r.value;
  } catch (e) {
    await teardown();
    throw e;
  }
  return teardown;
}
