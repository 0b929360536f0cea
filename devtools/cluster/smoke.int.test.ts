// Smoke test against the REAL dev cluster started by devtools/cluster/global-setup.ts.
// Run: node_modules/.bin/vitest run -c devtools/vitest.int.config.ts
import { randomBytes } from 'node:crypto';
import { SchemaRegistryClient } from '@confluentinc/schemaregistry';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const suffix = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const bootstrap = inject('bootstrap');
const registry = inject('schemaRegistryUrl');

describe('kafka (real broker)', () => {
  const kafka = new Kafka({ clientId: `smoke-${suffix}`, brokers: [bootstrap], logLevel: logLevel.WARN });
  const admin = kafka.admin();
  const topic = `smoke-${suffix}`;
  const group = `smoke-group-${suffix}`;

  beforeAll(async () => {
    await admin.connect();
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  });

  it('creates a topic, produces 10 messages, commits and describes a group', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers).toHaveLength(1);

    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true })).toBe(true);

    // Idempotent: kafkajs retries a whole multi-partition batch when one partition answers
    // NOT_LEADER (common right after topic creation), which would duplicate the others.
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: JSON.stringify({ i }), partition: i % 2 })),
    });
    await producer.disconnect();

    const offsets = await admin.fetchTopicOffsets(topic);
    const ends = offsets.map((o) => ({ partition: o.partition, high: Number(o.high) })).sort((a, b) => a.partition - b.partition);
    expect(ends).toEqual([
      { partition: 0, high: 5 },
      { partition: 1, high: 5 },
    ]);

    // Commit offsets for a group that never joined (as ops tooling does when resetting offsets).
    await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '3' }, { partition: 1, offset: '5' }] });
    const committed = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    const parts = committed[0]?.partitions.map((p) => ({ partition: p.partition, offset: p.offset })).sort((a, b) => a.partition - b.partition);
    expect(parts).toEqual([
      { partition: 0, offset: '3' },
      { partition: 1, offset: '5' },
    ]);
    // Lag = end - committed: 2 on partition 0, 0 on partition 1.

    const described = await admin.describeGroups([group]);
    expect(described.groups[0]?.groupId).toBe(group);
    expect(described.groups[0]?.state).toBe('Empty');
    const listed = await admin.listGroups();
    expect(listed.groups.map((g) => g.groupId)).toContain(group);
  });
});

describe('schema registry (Confluent API)', () => {
  const subject = `smoke-${suffix}-value`;
  const v1 = { type: 'record', name: 'User', namespace: 'smoke', fields: [{ name: 'id', type: 'string' }] };
  const v2Incompatible = { ...v1, fields: [...v1.fields, { name: 'age', type: 'int' }] }; // no default: not BACKWARD compatible
  const headers = { 'Content-Type': 'application/vnd.schemaregistry.v1+json' };
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(`${registry}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  };

  it('registers an Avro schema and reads it back', async () => {
    const reg = await call('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(v1) });
    expect(reg.status).toBe(200);
    const id = (reg.json as { id: number }).id;
    expect(typeof id).toBe('number');

    const latest = await call('GET', `/subjects/${subject}/versions/latest`);
    expect(latest.status).toBe(200);
    expect(latest.json).toMatchObject({ subject, version: 1, id });
    expect(JSON.parse((latest.json as { schema: string }).schema)).toMatchObject({ name: 'User' });

    const byId = await call('GET', `/schemas/ids/${id}`);
    expect(byId.status).toBe(200);

    const cfg = await call('PUT', `/config/${subject}`, { compatibility: 'BACKWARD' });
    expect(cfg.status).toBe(200);
    const compat = await call('POST', `/compatibility/subjects/${subject}/versions/latest?verbose=true`, { schema: JSON.stringify(v2Incompatible) });
    expect(compat.status).toBe(200);
    expect(compat.json).toMatchObject({ is_compatible: false });

    const rejected = await call('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(v2Incompatible) });
    expect(rejected.status).toBe(409);
  });

  it('works with the @confluentinc/schemaregistry client', async () => {
    const client = new SchemaRegistryClient({ baseURLs: [registry] });
    const s = `smoke-client-${suffix}-value`;
    const id = await client.register(s, { schemaType: 'AVRO', schema: JSON.stringify(v1) });
    const meta = await client.getLatestSchemaMetadata(s);
    expect(meta.id).toBe(id);
    expect(meta.version).toBe(1);
    const info = await client.getBySubjectAndId(s, id);
    expect(JSON.parse(info.schema)).toMatchObject({ name: 'User' });
  });
});
